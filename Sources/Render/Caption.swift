/// The two text lines under a thumbnail.
///
/// The caller formats the title (`( 1)  14_739_448 bytes`) because the byte grouping belongs to the report
/// code, which prints the same text to stdout: the screen and the scrollback must agree character for
/// character. `name` is untrusted (it comes from a URL) and is sanitized and ellipsized when drawn.
public struct Caption: Sendable, Hashable {
    public var title: String
    public var name: String

    public init(title: String, name: String) {
        self.title = title
        self.name = name
    }

    /// The two lines as they appear in a slot `width` columns wide: sanitized, cut to fit, and padded so
    /// that they overwrite whatever the placeholder drew there.
    ///
    /// The name is percent-decoded for display and cut in the middle, which keeps its extension visible.
    public func lines(width: Int) -> (title: String, name: String) {
        (
            DisplayWidth.padded(Self.compacted(Sanitizer.clean(title), toWidth: width), toWidth: width),
            DisplayWidth.padded(Sanitizer.displayName(name), toWidth: width, truncation: .middle)
        )
    }

    /// A title that is too wide loses its unit, then its alignment spaces, before any digit is cut:
    /// `( 1)  14_739_448 bytes` → `( 1)  14_739_448` → `( 1) 14_739_448` → `( 1) 14_739_…`.
    static func compacted(_ title: String, toWidth width: Int) -> String {
        var text = title
        if DisplayWidth.of(text) > width, text.hasSuffix(" bytes") {
            text = String(text.dropLast(" bytes".count))
        }
        while DisplayWidth.of(text) > width, let doubleSpace = text.firstRange(of: "  ") {
            text.replaceSubrange(doubleSpace, with: " ")
        }
        return text
    }
}
