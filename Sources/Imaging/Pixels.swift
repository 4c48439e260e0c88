/// An RGB image held as 4 bytes per pixel (R, G, B, X), rows packed with no padding.
///
/// Four bytes because libjpeg-turbo decodes straight into that layout (`JCS_EXT_RGBX`), and because it
/// keeps every pixel aligned for the resampler and the encoders. The fourth byte is ignored.
public struct Pixels: Sendable, Equatable {
    public static let bytesPerPixel = 4

    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes, row after row.
    public var bytes: [UInt8]

    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(width >= 0 && height >= 0 && bytes.count == width * height * Self.bytesPerPixel)
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// A `width × height` image filled with one colour.
    public init(width: Int, height: Int, filledWith colour: RGB) {
        var bytes = [UInt8](repeating: 255, count: width * height * Self.bytesPerPixel)
        for i in stride(from: 0, to: bytes.count, by: Self.bytesPerPixel) {
            bytes[i] = colour.r
            bytes[i + 1] = colour.g
            bytes[i + 2] = colour.b
        }
        self.init(width: width, height: height, bytes: bytes)
    }

    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = (y * width + x) * Self.bytesPerPixel
            return RGB(bytes[i], bytes[i + 1], bytes[i + 2])
        }
        set {
            let i = (y * width + x) * Self.bytesPerPixel
            bytes[i] = newValue.r
            bytes[i + 1] = newValue.g
            bytes[i + 2] = newValue.b
        }
    }
}

/// One 8-bit sRGB colour.
public struct RGB: Sendable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }
}

/// A size in pixels.
public struct PixelSize: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}
