/// The response headers the engine acts on.
struct ResponseHeaders {
    var acceptsByteRanges = false
    var etag: String?
    var lastModified: String?
    var contentRangeText: String?
    var retryAfter: String?

    /// A strong validator for `If-Range`, when the server offered ranges: weak ETags (`W/`) may not be used there.
    var resumeToken: ResumeToken? {
        guard acceptsByteRanges else { return nil }
        if let etag, !etag.hasPrefix("W/") { return ResumeToken(validator: etag) }
        return lastModified.map { ResumeToken(validator: $0) }
    }

    /// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
    var contentRange: (start: Int64, total: Int64?)? {
        guard let text = contentRangeText, text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-"), let start = Int64(spec[..<dash]) else { return nil }
        let total = spec.split(separator: "/").last.flatMap { Int64($0) }
        return (start, total)
    }

    /// The header fields the engine acts on.
    enum Field {
        case acceptRanges, etag, lastModified, contentRange, retryAfter

        /// The field named `name` (ASCII, any case), or nil for a field the engine ignores. Allocates nothing.
        init?(name: Slice<UnsafeRawBufferPointer>) {
            func named(_ lowercase: StaticString) -> Bool {
                guard name.count == lowercase.utf8CodeUnitCount else { return false }
                return lowercase.withUTF8Buffer { expected in
                    zip(name, expected).allSatisfy { byte, want in
                        // ASCII letters only differ from their capitals in bit 5; '-' has no capital.
                        byte == want || (want >= UInt8(ascii: "a") && want <= UInt8(ascii: "z") && byte == want - 32)
                    }
                }
            }
            switch name.count {
            case 4 where named("etag"): self = .etag
            case 11 where named("retry-after"): self = .retryAfter
            case 13 where named("accept-ranges"): self = .acceptRanges
            case 13 where named("last-modified"): self = .lastModified
            case 13 where named("content-range"): self = .contentRange
            default: return nil
            }
        }
    }

    /// `value` trimmed of whitespace.
    mutating func record(_ field: Field, _ value: String) {
        switch field {
        case .acceptRanges: acceptsByteRanges = value.lowercased() == "bytes"
        case .etag: etag = value
        case .lastModified: lastModified = value
        case .contentRange: contentRangeText = value
        case .retryAfter: retryAfter = value
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Without leading and trailing SP, HTAB, CR and LF (HTTP's optional whitespace and the line end).
    func trimmingHTTPWhitespace() -> Slice<UnsafeRawBufferPointer> { self[...].trimmingHTTPWhitespace() }
}

extension Slice<UnsafeRawBufferPointer> {
    func trimmingHTTPWhitespace() -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
        }
        var start = startIndex
        var end = endIndex
        while start < end, isSpace(self[start]) { start += 1 }
        while end > start, isSpace(self[end - 1]) { end -= 1 }
        return self[start..<end]
    }
}
