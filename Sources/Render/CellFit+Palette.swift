import Imaging

/// A palette in the metric the joint fit measures error in, so that a glyph's error with two palette colours
/// comes from region sums just like its error with two free colours.
///
/// Painting a region of `n` samples whose metric sum is `S` with colour `c` costs `n|c|² − 2 c·S` plus the
/// samples' own energy, which is the same for every glyph and colour and so never needs computing.
struct FitPalette: Sendable {
    let mode: ColorMode
    /// How much the two colour-difference axes count against luma; less than in the free fit, because the
    /// palette's entries lie far apart: with a full colour weight a cell's lightness edge is often given up
    /// for a flat entry of the right hue, and the eye misses the edge more than the hue step.
    let chroma: Float
    /// Per palette index: the entry's metric vector in x, y, z and its squared length in w.
    let points: [SIMD4<Float>]

    /// The palette for `quantizer`'s colours, or nil where the fit keeps free colours: truecolor, which
    /// needs no palette, and dithering, whose colours depend on the cells before.
    init?(_ quantizer: ColorQuantizer, dither: Dither) {
        guard dither == .none, let chroma = Self.chroma[quantizer.mode] else { return nil }
        let colours =
            quantizer.mode == .ansi16
            ? quantizer.palette.colours : (0..<256).map { XtermPalette.rgb(ofPaletteIndex: UInt8($0)) }
        mode = quantizer.mode
        self.chroma = chroma
        points = colours.map { colour in
            let m = Self.metric(SIMD4(Float(colour.r), Float(colour.g), Float(colour.b), 0), chroma: chroma)
            return SIMD4(m, (m * m).sum())
        }
    }

    static let chroma: [ColorMode: Float] = [.palette256: 0.4, .ansi16: 0.3]

    /// Luma and the two colour differences of summed sRGB codes, like `PerceptualMetric` with `chroma`.
    @inline(__always)
    static func metric(_ sum: SIMD4<Float>, chroma: Float) -> SIMD3<Float> {
        let luma = 0.2126 * sum.x + 0.7152 * sum.y + 0.0722 * sum.z
        return SIMD3(luma, chroma * (sum.z - luma), chroma * (sum.x - luma))
    }

    @inline(__always)
    func metric(_ sum: SIMD4<Float>) -> SIMD3<Float> { Self.metric(sum, chroma: chroma) }

    func colour(_ index: Int) -> TerminalColor {
        mode == .ansi16 ? .ansi(UInt8(index)) : .palette(UInt8(index))
    }

    /// The entry that paints a region of `count` samples with metric sum `sum` (sRGB code sums `raw`) best,
    /// and its cost: among all 16 colours, or the ten 256-colour entries around the region's mean
    /// (`ColorQuantizer.forEachCandidate256`).
    @inline(__always)
    func best(
        _ sum: SIMD3<Float>, count: Float, raw: SIMD4<Int32>, points: UnsafeBufferPointer<SIMD4<Float>>
    ) -> (index: Int, cost: Float) {
        var best = 0
        var bestCost = Float.infinity
        @inline(__always) func consider(_ index: Int) {
            let p = points[index]
            let cost = count * p.w - 2 * (p.x * sum.x + p.y * sum.y + p.z * sum.z)
            if cost < bestCost {
                best = index
                bestCost = cost
            }
        }
        if mode == .ansi16 {
            for index in 0..<points.count { consider(index) }
        } else {
            let n = Int32(max(1, count))
            let mean = RGB(UInt8(clamping: raw.x / n), UInt8(clamping: raw.y / n), UInt8(clamping: raw.z / n))
            ColorQuantizer.forEachCandidate256(around: mean, consider)
        }
        return (best, bestCost)
    }
}

/// A cell fitted straight to palette colours: its glyph and the palette indices of its ink and its paper.
struct PaletteCellFit {
    var glyph: Int
    var ink: Int
    var paper: Int
}

extension CellFitter {
    /// Fits the cell at `(left, top)` choosing the glyph and both palette entries together: each glyph is
    /// scored with the entries that paint its two regions best, instead of with free colours the palette then
    /// moves, since after quantising the glyph that fitted best before is often no longer the best.
    mutating func fitPalette(
        _ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left: Int, top: Int, palette: FitPalette
    ) -> PaletteCellFit {
        load(bytes, size: size, left: left, top: top)
        return table.withUnsafeBufferPointer { table in
            corners.withUnsafeBufferPointer { corners in
                cornerStart.withUnsafeBufferPointer { cornerStart in
                    palette.points.withUnsafeBufferPointer { points in
                        bestPaletteGlyph(
                            table: table, corners: corners, cornerStart: cornerStart, palette: palette, points: points)
                    }
                }
            }
        }
    }

    /// The glyph and entries with the lowest cost, among the space and the `shortlist` glyphs that fit best
    /// with free colours: a glyph whose shape is far off with free colours does not win with palette ones, and
    /// pricing palette entries for every glyph would cost several times the whole free fit.
    @inline(__always)
    private func bestPaletteGlyph(
        table: UnsafeBufferPointer<SIMD4<Int32>>, corners: UnsafeBufferPointer<Int>,
        cornerStart: UnsafeBufferPointer<Int>, palette: FitPalette, points: UnsafeBufferPointer<SIMD4<Float>>
    ) -> PaletteCellFit {
        let totalRaw = table[table.count - 1]
        let total = palette.metric(SIMD4<Float>(totalRaw))
        func regionSum(_ g: Int) -> SIMD4<Int32> {
            var raw = SIMD4<Int32>.zero
            var i = cornerStart[g]
            while i < cornerStart[g + 1] {
                raw &+= table[corners[i]] &- table[corners[i + 1]] &- table[corners[i + 2]] &+ table[corners[i + 3]]
                i += 4
            }
            return raw
        }
        // The free fit's score (higher is better) of the best few glyphs, best first; the space is priced anyway.
        var shortlist = SIMD4<Int32>(repeating: 0)
        var scores = SIMD4<Float>(repeating: -.infinity)
        for g in 1..<cornerStart.count - 1 {
            let count = inkCounts[g]
            let ink = palette.metric(SIMD4<Float>(regionSum(g)))
            let paper = total - ink
            var score = (ink * ink).sum() / count + (paper * paper).sum() / (Self.samples - count)
            var glyph = Int32(g)
            for lane in 0..<Self.shortlist where score > scores[lane] {
                swap(&score, &scores[lane])
                swap(&glyph, &shortlist[lane])
            }
        }
        var best = price(0, raw: .zero, total: total, totalRaw: totalRaw, palette: palette, points: points)
        for lane in 0..<Self.shortlist where scores[lane] > -.infinity {
            let g = Int(shortlist[lane])
            let fit = price(g, raw: regionSum(g), total: total, totalRaw: totalRaw, palette: palette, points: points)
            // A glyph must beat the space by more than rounding, so a flat cell stays a space.
            if fit.cost < best.cost - (1e-3 + 1e-6 * abs(best.cost)) { best = fit }
        }
        return best.fit
    }

    /// How many glyphs the free fit passes on to be priced in palette colours (at most a `SIMD4`'s lanes).
    static let shortlist = 4

    /// Glyph `g` with the entries that paint its ink (sRGB code sum `raw`) and its paper best, and their cost.
    @inline(__always)
    private func price(
        _ g: Int, raw: SIMD4<Int32>, total: SIMD3<Float>, totalRaw: SIMD4<Int32>, palette: FitPalette,
        points: UnsafeBufferPointer<SIMD4<Float>>
    ) -> (fit: PaletteCellFit, cost: Float) {
        let count = inkCounts[g]
        let ink = palette.metric(SIMD4<Float>(raw))
        let paper = palette.best(total - ink, count: Self.samples - count, raw: totalRaw &- raw, points: points)
        let inked = count > 0 ? palette.best(ink, count: count, raw: raw, points: points) : (paper.index, Float(0))
        return (PaletteCellFit(glyph: g, ink: inked.0, paper: paper.index), inked.1 + paper.cost)
    }
}
