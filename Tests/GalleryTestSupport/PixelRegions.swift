public import Imaging

/// The mean colour (plain sRGB average) of a rectangle of `pixels`, for screenshot checks.
public func meanColour(_ pixels: Pixels, x: Int, y: Int, width: Int, height: Int) -> RGB {
    var sums = (0, 0, 0)
    for row in y..<(y + height) {
        for column in x..<(x + width) {
            let p = pixels[column, row]
            sums = (sums.0 + Int(p.r), sums.1 + Int(p.g), sums.2 + Int(p.b))
        }
    }
    let n = max(1, width * height)
    return RGB(UInt8(sums.0 / n), UInt8(sums.1 / n), UInt8(sums.2 / n))
}
