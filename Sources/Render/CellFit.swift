import Imaging

/// The best glyph for one cell and the linear-light mean of the samples under its ink and under its paper.
struct CellFit {
    var glyph: Int
    var inkCount: Int
    /// Linear R, G, B of the foreground (ink) and background samples; `ink` is unused when `inkCount` is 0.
    var ink: SIMD3<Float>
    var paper: SIMD3<Float>
}

/// Finds, for a cell of `Glyph.columns × Glyph.rows` samples, the glyph whose two-colour picture is closest
/// to the samples in Oklab, with each side coloured by its own mean.
///
/// With each region painted by its mean, the squared error is the samples' total energy minus
/// `|ink sum|² / ink count + |paper sum|² / paper count`, so only region sums are needed: summed-area tables
/// give each rectangle's sum from four entries, and every glyph is a few rectangles.
/// Not Sendable: one fitter per `encode` call, which reuses its scratch tables for every cell.
struct CellFitter {
    static let stride = Glyph.columns + 1
    static let samples = Float(Glyph.columns * Glyph.rows)

    let glyphs: [Glyph]
    /// Per glyph, four summed-area indices per rectangle: `+a −b −c +d`.
    private let corners: [Int]
    private let cornerStart: [Int]
    /// Oklab and linear-light summed-area tables, `(rows + 1) × (columns + 1)`.
    private var oklab: [SIMD3<Float>]
    private var linear: [SIMD3<Float>]

    init(symbols: SymbolSet) {
        glyphs = symbols.glyphs
        var corners: [Int] = []
        var cornerStart: [Int] = [0]
        for glyph in glyphs {
            for r in glyph.rectangles {
                corners += [
                    r.y1 * Self.stride + r.x1, r.y0 * Self.stride + r.x1, r.y1 * Self.stride + r.x0,
                    r.y0 * Self.stride + r.x0,
                ]
            }
            cornerStart.append(corners.count)
        }
        self.corners = corners
        self.cornerStart = cornerStart
        oklab = Array(repeating: .zero, count: (Glyph.rows + 1) * Self.stride)
        linear = oklab
    }

    /// Fits the cell whose top-left sample is `(left, top)` in `bytes` (RGBX rows of `size`); samples past the
    /// image's right or bottom edge repeat its last column or row.
    mutating func fit(_ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left: Int, top: Int) -> CellFit {
        load(bytes, size: size, left: left, top: top)
        let total = oklab[oklab.count - 1]
        var best = 0
        var bestScore = -Float.infinity
        for g in glyphs.indices {
            var sum = SIMD3<Float>.zero
            var i = cornerStart[g]
            while i < cornerStart[g + 1] {
                sum += oklab[corners[i]] - oklab[corners[i + 1]] - oklab[corners[i + 2]] + oklab[corners[i + 3]]
                i += 4
            }
            let n = Float(glyphs[g].inkCount)
            let rest = total - sum
            let paper = (rest * rest).sum() / (Self.samples - n)
            let score = n == 0 ? paper : (sum * sum).sum() / n + (n == Self.samples ? 0 : paper)
            // A glyph must beat the earlier ones by more than rounding, so a flat cell stays a space.
            if score > bestScore + 1e-4 {
                best = g
                bestScore = score
            }
        }
        return colours(of: best)
    }

    /// The linear-light means of the winning glyph's two regions.
    private func colours(of g: Int) -> CellFit {
        var ink = SIMD3<Float>.zero
        var i = cornerStart[g]
        while i < cornerStart[g + 1] {
            ink += linear[corners[i]] - linear[corners[i + 1]] - linear[corners[i + 2]] + linear[corners[i + 3]]
            i += 4
        }
        let n = glyphs[g].inkCount
        let paper = (linear[linear.count - 1] - ink) / max(1, Self.samples - Float(n))
        return CellFit(glyph: g, inkCount: n, ink: n > 0 ? ink / Float(n) : paper, paper: paper)
    }

    /// Fills both summed-area tables for one cell.
    private mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left: Int, top: Int) {
        let toLinear = SRGB.toLinear
        for y in 0..<Glyph.rows {
            let row = min(top + y, size.height - 1) * size.width
            var oklabRun = SIMD3<Float>.zero
            var linearRun = SIMD3<Float>.zero
            let above = y * Self.stride
            let here = above + Self.stride
            for x in 0..<Glyph.columns {
                let p = (row + min(left + x, size.width - 1)) * Pixels.bytesPerPixel
                let r = toLinear[Int(bytes[p])]
                let g = toLinear[Int(bytes[p + 1])]
                let b = toLinear[Int(bytes[p + 2])]
                linearRun += SIMD3(r, g, b)
                oklabRun += Oklab.fromLinear(r, g, b)
                linear[here + x + 1] = linear[above + x + 1] + linearRun
                oklab[here + x + 1] = oklab[above + x + 1] + oklabRun
            }
        }
    }
}
