/// The EXIF Orientation tag (0x0112): how the stored pixels must be turned to appear upright.
///
/// The raw values name where the stored image's first row and first column belong:
/// 1 top-left (as stored), 2 mirrored left–right, 3 turned 180°, 4 mirrored top–bottom, 5 transposed
/// (mirrored about the main diagonal), 6 to be turned 90° clockwise, 7 transversed (mirrored about the other
/// diagonal), 8 to be turned 90° counter-clockwise.
/// - SeeAlso: <https://www.cipa.jp/std/documents/e/DC-008-2012_E.pdf> (Exif 2.3, tag 0x0112)
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case up = 1
    case upMirrored = 2
    case down = 3
    case downMirrored = 4
    case leftMirrored = 5
    case right = 6
    case rightMirrored = 7
    case left = 8

    /// Whether width and height trade places when the image is made upright.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The upright size of a stored image of `size`.
    public func uprightSize(of size: PixelSize) -> PixelSize {
        swapsAxes ? PixelSize(width: size.height, height: size.width) : size
    }
}

extension Pixels {
    /// These pixels made upright according to `orientation`.
    public func applying(_ orientation: ExifOrientation) -> Pixels {
        if orientation == .up { return self }
        let w = width
        let h = height
        let size = orientation.uprightSize(of: PixelSize(width: w, height: h))
        var out = [UInt8](repeating: 255, count: bytes.count)
        bytes.withUnsafeBytes { srcRaw in
            out.withUnsafeMutableBytes { dstRaw in
                let src = srcRaw.bindMemory(to: UInt32.self)
                let dst = dstRaw.bindMemory(to: UInt32.self)
                for y in 0..<size.height {
                    for x in 0..<size.width {
                        // The stored pixel that shows at upright (x, y).
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case .up: (sx, sy) = (x, y)
                        case .upMirrored: (sx, sy) = (w - 1 - x, y)
                        case .down: (sx, sy) = (w - 1 - x, h - 1 - y)
                        case .downMirrored: (sx, sy) = (x, h - 1 - y)
                        case .leftMirrored: (sx, sy) = (y, x)
                        case .right: (sx, sy) = (y, h - 1 - x)
                        case .rightMirrored: (sx, sy) = (w - 1 - y, h - 1 - x)
                        case .left: (sx, sy) = (w - 1 - y, x)
                        }
                        dst[y * size.width + x] = src[sy * w + sx]
                    }
                }
            }
        }
        return Pixels(width: size.width, height: size.height, bytes: out)
    }
}
