/// Whether text (captions, placeholders, progress, failures) may carry colour and weight.
///
/// Images are content and are always drawn in colour; `NO_COLOR` turns off only the styling of text.
/// - SeeAlso: <https://no-color.org>
public enum TextStyle: Sendable, Hashable {
    case styled
    case plain

    /// `.plain` when `NO_COLOR` is set to anything but the empty string, as no-color.org specifies.
    public static func detect(environment: [String: String]) -> TextStyle {
        if let value = environment["NO_COLOR"], !value.isEmpty {
            return .plain
        }
        return .styled
    }
}
