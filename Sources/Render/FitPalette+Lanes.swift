extension FitPalette {
    /// For up to four regions at once, one per lane, what `CellFitter.nearestEntry` gives each among the 16
    /// colours: the entry nearest the region's mean and `count` times that distance. `codes` and `light` are
    /// the regions' sums, one channel (R, G, B) to a vector.
    ///
    /// Every lane goes through the one-region path's operations in its order (the means, the lane-wise
    /// `Oklab.roughlyFromLinear`, `entry`, the CIE94 scales, `EntryBatch.distance`, the product with the
    /// count), so each lane's numbers are the same floats; entries are visited in index order and only a
    /// strictly nearer one replaces the best, which is the first minimum `NearestEntrySearch` picks. A cell's
    /// space, ink and paper in one vector share out the divisions, the square root and the cube roots.
    @inline(__always)
    func nearest16(
        codes: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>), light: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>),
        count: SIMD4<Float>
    ) -> (index: SIMD4<Int32>, cost: SIMD4<Float>) {
        let lab = Oklab.roughlyFromLinear(light.0 / count, light.1 / count, light.2 / count)
        let luma = 0.2126 * (codes.0 / count) + 0.7152 * (codes.1 / count) + 0.0722 * (codes.2 / count)
        let chroma = (lab.a * lab.a + lab.b * lab.b).squareRoot()
        let sc = 1 + steepness * Self.chromaCompression * chroma
        let sh = 1 + steepness * Self.hueCompression * chroma
        let chromaScale = colourScale / (sc * sc)
        let hueScale = colourScale / (sh * sh)
        var best = SIMD4<Int32>(repeating: 0)
        var bestDistance = SIMD4<Float>(repeating: .infinity)
        quantities.withUnsafeBufferPointer { quantities in
            for index in 0..<(quantities.count / 4) {
                // Each quantity loaded on its own: splatting the lanes of one loaded entry, the compiler mixes
                // single-lane arithmetic and shuffles into what should be four whole-vector subtractions.
                let dx = luma - SIMD4(repeating: quantities[4 * index])
                let dy = lab.a - SIMD4(repeating: quantities[4 * index + 1])
                let dz = lab.b - SIMD4(repeating: quantities[4 * index + 2])
                let dw = chroma - SIMD4(repeating: quantities[4 * index + 3])
                var hue = dy * dy + dz * dz - dw * dw
                hue.replace(with: 0, where: hue .< 0)
                let distance = dx * dx + chromaScale * dw * dw + hueScale * hue
                let nearer = distance .< bestDistance
                bestDistance.replace(with: distance, where: nearer)
                best.replace(with: Int32(index), where: nearer)
            }
        }
        return (best, count * bestDistance)
    }
}

extension CellFitter {
    /// `bestPaletteGlyph` for the 16 colours and a set whose first glyph is the space: the same pick, with the
    /// space, the other glyph's ink and its paper priced in one vector (`FitPalette.nearest16`) and then the
    /// same decisions taken over the prices. Pricing the glyph where the one-region path would not have changes
    /// nothing: it was skipped because it could not cost less than the bar, so it is not picked either way.
    @inline(__always)
    func bestPaletteGlyph16(_ regions: CellRegions, palette: FitPalette) -> PaletteCellFit {
        let other = bestOtherGlyph(regions)
        let total = SIMD4<Float>(regions.total)
        let totalLight = regions.light[regions.light.count - 1]
        let g = other.glyph
        let (inkCodes, inkLight) = other.score > -.infinity ? (regions.codes[g], regions.light(g)) : (.zero, .zero)
        let (paperCodes, paperLight) = (total - inkCodes, totalLight - inkLight)
        let count = inkCounts[g]
        let (index, cost) = palette.nearest16(
            codes: (
                SIMD4(total.x, inkCodes.x, paperCodes.x, 0), SIMD4(total.y, inkCodes.y, paperCodes.y, 0),
                SIMD4(total.z, inkCodes.z, paperCodes.z, 0)
            ),
            light: (
                SIMD4(totalLight.x, inkLight.x, paperLight.x, 0), SIMD4(totalLight.y, inkLight.y, paperLight.y, 0),
                SIMD4(totalLight.z, inkLight.z, paperLight.z, 0)
            ),
            count: SIMD4(Self.samples, Swift.max(1, count), Self.samples - count, 1))
        let spaceCost = cost[0] - other.spaceScore
        let bar = spaceCost - (1e-3 + 1e-6 * abs(spaceCost))
        let space = PaletteCellFit(glyph: 0, ink: Int(index[0]), paper: Int(index[0]))
        guard other.score > -.infinity, -other.score < bar else { return space }
        // The larger region's cost alone first, as `price` tries it.
        guard (count * 2 > Self.samples ? cost[1] : cost[2]) - other.score < bar else { return space }
        let glyphCost = cost[1] + cost[2] - other.score
        return glyphCost < bar ? PaletteCellFit(glyph: g, ink: Int(index[1]), paper: Int(index[2])) : space
    }
}
