/// Why an image could not be decoded, as one line for the per-image error report.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first bytes are not a JPEG's.
    case notJPEG(looksLike: ImageKind)
    /// The input ended before the image did. `expected` is the full size when the server announced it.
    case truncated(got: Int, expected: Int?)
    /// libjpeg found corrupt data; `reason` is its message (e.g. "bad Huffman code").
    case corrupt(reason: String)
    /// A side is 0 or over 65,500, or the pixel count is over the limit.
    case tooLarge(width: Int, height: Int, maxPixels: Int)
    /// libjpeg would need more memory than allowed (`DecodeLimits.maxMemory`).
    case memoryLimit(reason: String)
    /// A valid JPEG this decoder does not handle (12-bit, lossless, an unknown colour space).
    case unsupported(reason: String)
    /// The task was cancelled while waiting for its turn at a large progressive decode.
    case cancelled

    public var description: String {
        switch self {
        case .notJPEG(.empty): "not a JPEG (empty)"
        case .notJPEG(let kind): "not a JPEG (looks like \(kind))"
        case .truncated(let got, let expected?): "truncated JPEG (got \(got) of \(expected) bytes)"
        case .truncated(let got, nil): "truncated JPEG (got \(got) bytes)"
        case .corrupt(let reason): "corrupt JPEG: \(reason)"
        case .tooLarge(let width, let height, let maxPixels):
            "image too large: \(width)×\(height) pixels (limit \(maxPixels) pixels, 65500 per side)"
        case .memoryLimit(let reason): "JPEG over the memory limit: \(reason)"
        case .unsupported(let reason): "unsupported JPEG: \(reason)"
        case .cancelled: "decode cancelled"
        }
    }
}
