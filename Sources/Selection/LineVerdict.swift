/// What one line of a list holds, decided on its bytes without building a `String` unless the line needs one.
///
/// Lists run to millions of lines and most of them are only counted or skipped, so the common case (a line that
/// is all ASCII) is checked byte by byte; a line with other bytes goes through `URLList.parse(line:)`, which
/// decodes it, so both paths give the same verdict and the same message.
public enum LineVerdict: Equatable {
    /// A blank line or a `#` comment.
    case blank
    case malformed(String)
    /// A usable line: its size, and where its URL (absolute, or a path to join to the base URL) lies in the line.
    case entry(size: Int64?, target: Range<Int>, relative: Bool)
    /// A usable line that was decoded on the slow path; its URL is already resolved.
    case decoded(size: Int64?, url: String)

    /// Classifies `line` (without its newline).
    public static func of(_ line: UnsafeBufferPointer<UInt8>, baseURL: String) -> LineVerdict {
        var start = 0
        var end = line.count
        while start < end, isTrimmed(line[start]) { start += 1 }
        while end > start, isTrimmed(line[end - 1]) { end -= 1 }
        if start == end || line[start] == UInt8(ascii: "#") { return .blank }
        let contents = ByteScan.contents(of: line, from: start, to: end)
        if contents.nonASCII { return slowPath(line, baseURL: baseURL) }
        var fields: (Range<Int>, Range<Int>) = (0..<0, 0..<0)
        var count = 0
        var i = start
        while i < end {
            while i < end, isSeparator(line[i]) { i += 1 }
            let fieldStart = i
            i = ByteScan.firstSeparator(in: line, from: i, to: end) ?? end
            guard i > fieldStart else { continue }
            count += 1
            if count == 1 { fields.0 = fieldStart..<i } else if count == 2 { fields.1 = fieldStart..<i }
            if count > 2 { return .malformed(tooManyFields(line, from: i, end: end, seen: count)) }
        }
        let target: Range<Int>
        var size: Int64? = nil
        if count == 1 {
            target = fields.0
        } else if let first = ByteCount.parse(bytes: UnsafeBufferPointer(rebasing: line[fields.0])) {
            (size, target) = (first, fields.1)
        } else if let second = ByteCount.parse(bytes: UnsafeBufferPointer(rebasing: line[fields.1])) {
            (size, target) = (second, fields.0)
        } else if looksLikeNumber(line[fields.0.lowerBound]) || looksLikeNumber(line[fields.1.lowerBound]) {
            let number = looksLikeNumber(line[fields.0.lowerBound]) ? fields.0 : fields.1
            return .malformed("size is not a non-negative whole number: \(text(line, number))")
        } else {
            return .malformed("expected a URL and a size, got two words")
        }
        let url = UnsafeBufferPointer(rebasing: line[target])
        switch URLTarget.check(url, baseURL: baseURL, mayHoldControls: contents.control) {
        case .success(let relative): return .entry(size: size, target: target, relative: relative)
        case .failure(let refusal): return .malformed(refusal.text)
        }
    }

    /// The message for a line of more than two fields, counting them all.
    private static func tooManyFields(_ line: UnsafeBufferPointer<UInt8>, from: Int, end: Int, seen: Int) -> String {
        var count = seen
        var i = from
        while i < end {
            while i < end, isSeparator(line[i]) { i += 1 }
            if i < end { count += 1 }
            while i < end, !isSeparator(line[i]) { i += 1 }
        }
        return "expected `URL`, `BYTES URL` or `URL BYTES`, got \(count) fields"
    }

    private static func slowPath(_ line: UnsafeBufferPointer<UInt8>, baseURL: String) -> LineVerdict {
        switch URLList.parse(line: String(decoding: line, as: UTF8.self), number: 0, baseURL: baseURL) {
        case .none: return .blank
        case .some(.failure(let bad)): return .malformed(bad.reason)
        case .some(.success(let candidate)): return .decoded(size: candidate.size, url: candidate.url)
        }
    }

    static func text(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    /// The characters `URLList.parse(line:)` trims: space, tab, CR, VT and FF.
    @inline(__always) static func isTrimmed(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D && byte != 0x0A)
    }

    @inline(__always) static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func looksLikeNumber(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (byte >= 0x30 && byte <= 0x39)
    }
}
