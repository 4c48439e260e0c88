import Imaging

/// Structural similarity (Wang et al. 2004) of two equally sized images' luma, for scoring screenshots of text
/// thumbnails against their source: the mean over every 7×7 window, with the usual constants for values in 0…1.
enum LumaSimilarity {
    static func luma(_ pixels: Pixels) -> [Double] {
        (0..<(pixels.width * pixels.height)).map { i in
            let p = pixels[i % pixels.width, i / pixels.width]
            return (0.2125 * Double(p.r) + 0.7154 * Double(p.g) + 0.0721 * Double(p.b)) / 255
        }
    }

    static func ssim(_ a: Pixels, _ b: Pixels) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        let (x, y) = (luma(a), luma(b))
        let side = 7
        let n = Double(side * side)
        let (c1, c2) = (0.01 * 0.01, 0.03 * 0.03)
        var total = 0.0
        var windows = 0
        for top in 0...(a.height - side) {
            for left in 0...(a.width - side) {
                var (sx, sy, sxx, syy, sxy) = (0.0, 0.0, 0.0, 0.0, 0.0)
                for row in top..<(top + side) {
                    for i in (row * a.width + left)..<(row * a.width + left + side) {
                        sx += x[i]
                        sy += y[i]
                        sxx += x[i] * x[i]
                        syy += y[i] * y[i]
                        sxy += x[i] * y[i]
                    }
                }
                let (mx, my) = (sx / n, sy / n)
                // Sample (co)variances, as skimage's structural_similarity uses.
                let vx = (sxx - n * mx * mx) / (n - 1)
                let vy = (syy - n * my * my) / (n - 1)
                let cxy = (sxy - n * mx * my) / (n - 1)
                total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
                windows += 1
            }
        }
        return total / Double(windows)
    }
}
