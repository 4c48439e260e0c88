/// What the first bytes of a download look like, so a non-JPEG is rejected before any decoding.
public enum ImageKind: Sendable, Hashable, CustomStringConvertible {
    case jpeg
    case png
    case gif
    case webp
    case html
    case xml
    /// Printable text that is neither HTML nor XML (an error message, JSON…).
    case text
    case empty
    /// Anything else, with its first bytes.
    case unknown(firstBytes: [UInt8])

    public var description: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .gif: "GIF"
        case .webp: "WebP"
        case .html: "an HTML page"
        case .xml: "XML"
        case .text: "text"
        case .empty: "empty"
        case .unknown(let bytes): "starts with " + bytes.map { hex($0) }.joined(separator: " ")
        }
    }
}

/// Recognises image formats and error pages from their first bytes (16 are enough for every kind here).
public enum ImageSniffer {
    /// How many leading bytes `kind(of:)` looks at.
    public static let bytesNeeded = 16

    public static func kind(of firstBytes: some Collection<UInt8>) -> ImageKind {
        let b = Array(firstBytes.prefix(bytesNeeded))
        if b.isEmpty { return .empty }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return .gif }
        if b.count >= 12 && b.starts(with: Array("RIFF".utf8)) && Array(b[8..<12]) == Array("WEBP".utf8) {
            return .webp
        }
        // Text: skip a UTF-8 byte-order mark and leading whitespace, then look at the first tag.
        var text = b[...]
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        while let first = text.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
            text = text.dropFirst()
        }
        let lower = String(decoding: text.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") || lower.hasPrefix("<head")
            || lower.hasPrefix("<body")
        {
            return .html
        }
        if lower.hasPrefix("<?xml") || lower.hasPrefix("<svg") { return .xml }
        if lower.hasPrefix("<!doctype") || lower.hasPrefix("<!--") { return .html }
        if !text.isEmpty && text.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return .text
        }
        return .unknown(firstBytes: Array(b.prefix(4)))
    }

    /// Whether `firstBytes` could still turn out to be a JPEG once more bytes arrive.
    static func couldBeJPEG(_ firstBytes: [UInt8]) -> Bool {
        let soi: [UInt8] = [0xFF, 0xD8, 0xFF]
        return firstBytes.count < soi.count ? soi.starts(with: firstBytes) : firstBytes.starts(with: soi)
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
