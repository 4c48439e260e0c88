/// One usable line of the input list.
public struct Candidate: Sendable, Hashable {
    /// 1-based line number in the input, for messages.
    public var line: Int
    /// The absolute URL, exactly as written (or as `base + path` for a relative path).
    public var url: String
    /// The size the list gave, if any.
    public var size: Int64?

    public init(line: Int, url: String, size: Int64?) {
        self.line = line
        self.url = url
        self.size = size
    }

    /// The last path segment as it appears in the URL (still percent-encoded: `%28` stays `%28`), which is what the
    /// talk prints. Foundation's `lastPathComponent` would decode it.
    public var name: String { Self.name(of: url) }

    public static func name(of url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1)[0].split(separator: "#", maxSplits: 1)[0]
        return path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? url
    }
}

/// A line that could not be used, with the reason, for a one-line warning naming it.
public struct MalformedLine: Error, Sendable, Hashable, CustomStringConvertible {
    /// The list file the line came from; nil for standard input (or a single unnamed list).
    public var source: String?
    public var line: Int
    public var reason: String

    public init(source: String? = nil, line: Int, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    /// `line 7: …`, or `list.txt: line 7: …` when the line came from a named file.
    public var description: String {
        (source.map { "\($0): " } ?? "") + "line \(line): \(reason)"
    }
}

/// Parses a URL list: one `URL`, `BYTES URL` or `URL BYTES` per line.
///
/// Blank lines and `#` comments are skipped; CRLF endings, a UTF-8 byte-order mark and `_` in sizes are accepted.
/// A relative path (the talk's index has `e/e9/Name.jpg`) is joined to `baseURL`. Bytes that are not UTF-8 are
/// replaced, never trusted.
///
/// Several lists (`gallery a.txt b.txt`) are parsed one by one with `add(_:source:)`, so line numbers in messages
/// are each file's own and a file without a final newline cannot glue its last line to the next file's first.
public struct URLList: Sendable {
    public static let defaultBaseURL = "https://upload.wikimedia.org/wikipedia/commons/"
    /// Lines longer than this are refused: no URL we would fetch is that long.
    public static let maxLineBytes = 8 * 1024

    public var candidates: [Candidate] = []
    public var malformed: [MalformedLine] = []
    /// Lines naming a URL already listed above; fetched once.
    public var duplicates = 0
    public let baseURL: String
    private var seen = Set<String>()

    /// An empty list; `add(_:source:)` fills it.
    public init(baseURL: String = Self.defaultBaseURL) {
        self.baseURL = baseURL
    }

    /// One list, parsed.
    public init(parsing bytes: [UInt8], baseURL: String = Self.defaultBaseURL) {
        self.init(baseURL: baseURL)
        add(bytes)
    }

    /// Parses one more list; a URL already seen in an earlier one counts as a duplicate.
    /// - Parameter source: the file's name for messages, nil for standard input.
    public mutating func add(_ bytes: [UInt8], source: String? = nil) {
        var rest = bytes[...]
        // A list given whole is parsed whole: every malformed line is kept, and none is refused as not a list.
        var scanner = ListScanner(source: source, baseURL: baseURL, judging: false, warnings: .max) { into, _ in
            let count = min(into.count, rest.count)
            into.copyBytes(from: rest.prefix(count))
            rest = rest.dropFirst(count)
            return count
        }
        var sink = Collector()
        while (try? scanner.scan(into: &sink)).map({ $0 != .end }) ?? false {}
        malformed += scanner.log.pending
        for candidate in sink.candidates {
            if seen.insert(candidate.url).inserted { candidates.append(candidate) } else { duplicates += 1 }
        }
    }

    private struct Collector: ListSink {
        var candidates: [Candidate] = []
        mutating func take(_ entry: ListEntry) -> Bool {
            candidates.append(entry.candidate())
            return true
        }
    }

    /// nil for a blank line or a comment.
    static func parse(line: String, number: Int, baseURL: String) -> Result<Candidate, MalformedLine>? {
        let text = line.trimmingCharacters(in: " \t\r\u{0B}\u{0C}")
        if text.isEmpty || text.hasPrefix("#") { return nil }
        if text.unicodeScalars.contains("\u{FFFD}") {
            return .failure(MalformedLine(line: number, reason: "not valid UTF-8"))
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        func bad(_ reason: String) -> Result<Candidate, MalformedLine> {
            .failure(MalformedLine(line: number, reason: reason))
        }
        let target: Substring
        var size: Int64? = nil
        switch fields.count {
        case 1:
            target = fields[0]
        case 2:
            if let first = ByteCount.parse(fields[0]) {
                (size, target) = (first, fields[1])
            } else if let second = ByteCount.parse(fields[1]) {
                (size, target) = (second, fields[0])
            } else if looksLikeNumber(fields[0]) || looksLikeNumber(fields[1]) {
                return bad(
                    "size is not a non-negative whole number: \(fields.first(where: looksLikeNumber) ?? fields[0])")
            } else {
                return bad("expected a URL and a size, got two words")
            }
        default:
            return bad("expected `URL`, `BYTES URL` or `URL BYTES`, got \(fields.count) fields")
        }
        switch resolve(String(target), baseURL: baseURL) {
        case .success(let url): return .success(Candidate(line: number, url: url, size: size))
        case .failure(let reason): return bad(reason.text)
        }
    }

    private static func looksLikeNumber(_ field: Substring) -> Bool {
        guard let first = field.first else { return false }
        return first == "-" || first == "+" || first.isNumber
    }

    /// Accepts http(s) URLs and relative paths; refuses every other scheme (`file:`, `ftp:` …).
    static func resolve(_ target: String, baseURL: String) -> Result<String, URLTarget.Refusal> {
        var target = target
        return target.withUTF8 { bytes in
            URLTarget.check(bytes, baseURL: baseURL).map {
                URLTarget.resolved(bytes, relative: $0, baseURL: baseURL)
            }
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let c = view.unicodeScalars.first, scalars.contains(c) { view = view.dropFirst() }
        while let c = view.unicodeScalars.last, scalars.contains(c) { view = view.dropLast() }
        return String(view)
    }
}
