import Imaging

/// The best glyph for one cell and the linear-light mean of the samples under its ink and under its paper.
struct CellFit {
    var glyph: Int
    var inkCount: Int
    /// Linear R, G, B of the foreground (ink) and background samples; `ink` equals `paper` when `inkCount` is 0.
    var ink: SIMD3<Float>
    var paper: SIMD3<Float>
}

/// Finds, for a cell of `Glyph.columns × Glyph.rows` samples, the glyph whose two-colour picture is closest
/// to the samples, with each side coloured by its own mean.
///
/// The error is measured in a perceptual opponent space (`PerceptualMetric`) that is a linear map of the
/// sRGB-encoded values, and with each region painted by its mean the squared error is the samples' energy
/// minus `|ink sum|² / ink count + |paper sum|² / paper count`. So only region sums of the raw 8-bit values are
/// needed: an integer summed-area table gives each rectangle's sum from four entries, every glyph is a few
/// rectangles, and no sample is converted to floating point at all, which keeps the fit within a few times
/// the cost of half-blocks. Not Sendable: one fitter per `encode` call, reused for every cell.
struct CellFitter {
    static let stride = Glyph.columns + 1
    static let samples = Float(Glyph.columns * Glyph.rows)

    /// The set's glyphs and their rectangles as the fit reads them, shared by every fitter of the set.
    let layout: GlyphLayout
    var glyphs: [Glyph] { layout.glyphs }
    var corners: [Int] { layout.corners }
    var cornerStart: [Int] { layout.cornerStart }
    var weightLanes: [(ink: SIMD4<Float>, paper: SIMD4<Float>)] { layout.weightLanes }
    var inkCounts: [Float] { layout.inkCounts }
    var inkCountLanes: [SIMD4<Float>] { layout.inkCountLanes }
    /// The cell's sRGB code sums, per glyph.
    private(set) var sums: CellSums
    /// Sums of linear-light R, G, B (and a zero lane) over the cell's top-left rectangles,
    /// `(rows + 1) × (columns + 1)`, for the colours of the glyphs the fit prices.
    private(set) var light: [SIMD4<Float>]

    init(symbols: SymbolSet) {
        // `load` and `CellSums` read a sample row as eight samples, two halves of four.
        precondition(Glyph.columns == 8, "a cell is eight samples wide")
        layout = GlyphLayout.of(symbols)
        sums = CellSums(symbols: symbols)
        light = Array(repeating: .zero, count: (Glyph.rows + 1) * Self.stride)
    }

    /// Fits the cell whose top-left sample is `(left, top)` in `bytes` (RGBX rows of `size`); samples past the
    /// image's right or bottom edge repeat its last column or row.
    mutating func fit(_ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left: Int, top: Int) -> CellFit {
        load(bytes, size: size, left: left, top: top)
        return colours(of: bestGlyph())
    }

    /// `fit`'s glyph for the loaded cell: apart from `load`, so no closure here captures a mutable self.
    @inline(__always)
    private func bestGlyph() -> Int {
        withRegions { bestGlyph($0) }
    }

    /// The glyph with the highest `|ink sum|² / ink count + |paper sum|² / paper count`; the first on a tie.
    /// Four glyphs are scored at a time (`energies`), each lane with the same operations in the same order as
    /// one glyph at a time, so the scores and the pick are the same.
    @inline(__always)
    private func bestGlyph(_ regions: CellRegions) -> Int {
        let total = PerceptualMetric.apply(regions.total)
        let glyphCount = regions.cornerStart.count - 1
        var best = 0
        var bestScore = -Float.infinity
        weightLanes.withUnsafeBufferPointer { weights in
            for batch in weights.indices {
                let energy = energies(from: 4 * batch, total: total, regions)
                let scores = energy.ink * weights[batch].ink + energy.paper * weights[batch].paper
                // A glyph must beat the earlier ones by more than rounding, so a flat cell stays a space.
                for lane in 0..<4 where 4 * batch + lane < glyphCount && scores[lane] > bestScore * (1 + 1e-6) + 1e-3 {
                    best = 4 * batch + lane
                    bestScore = scores[lane]
                }
            }
        }
        return best
    }

    /// The linear-light means of the winning glyph's two regions, from the linear-light table.
    private func colours(of g: Int) -> CellFit {
        var ink = SIMD4<Float>.zero
        var i = cornerStart[g]
        while i < cornerStart[g + 1] {
            ink += light[corners[i]] - light[corners[i + 1]] - light[corners[i + 2]] + light[corners[i + 3]]
            i += 4
        }
        let n = glyphs[g].inkCount
        let all = light[light.count - 1]
        let paper = SIMD3(all.x - ink.x, all.y - ink.y, all.z - ink.z) / (Self.samples - Float(n))
        let inkMean = SIMD3(ink.x, ink.y, ink.z) / Float(max(1, n))
        return CellFit(glyph: g, inkCount: n, ink: n > 0 ? inkMean : paper, paper: paper)
    }

    /// Sums one cell: its code sums (`CellSums`) and its linear-light summed-area table.
    ///
    /// A sample's linear light is the sum of three lane tables (`linearLanes`), each zero outside its own
    /// channel: adding zeros is exact, so the sums are bit for bit those of a lane-by-lane lookup, without the
    /// shuffles that gathering three scalars costs.
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left: Int, top: Int) {
        sums.load(bytes, size: size, left: left, top: top)
        guard let base = bytes.baseAddress else { return }
        // Byte offsets in a row of the cell's first sample column and of the image's last, which the columns
        // past the image's edge repeat.
        let (first, last) = (left * Pixels.bytesPerPixel, (size.width - 1) * Pixels.bytesPerPixel)
        Self.linearLanes.withUnsafeBytes { lanes in
            light.withUnsafeMutableBufferPointer { light in
                // The table's running sums down each sample column, in registers from row to row.
                var (c0, c1, c2, c3, c4, c5, c6, c7) = (
                    SIMD4<Float>.zero, SIMD4<Float>.zero, SIMD4<Float>.zero, SIMD4<Float>.zero, SIMD4<Float>.zero,
                    SIMD4<Float>.zero, SIMD4<Float>.zero, SIMD4<Float>.zero
                )
                for y in 0..<Glyph.rows {
                    let row = UnsafeRawPointer(base + min(top + y, size.height - 1) * size.width * Pixels.bytesPerPixel)
                    var lightRun = SIMD4<Float>.zero
                    let here = (y + 1) * Self.stride
                    // One load per sample, its three bytes turned into the three tables' byte offsets (16 bytes an
                    // entry, 4096 a table) by shifts and masks.
                    @inline(__always) func step(_ x: Int, _ column: inout SIMD4<Float>) {
                        let word = UInt32(
                            littleEndian: row.loadUnaligned(
                                fromByteOffset: Swift.min(first + x * Pixels.bytesPerPixel, last), as: UInt32.self))
                        let (r, g, b) = (Int(word << 4 & 0xFF0), Int(word >> 4 & 0xFF0), Int(word >> 12 & 0xFF0))
                        lightRun +=
                            lanes.load(fromByteOffset: r, as: SIMD4<Float>.self)
                            + lanes.load(fromByteOffset: 4096 + g, as: SIMD4<Float>.self)
                            + lanes.load(fromByteOffset: 8192 + b, as: SIMD4<Float>.self)
                        column = column + lightRun
                        light[here + x + 1] = column
                    }
                    step(0, &c0)
                    step(1, &c1)
                    step(2, &c2)
                    step(3, &c3)
                    step(4, &c4)
                    step(5, &c5)
                    step(6, &c6)
                    step(7, &c7)
                }
            }
        }
    }

    /// The loaded cell's sums and the glyphs' rectangles as raw buffers, for the fit's inner loops.
    @inline(__always)
    func withRegions<Result>(_ body: (CellRegions) -> Result) -> Result {
        sums.values.withUnsafeBufferPointer { codes in
            light.withUnsafeBufferPointer { light in
                corners.withUnsafeBufferPointer { corners in
                    cornerStart.withUnsafeBufferPointer { cornerStart in
                        body(
                            CellRegions(
                                codes: codes, total: sums.total, light: light, corners: corners,
                                cornerStart: cornerStart))
                    }
                }
            }
        }
    }

    /// Per channel (R, G, B), 256 entries: the code's linear light in that channel's lane, zeros elsewhere.
    static let linearLanes: [SIMD4<Float>] = (0..<3).flatMap { channel in
        SRGB.toLinear.map { value in
            var lanes = SIMD4<Float>.zero
            lanes[channel] = value
            return lanes
        }
    }
}

/// The space the fit measures error in: a luma and two colour-difference axes of the sRGB-encoded values.
///
/// sRGB's encoding already spaces lightness about evenly for the eye, which is why a linear map of it is a
/// fair perceptual metric; being linear, it can be applied to sums instead of samples. Luma gets Rec. 709's
/// weights; the colour differences count half, since the eye resolves colour edges far less sharply than
/// lightness edges.
enum PerceptualMetric {
    @inline(__always)
    static func apply(_ sum: SIMD4<Int32>) -> SIMD3<Float> {
        let r = Float(sum.x)
        let g = Float(sum.y)
        let b = Float(sum.z)
        let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
        return SIMD3(luma, 0.5 * (b - luma), 0.5 * (r - luma))
    }
}

/// A symbol set's glyphs with what the fit needs of them precomputed: worked out once per set and process,
/// since an image's encode would otherwise rebuild the same arrays every time.
struct GlyphLayout: Sendable {
    let glyphs: [Glyph]
    /// Per glyph, four summed-area indices per rectangle: `+a −b −c +d`.
    let corners: [Int]
    let cornerStart: [Int]
    /// Per glyph, `1 / ink count` and `1 / paper count` (0 for an empty region, whose sum is 0 too), four
    /// glyphs to a vector from the space on, the last padded with 0s.
    let weightLanes: [(ink: SIMD4<Float>, paper: SIMD4<Float>)]
    /// Per glyph, its ink count.
    let inkCounts: [Float]
    /// The ink counts of glyphs 1, 2, … four to a vector, the last padded with 1s, for `bestOtherGlyph`.
    let inkCountLanes: [SIMD4<Float>]

    init(_ symbols: SymbolSet) {
        glyphs = symbols.glyphs
        var corners: [Int] = []
        var cornerStart: [Int] = [0]
        for glyph in glyphs {
            for r in glyph.rectangles {
                corners += [
                    r.y1 * CellFitter.stride + r.x1, r.y0 * CellFitter.stride + r.x1, r.y1 * CellFitter.stride + r.x0,
                    r.y0 * CellFitter.stride + r.x0,
                ]
            }
            cornerStart.append(corners.count)
        }
        self.corners = corners
        self.cornerStart = cornerStart
        let weights = glyphs.map { glyph in
            let n = Float(glyph.inkCount)
            return SIMD2(n > 0 ? 1 / n : 0, n < CellFitter.samples ? 1 / (CellFitter.samples - n) : 0)
        }
        weightLanes = Swift.stride(from: 0, to: weights.count, by: 4).map { first in
            var lanes = (ink: SIMD4<Float>.zero, paper: SIMD4<Float>.zero)
            for lane in 0..<4 where first + lane < weights.count {
                (lanes.ink[lane], lanes.paper[lane]) = (weights[first + lane].x, weights[first + lane].y)
            }
            return lanes
        }
        inkCounts = glyphs.map { Float($0.inkCount) }
        let counts = inkCounts.dropFirst()
        inkCountLanes = Swift.stride(from: counts.startIndex, to: counts.endIndex, by: 4).map { first in
            var lanes = SIMD4<Float>(repeating: 1)
            for lane in 0..<4 where first + lane < counts.endIndex { lanes[lane] = counts[first + lane] }
            return lanes
        }
    }

    private static let layouts = Dictionary(uniqueKeysWithValues: SymbolSet.allCases.map { ($0, GlyphLayout($0)) })

    static func of(_ symbols: SymbolSet) -> GlyphLayout {
        guard let layout = layouts[symbols] else { preconditionFailure("every set has a layout") }
        return layout
    }
}
