import Imaging

/// The neutral checkerboard transparent pixels are shown over, composited in linear light (as a browser does in
/// spirit, though browsers composite in sRGB): half-transparent white over the dark squares comes out as the light
/// grey it looks like, not the darker grey averaging the codes gives.
///
/// Squares are `cell` thumbnail pixels wide, so the pattern stays visible however far the image is scaled down:
/// each source pixel takes the square of the thumbnail pixel it lands in.
struct Checkerboard {
    static let lightCode: UInt8 = 153
    static let darkCode: UInt8 = 102
    /// Thumbnail pixels per square.
    static let cell = 4

    let source: PixelSize
    let thumbnail: PixelSize
    /// Per source column, which column of squares it falls in (0 or 1).
    private let columnParity: [UInt8]
    private let light = SRGB.toLinear[Int(Checkerboard.lightCode)]
    private let dark = SRGB.toLinear[Int(Checkerboard.darkCode)]

    init(source: PixelSize, thumbnail: PixelSize) {
        self.source = source
        self.thumbnail = thumbnail
        columnParity = (0..<source.width).map { x in
            UInt8((x * thumbnail.width / source.width / Self.cell) & 1)
        }
    }

    /// Composites `count` RGBA pixels (straight alpha) in place, the i-th standing at column
    /// `xStart + i * xStep` of source row `y`. The alpha byte is left as it was; RGB is what shows.
    func composite(_ pixels: UnsafeMutablePointer<UInt8>, count: Int, y: Int, xStart: Int = 0, xStep: Int = 1) {
        let rowParity = UInt8((y * thumbnail.height / source.height / Self.cell) & 1)
        SRGB.toLinear.withUnsafeBufferPointer { linear in
            columnParity.withUnsafeBufferPointer { columns in
                for i in 0..<count {
                    let p = pixels + i * 4
                    let alpha = p[3]
                    if alpha == 255 { continue }
                    let square = columns[xStart + i * xStep] ^ rowParity == 0 ? light : dark
                    if alpha == 0 {
                        let code = SRGB.encode(square)
                        p[0] = code
                        p[1] = code
                        p[2] = code
                        continue
                    }
                    let a = Float(alpha) / 255
                    let behind = (1 - a) * square
                    p[0] = SRGB.encode(a * linear[Int(p[0])] + behind)
                    p[1] = SRGB.encode(a * linear[Int(p[1])] + behind)
                    p[2] = SRGB.encode(a * linear[Int(p[2])] + behind)
                }
            }
        }
    }
}
