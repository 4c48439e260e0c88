extension CellFitter {
    /// The glyph other than the space that fits best with free colours, its free-fit score (higher is better;
    /// minus infinity and glyph 0 when the set has no other glyph) and the space's score: the two the palette
    /// fit prices. A glyph whose shape fits worse with free colours seldom wins with palette ones, and pricing
    /// runners-up as well changes the picture too little to be worth what their palette searches cost.
    ///
    /// Scores are worked out four glyphs at a time, one glyph per lane, with the same operations in the same
    /// order as `PerceptualMetric` and `bestGlyph` use one at a time, so each lane's score is the same float;
    /// the two divisions per glyph are what the batches share out. Each lane keeps its first best and the lanes
    /// are compared at the end, the lower glyph winning a tie, which is the first best of a one-by-one search.
    @inline(__always)
    func bestOtherGlyph(_ regions: CellRegions) -> (glyph: Int, score: Float, spaceScore: Float) {
        let total = PerceptualMetric.apply(regions.total)
        let glyphCount = regions.cornerStart.count - 1
        var best = SIMD4<Float>(repeating: -.infinity)
        var bestGlyph = SIMD4<Int32>(repeating: 0)
        inkCountLanes.withUnsafeBufferPointer { counts in
            // All batches are scored before any is compared, which keeps the scoring whole vectors.
            withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: counts.count) { batchScores in
                for batch in counts.indices {
                    let energy = energies(from: 1 + 4 * batch, total: total, regions)
                    batchScores[batch] = energy.ink / counts[batch] + energy.paper / (Self.samples - counts[batch])
                }
                for batch in counts.indices {
                    let glyphs = SIMD4<Int32>(0, 1, 2, 3) &+ Int32(1 + 4 * batch)
                    let better = batchScores[batch] .> best .& glyphs .< Int32(glyphCount)
                    best.replace(with: batchScores[batch], where: better)
                    bestGlyph.replace(with: glyphs, where: better)
                }
            }
        }
        let score = Swift.max(Swift.max(best.x, best.y), Swift.max(best.z, best.w))
        let g = bestGlyph.replacing(with: .max, where: best .!= SIMD4(repeating: score))
        let glyph = score > -.infinity ? Int(Swift.min(Swift.min(g.x, g.y), Swift.min(g.z, g.w))) : 0
        return (glyph, score, (total * total).sum() / Self.samples)
    }

    /// `|ink sum|²` and `|paper sum|²` in `PerceptualMetric`'s space for glyphs `first…first + 3` (0 past
    /// the last glyph), one glyph per lane, with `PerceptualMetric`'s operations in its order lane by lane.
    @inline(__always)
    func energies(
        from first: Int, total: SIMD3<Float>, _ regions: CellRegions
    ) -> (ink: SIMD4<Float>, paper: SIMD4<Float>) {
        let codes = regions.codes
        let (s0, s1, s2, s3) = (codes[first], codes[first + 1], codes[first + 2], codes[first + 3])
        let r = SIMD4(s0.x, s1.x, s2.x, s3.x)
        let g = SIMD4(s0.y, s1.y, s2.y, s3.y)
        let b = SIMD4(s0.z, s1.z, s2.z, s3.z)
        let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let (blue, red) = (0.5 * (b - luma), 0.5 * (r - luma))
        let (paperLuma, paperBlue, paperRed) = (total.x - luma, total.y - blue, total.z - red)
        return (
            luma * luma + blue * blue + red * red,
            paperLuma * paperLuma + paperBlue * paperBlue + paperRed * paperRed
        )
    }
}
