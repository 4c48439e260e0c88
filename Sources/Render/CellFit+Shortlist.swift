extension CellFitter {
    /// How many glyphs the free fit passes on to be priced in palette colours (at most a `SIMD4`'s lanes).
    static let shortlist = 4

    /// The glyphs that fit best with free colours, best first, with their free-fit scores (higher is better),
    /// and the space's score: a glyph whose shape is far off with free colours does not win with palette
    /// ones, and pricing palette entries for every glyph would cost several times the whole free fit.
    ///
    /// Scores are worked out four glyphs at a time, one glyph per lane, with the same operations in the same
    /// order as `PerceptualMetric` and `bestGlyph` use one at a time, so each lane's score is the same float;
    /// the two divisions per glyph are what the batches share out. All batches are scored before any is
    /// ranked, so the scoring stays whole vectors, and a batch none of whose lanes beats the fourth best so
    /// far is passed over with one comparison.
    @inline(__always)
    func shortlisted(_ regions: CellRegions) -> (glyphs: SIMD4<Int32>, scores: SIMD4<Float>, spaceScore: Float) {
        let total = PerceptualMetric.apply(regions.total)
        let glyphCount = regions.cornerStart.count - 1
        var best = ShortlistRanking()
        inkCountLanes.withUnsafeBufferPointer { counts in
            withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: counts.count) { batchScores in
                for batch in counts.indices {
                    let energy = energies(from: 1 + 4 * batch, total: total, regions)
                    batchScores[batch] = energy.ink / counts[batch] + energy.paper / (Self.samples - counts[batch])
                }
                for batch in counts.indices where any(batchScores[batch] .> best.scores.3) {
                    let first = 1 + 4 * batch
                    for lane in 0..<4 where first + lane < glyphCount {
                        best.insert(batchScores[batch][lane], glyph: Int32(first + lane))
                    }
                }
            }
        }
        let (glyphs, scores) = best.ranked
        return (glyphs, scores, (total * total).sum() / Self.samples)
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

/// The shortlist's four best glyphs so far, best first, in scalars rather than vector lanes, which a varying
/// slot would make the compiler reach through memory.
struct ShortlistRanking {
    private(set) var scores = (-Float.infinity, -Float.infinity, -Float.infinity, -Float.infinity)
    private var glyphs = (Int32(0), Int32(0), Int32(0), Int32(0))

    /// Walks `score` down the slots, at each one it beats trading places with the slot's glyph and carrying
    /// that one on: on ties the glyph already ranked stays first.
    @inline(__always)
    mutating func insert(_ score: Float, glyph: Int32) {
        var (score, glyph) = (score, glyph)
        if score > scores.0 { (score, glyph, scores.0, glyphs.0) = (scores.0, glyphs.0, score, glyph) }
        if score > scores.1 { (score, glyph, scores.1, glyphs.1) = (scores.1, glyphs.1, score, glyph) }
        if score > scores.2 { (score, glyph, scores.2, glyphs.2) = (scores.2, glyphs.2, score, glyph) }
        if score > scores.3 { (scores.3, glyphs.3) = (score, glyph) }
    }

    var ranked: (glyphs: SIMD4<Int32>, scores: SIMD4<Float>) {
        (SIMD4(glyphs.0, glyphs.1, glyphs.2, glyphs.3), SIMD4(scores.0, scores.1, scores.2, scores.3))
    }
}
