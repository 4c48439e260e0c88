/// What the first bytes of a download look like, so anything gallery cannot decode is turned away before any
/// decoding, with a reason.
public enum ImageKind: Sendable, Hashable, CustomStringConvertible {
    case jpeg
    case png
    case gif
    case webp
    case svg
    case tiff
    case avif
    case heic
    case jpegXL
    case bmp
    case html
    case xml
    /// Printable text that is neither HTML nor XML (an error message, JSON…).
    case text
    case empty
    /// Anything else, with its first bytes.
    case unknown(firstBytes: [UInt8])

    /// The format to decode it as, for the kinds gallery supports.
    public var format: ImageFormat? {
        switch self {
        case .jpeg: .jpeg
        case .png: .png
        case .gif: .gif
        case .webp: .webp
        default: nil
        }
    }

    /// Whether this is an image format (supported or not), as opposed to a page, text or unknown bytes.
    public var isImage: Bool {
        switch self {
        case .jpeg, .png, .gif, .webp, .svg, .tiff, .avif, .heic, .jpegXL, .bmp: true
        default: false
        }
    }

    public var description: String {
        if let format { return format.description }
        return switch self {
        case .svg: "SVG"
        case .tiff: "TIFF"
        case .avif: "AVIF"
        case .heic: "HEIC"
        case .jpegXL: "JPEG XL"
        case .bmp: "BMP"
        case .html: "an HTML page"
        case .xml: "XML"
        case .text: "text"
        case .empty: "empty"
        case .unknown(let bytes): "starts with " + bytes.map { hex($0) }.joined(separator: " ")
        default: ""
        }
    }
}

/// Recognises image formats and error pages from their first bytes, never from a name or a Content-Type.
public enum ImageSniffer {
    /// Enough leading bytes for every binary signature here.
    public static let bytesNeeded = 16
    /// How far into markup to look for `<svg`: an SVG may open with an XML declaration, a doctype and comments.
    public static let markupBytesNeeded = 1024

    /// The kind of a complete input (or of as much as there is).
    public static func kind(of bytes: some Collection<UInt8>) -> ImageKind {
        verdict(Array(bytes.prefix(markupBytesNeeded)), complete: true) ?? .empty
    }

    /// The kind of an input that starts with `head`, or nil while more bytes could still change the answer.
    /// `complete` says the input ends there.
    public static func verdict(_ head: [UInt8], complete: Bool) -> ImageKind? {
        if head.isEmpty { return complete ? .empty : nil }
        var waiting = false
        for (signature, kind) in signatures {
            switch match(head, signature) {
            case .yes: return kind
            case .maybe: waiting = true
            case .no: break
            }
        }
        if waiting && !complete { return nil }
        if let markup = markupKind(head, complete: complete) { return markup }
        if !complete && head.count < bytesNeeded { return nil }
        let text = trimmed(head.prefix(bytesNeeded))
        if text.first == UInt8(ascii: "<") && !complete && head.count < markupBytesNeeded { return nil }
        if !text.isEmpty && text.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return .text
        }
        return .unknown(firstBytes: Array(head.prefix(4)))
    }

    /// Markup: HTML as soon as its first tag says so; SVG when `<svg` appears within the first KiB (after an XML
    /// declaration, a doctype or comments); otherwise XML or HTML by the first tag once a KiB (or the end) is in.
    static func markupKind(_ head: [UInt8], complete: Bool) -> ImageKind? {
        let text = lowercased(trimmed(head[...]))
        guard text.first == UInt8(ascii: "<") else { return nil }
        if starts(text, "<!doctype html") || starts(text, "<html") || starts(text, "<head") || starts(text, "<body") {
            return .html
        }
        if contains(text, "<svg") { return .svg }
        if !complete && head.count < markupBytesNeeded { return nil }
        if starts(text, "<?xml") { return .xml }
        if starts(text, "<!doctype") || starts(text, "<!--") { return .html }
        return nil
    }

    /// Signatures, `nil` where any byte may stand.
    static let signatures: [([UInt8?], ImageKind)] = [
        ([0xFF, 0xD8, 0xFF], .jpeg),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
        (ascii("GIF87a"), .gif),
        (ascii("GIF89a"), .gif),
        (ascii("RIFF") + [nil, nil, nil, nil] + ascii("WEBP"), .webp),
        (ascii("II") + [0x2A, 0x00], .tiff),
        (ascii("MM") + [0x00, 0x2A], .tiff),
        ([0xFF, 0x0A], .jpegXL),
        ([0x00, 0x00, 0x00, 0x0C] + ascii("JXL ") + [0x0D, 0x0A, 0x87, 0x0A], .jpegXL),
        ([nil, nil, nil, nil] + ascii("ftypavif"), .avif),
        ([nil, nil, nil, nil] + ascii("ftypavis"), .avif),
        ([nil, nil, nil, nil] + ascii("ftypheic"), .heic),
        ([nil, nil, nil, nil] + ascii("ftypheix"), .heic),
        ([nil, nil, nil, nil] + ascii("ftypmif1"), .heic),
        (ascii("BM"), .bmp),
    ]

    enum Match { case yes, maybe, no }

    /// `.maybe` when `head` is shorter than the signature and agrees with it so far.
    static func match(_ head: [UInt8], _ signature: [UInt8?]) -> Match {
        for (index, expected) in signature.enumerated() {
            guard index < head.count else { return .maybe }
            if let expected, head[index] != expected { return .no }
        }
        return .yes
    }

    /// Without a UTF-8 byte-order mark and leading whitespace.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var text = bytes
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        while let first = text.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
            text = text.dropFirst()
        }
        return text
    }

    static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    static func starts(_ text: [UInt8], _ prefix: String) -> Bool { text.starts(with: prefix.utf8) }

    static func contains(_ text: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard text.count >= needle.count else { return false }
        return (0...(text.count - needle.count)).contains { text[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Whether `firstBytes` could still turn out to be a JPEG once more bytes arrive.
    static func couldBeJPEG(_ firstBytes: [UInt8]) -> Bool {
        let soi: [UInt8] = [0xFF, 0xD8, 0xFF]
        return firstBytes.count < soi.count ? soi.starts(with: firstBytes) : firstBytes.starts(with: soi)
    }
}

private func ascii(_ text: String) -> [UInt8?] { text.utf8.map { $0 } }

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
