import Figures

/// Decides from an input's first 64 KiB whether it is a URL list at all, so a JPEG piped by mistake or
/// `/dev/urandom` is skipped with one line instead of a flood of warnings.
///
/// It is not a list when those bytes hold a NUL, or when more than half of the lines that begin in them (blank
/// lines and comments aside) are malformed.
struct ListWindow: Sendable {
    static let bytes = 64 * 1024

    private(set) var good = 0
    private(set) var bad = 0
    private(set) var sawNUL = false

    /// Looks for a NUL in bytes read at `offset` of the input, as far as they fall in the window.
    mutating func look(at bytes: UnsafeBufferPointer<UInt8>, offset: Int) {
        guard offset < Self.bytes, !sawNUL else { return }
        let inWindow = UnsafeBufferPointer(rebasing: bytes.prefix(Self.bytes - offset))
        sawNUL = inWindow.contains(0)
    }

    mutating func count(_ verdict: LineVerdict) {
        switch verdict {
        case .blank: break
        case .malformed: bad += 1
        case .entry, .decoded: good += 1
        }
    }

    /// Why the input is not a list; nil while it looks like one.
    var refusal: String? {
        if sawNUL { return "not a URL list (a NUL byte in its first 64 KiB)" }
        guard bad * 2 > good + bad else { return nil }
        return "not a URL list (\(grouped(Int64(bad))) of its first \(grouped(Int64(good + bad))) "
            + "lines are malformed)"
    }
}
