import Figures

/// Why an image could not be decoded, as one line for the per-image error report. Every case that is about one
/// format's data names the format, so a mixed list's report says which decoder refused what.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not an image at all (a page, text, unknown bytes, nothing).
    case notAnImage(looksLike: ImageKind)
    /// An image format gallery does not decode (SVG, TIFF, AVIF, HEIC, JPEG XL, BMP).
    case unsupportedFormat(ImageKind)
    /// One format's decoder, used directly, was given something else.
    case wrongFormat(expected: ImageFormat, found: ImageKind)
    /// The input ended before the image did. `expected` is the full size when the server announced it.
    case truncated(ImageFormat, got: Int, expected: Int?)
    /// The library found corrupt data; `reason` is its message (e.g. "bad Huffman code", "IDAT: CRC error").
    case corrupt(ImageFormat, reason: String)
    /// A side is 0 or over the format's limit (`ImageFormat.maxSide`), or the pixel count is over `maxPixels`.
    case tooLarge(ImageFormat, width: Int, height: Int, maxPixels: Int)
    /// The decoder would need more memory than allowed (`DecodeLimits`).
    case memoryLimit(ImageFormat, reason: String)
    /// A valid file this decoder does not handle (a 12-bit JPEG, an unknown colour space).
    case unsupported(ImageFormat, reason: String)
    /// The task was cancelled while waiting for its turn at a large decode.
    case cancelled

    public var description: String {
        switch self {
        case .notAnImage(.empty): "not a supported image (empty)"
        case .notAnImage(let kind): "not a supported image (looks like \(kind))"
        case .unsupportedFormat(let kind): "\(kind) is not supported"
        case .wrongFormat(let expected, .empty): "not a \(expected) (empty)"
        case .wrongFormat(let expected, let kind): "not a \(expected) (looks like \(kind))"
        case .truncated(let format, let got, let expected?): "truncated \(format) (got \(got) of \(expected) bytes)"
        case .truncated(let format, let got, nil): "truncated \(format) (got \(got) bytes)"
        case .corrupt(let format, let reason): "corrupt \(format): \(reason)"
        case .tooLarge(let format, let width, let height, let maxPixels):
            "too large (\(width)×\(height) px; " + Self.limit(format, width, height, maxPixels) + ")"
        case .memoryLimit(let format, let reason): "\(format) over the memory limit: \(reason)"
        case .unsupported(let format, let reason): "unsupported \(format): \(reason)"
        case .cancelled: "decode cancelled"
        }
    }

    /// The limit the size broke: the side limit when a side is over it, else the pixel count.
    private static func limit(_ format: ImageFormat, _ width: Int, _ height: Int, _ maxPixels: Int) -> String {
        if width <= 0 || height <= 0 { return "\(format) needs at least 1 px a side" }
        if max(width, height) > format.maxSide { return "\(format) allows at most \(format.maxSide) px a side" }
        return "\(format) allows at most \(grouped(maxPixels, separator: ",")) px"
    }

    /// The error for a body whose first bytes say `kind`, when it is not a format gallery decodes.
    static func refusing(_ kind: ImageKind) -> DecodeError {
        kind.isImage ? .unsupportedFormat(kind) : .notAnImage(looksLike: kind)
    }
}
