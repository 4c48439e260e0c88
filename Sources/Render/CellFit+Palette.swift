import Imaging

/// A palette as the joint fit measures it: per entry, its luma in sRGB codes and its Oklab colour, so that a
/// region's mean can be priced against every entry.
///
/// The distance keeps lightness and colour apart. Lightness is Rec. 709 luma of the sRGB codes, the axis the
/// eye sees structure in, at full weight. Colour is Oklab's a and b, split into chroma and hue and divided
/// by CIE94's factors, which grow with the chroma of the colour being matched: the eye tells two vivid
/// colours apart far less well than two greys. So a vivid region takes the entry of its hue and lightness
/// even when that entry is more or less vivid still (the usual case among a terminal's few, saturated
/// entries), instead of falling back to black or grey and losing its lightness; a grey region, whose factors
/// are 1, stays grey.
struct FitPalette: Sendable {
    let mode: ColorMode
    /// Per palette index: luma (sRGB codes), Oklab a and b, and Oklab chroma.
    let entries: [SIMD4<Float>]
    /// For the 16 colours, the same flat: luma, a, b and chroma of entry 0, then of entry 1, and so on.
    let quantities: [Float]
    /// The same, four entries to a batch and one quantity to a vector (`EntryBatch`): the 16 colours in order,
    /// or the 256 colours' candidate groups (`EntryBatch.batches256`).
    let batches: [EntryBatch]
    /// The squared weight of colour against luma for a grey, in luma code units.
    let colourScale: Float
    /// How much more steeply than CIE94 the colour weight falls as the matched colour gets more vivid.
    let steepness: Float

    /// How colour counts against lightness, per mode: `grey` is the weight for a grey region, less than
    /// CIE94's 1 yet enough that no grey takes a tinted entry (cyan, the least vivid of the 16, needs 0.37);
    /// `steepness` multiplies CIE94's growth of its factors with chroma. With entries as far apart as the 16
    /// colours, a vivid cell's lightness edge is often given up for a flat entry of about its colour, and the
    /// eye misses the edge more than the colour step, so there the weight falls three times as steeply.
    static let colourWeight: [ColorMode: (grey: Float, steepness: Float)] = [
        .palette256: (0.6, 1), .ansi16: (0.5, 3),
    ]
    /// Oklab chroma in luma code units: Oklab's chroma is about 1/400 of CIELAB's C*, and 255 codes of luma
    /// span about 100 of L*.
    static let chromaUnits: Float = 1000
    /// CIE94's `S_C = 1 + 0.045 C*` and `S_H = 1 + 0.015 C*` of the reference colour, with C* from Oklab.
    static let chromaCompression: Float = 0.045 * 400
    static let hueCompression: Float = 0.015 * 400

    /// The palette for `quantizer`'s colours, or nil where the fit keeps free colours: truecolor, which
    /// needs no palette, and dithering, whose colours depend on the cells before.
    init?(_ quantizer: ColorQuantizer, dither: Dither) {
        guard dither == .none, let weight = Self.colourWeight[quantizer.mode] else { return nil }
        steepness = weight.steepness
        mode = quantizer.mode
        colourScale = (weight.grey * Self.chromaUnits) * (weight.grey * Self.chromaUnits)
        if mode == .ansi16 {
            entries = Self.entries(of: quantizer.palette.colours)
            batches = EntryBatch.batches(of: entries)
        } else {
            (entries, batches) = (Self.entries256, Self.batches256)
        }
        quantities = mode == .ansi16 ? entries.flatMap { [$0.x, $0.y, $0.z, $0.w] } : []
    }

    /// The 256 colours are xterm's everywhere, so their entries and batches are worked out once, not per image.
    private static let entries256 = entries(of: (0..<256).map { XtermPalette.rgb(ofPaletteIndex: UInt8($0)) })
    private static let batches256 = EntryBatch.batches256(of: entries256)

    private static func entries(of colours: [RGB]) -> [SIMD4<Float>] {
        colours.map { colour in
            entry(luma: luma(SIMD4(Float(colour.r), Float(colour.g), Float(colour.b), 0)), oklab: Oklab.from(colour))
        }
    }

    @inline(__always)
    static func luma(_ codes: SIMD4<Float>) -> Float { 0.2126 * codes.x + 0.7152 * codes.y + 0.0722 * codes.z }

    /// A colour as `entries` hold it.
    @inline(__always)
    static func entry(luma: Float, oklab: SIMD3<Float>) -> SIMD4<Float> {
        SIMD4(luma, oklab.y, oklab.z, (oklab.y * oklab.y + oklab.z * oklab.z).squareRoot())
    }

    func colour(_ index: Int) -> TerminalColor {
        mode == .ansi16 ? .ansi(UInt8(index)) : .palette(UInt8(index))
    }

    /// The entry nearest a region's `mean` (as `entries` hold it; `codes` the mean's sRGB codes) and its
    /// distance: among all 16 colours, or the ten 256-colour entries around the mean
    /// (`ColorQuantizer.forEachCandidate256`).
    @inline(__always)
    func nearest(
        _ mean: SIMD4<Float>, codes: SIMD4<Float>, entries: UnsafeBufferPointer<SIMD4<Float>>
    ) -> (index: Int, distance: Float) {
        // CIE94's factors depend on the region's chroma alone, so they are worked out once for all entries.
        let sc = 1 + steepness * Self.chromaCompression * mean.w
        let sh = 1 + steepness * Self.hueCompression * mean.w
        let scales = colourScale / (SIMD2(sc, sh) * SIMD2(sc, sh))
        var search = NearestEntrySearch(mean, chromaScale: scales.x, hueScale: scales.y)
        batches.withUnsafeBufferPointer { batches in
            if mode == .ansi16 {
                for batch in batches { search.consider(batch) }
            } else {
                let (cell, grey) = ColorQuantizer.candidates256(
                    around: RGB(
                        UInt8(clamping: Int(codes.x)), UInt8(clamping: Int(codes.y)), UInt8(clamping: Int(codes.z))))
                search.consider(batches[2 * cell])
                search.consider(batches[2 * cell + 1])
                search.consider(batches[250 + grey])
            }
        }
        return search.nearest
    }
}

/// A cell fitted straight to palette colours: its glyph and the palette indices of its ink and its paper.
struct PaletteCellFit {
    var glyph: Int
    var ink: Int
    var paper: Int
}

/// A loaded cell's sums (`CellSums`, the linear-light summed-area table) and the glyphs' rectangles, as raw
/// buffers for the fit's inner loops.
struct CellRegions {
    /// Per glyph, the sRGB code sum over its ink (0 for the space), zeros past the last glyph.
    let codes: UnsafeBufferPointer<SIMD4<Float>>
    let total: SIMD4<Int32>
    let light: UnsafeBufferPointer<SIMD4<Float>>
    let corners: UnsafeBufferPointer<Int>
    let cornerStart: UnsafeBufferPointer<Int>

    /// The linear-light sum over glyph `g`'s ink.
    @inline(__always)
    func light(_ g: Int) -> SIMD4<Float> {
        var sum = SIMD4<Float>.zero
        var i = cornerStart[g]
        while i < cornerStart[g + 1] {
            sum += light[corners[i]] - light[corners[i + 1]] - light[corners[i + 2]] + light[corners[i + 3]]
            i += 4
        }
        return sum
    }
}

extension CellFitter {
    /// Fits the cell at `(left, top)` choosing the glyph and both palette entries together: each glyph is
    /// scored with the entries that paint its two regions best, instead of with free colours the palette then
    /// moves, since after quantising the glyph that fitted best before is often no longer the best.
    ///
    /// A glyph's error is its error with free colours (each region painted by its mean, as `fit` measures it)
    /// plus, per region, its sample count times the distance from its mean to the entry that paints it. For a
    /// squared distance in the same space that sum is exact; here the second part is measured in the
    /// palette's own distance, which is what decides between entries.
    mutating func fitPalette(
        _ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left: Int, top: Int, palette: FitPalette
    ) -> PaletteCellFit {
        load(bytes, size: size, left: left, top: top)
        return bestPaletteGlyph(palette: palette)
    }

    /// `fitPalette`'s pick for the loaded cell: apart from `load`, so no closure here captures a mutable self.
    @inline(__always)
    private func bestPaletteGlyph(palette: FitPalette) -> PaletteCellFit {
        withRegions { regions in
            if palette.mode == .ansi16, inkCounts[0] == 0 { return bestPaletteGlyph16(regions, palette: palette) }
            return palette.entries.withUnsafeBufferPointer {
                bestPaletteGlyph(regions, palette: palette, entries: $0)
            }
        }
    }

    @inline(__always)
    private func bestPaletteGlyph(
        _ regions: CellRegions, palette: FitPalette, entries: UnsafeBufferPointer<SIMD4<Float>>
    ) -> PaletteCellFit {
        let other = bestOtherGlyph(regions)
        var best = price(0, score: other.spaceScore, regions, palette: palette, entries: entries)
        // A glyph must beat the space by more than rounding, so a flat cell stays a space. Its cost is at least
        // minus its free-fit score (distances are not negative), so one that cannot win is not priced.
        let bar = best.cost - (1e-3 + 1e-6 * abs(best.cost))
        if other.score > -.infinity, -other.score < bar {
            let fit = price(other.glyph, score: other.score, bar: bar, regions, palette: palette, entries: entries)
            if fit.cost < bar { best = fit }
        }
        return best.fit
    }

    /// Glyph `g` (free-fit score `score`) with the entries nearest its ink's and its paper's means, and its cost;
    /// a cost of infinity, without the second region priced, once the first alone reaches `bar`. Distances are
    /// not negative and rounding is monotonic, so such a glyph could not have cost less than `bar`.
    @inline(__always)
    private func price(
        _ g: Int, score: Float, bar: Float = .infinity, _ regions: CellRegions, palette: FitPalette,
        entries: UnsafeBufferPointer<SIMD4<Float>>
    ) -> (fit: PaletteCellFit, cost: Float) {
        let count = inkCounts[g]
        let inkCodes = g == 0 ? SIMD4<Float>.zero : regions.codes[g]
        let inkLight = g == 0 ? SIMD4<Float>.zero : regions.light(g)
        let paperCodes = SIMD4<Float>(regions.total) - inkCodes
        let paperLight = regions.light[regions.light.count - 1] - inkLight
        guard count > 0 else {
            let paper = nearestEntry(
                codes: paperCodes, light: paperLight, count: Self.samples, palette: palette, entries: entries)
            return (PaletteCellFit(glyph: g, ink: paper.index, paper: paper.index), paper.cost - score)
        }
        // The larger region first: its cost is the likelier to reach the bar alone.
        let inkFirst = count * 2 > Self.samples
        let first =
            inkFirst
            ? nearestEntry(codes: inkCodes, light: inkLight, count: count, palette: palette, entries: entries)
            : nearestEntry(
                codes: paperCodes, light: paperLight, count: Self.samples - count, palette: palette, entries: entries)
        let skipped = PaletteCellFit(glyph: g, ink: first.index, paper: first.index)
        guard first.cost - score < bar else { return (skipped, .infinity) }
        let second =
            inkFirst
            ? nearestEntry(
                codes: paperCodes, light: paperLight, count: Self.samples - count, palette: palette, entries: entries)
            : nearestEntry(codes: inkCodes, light: inkLight, count: count, palette: palette, entries: entries)
        let (ink, paper) = inkFirst ? (first, second) : (second, first)
        return (PaletteCellFit(glyph: g, ink: ink.index, paper: paper.index), ink.cost + paper.cost - score)
    }

    /// The entry nearest the mean of a region of `count` samples (sRGB code sum `codes`, linear-light sum
    /// `light`), and `count` times its distance.
    @inline(__always)
    private func nearestEntry(
        codes: SIMD4<Float>, light: SIMD4<Float>, count: Float, palette: FitPalette,
        entries: UnsafeBufferPointer<SIMD4<Float>>
    ) -> (index: Int, cost: Float) {
        let codes = codes / count
        let light = light / count
        let oklab = Oklab.roughlyFromLinear(light)
        let mean = FitPalette.entry(luma: FitPalette.luma(codes), oklab: SIMD3(oklab.x, oklab.y, oklab.z))
        let nearest = palette.nearest(mean, codes: codes, entries: entries)
        return (nearest.index, count * nearest.distance)
    }
}
