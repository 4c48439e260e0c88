import Figures

/// The malformed lines of one input: the first few are worth a warning each; the rest become one count, so a
/// list with a million bad lines prints twenty-one lines, not a million.
public struct MalformedLog: Sendable {
    public static let warnedLines = 20

    public let source: String?
    /// How many get a warning of their own.
    public let limit: Int
    /// Warnings not yet printed; the reader of the list drains them.
    public var pending: [MalformedLine] = []
    public private(set) var total = 0

    public init(source: String?, limit: Int = Self.warnedLines) {
        self.source = source
        self.limit = limit
    }

    mutating func record(line: Int, reason: String) {
        total += 1
        if total <= limit { pending.append(MalformedLine(source: source, line: line, reason: reason)) }
    }

    /// `list.txt: 12_345 more malformed lines skipped`, once the input is done; nil when every one was warned of.
    public var summary: String? {
        let more = total - limit
        guard more > 0 else { return nil }
        return "\(source ?? "stdin"): \(grouped(Int64(more))) more malformed "
            + (more == 1 ? "line" : "lines") + " skipped"
    }
}
