/// The image formats gallery decodes.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case jpeg
    case png
    case gif
    case webp

    /// The lowercase name machine-readable output uses (`"format":"png"` in `--json`).
    public var name: String { rawValue }

    /// The name people know it by, for messages: "JPEG", "PNG", "GIF", "WebP".
    public var description: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .gif: "GIF"
        case .webp: "WebP"
        }
    }

    /// The longest side the decoder accepts: the format's own limit (libjpeg's 65,500, GIF's 16-bit fields,
    /// WebP's 14-bit fields), or for PNG, whose fields allow 2^31 - 1, libpng's default user limit.
    public var maxSide: Int {
        switch self {
        case .jpeg: 65_500
        case .png: 1_000_000
        case .gif: 65_535
        case .webp: 16_383
        }
    }
}
