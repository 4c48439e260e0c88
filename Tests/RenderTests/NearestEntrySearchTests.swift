import Imaging
import Testing

@testable import Render

/// The batched palette search against a one-by-one search in index order written out here: the batches must
/// pick the very entry (first on a tie) and give the very distance, or the encoder's output would change.
struct NearestEntrySearchTests {
    /// The one-by-one search: every index of `candidates` in order, the first minimum kept.
    static func oneByOne(
        _ mean: SIMD4<Float>, _ candidates: [Int], _ entries: [SIMD4<Float>], chromaScale: Float, hueScale: Float
    ) -> (index: Int, distance: Float) {
        var best = 0
        var bestDistance = Float.infinity
        for index in candidates {
            let distance = EntryBatch.distance(mean - entries[index], chromaScale: chromaScale, hueScale: hueScale)
            if distance < bestDistance { (best, bestDistance) = (index, distance) }
        }
        return (best, bestDistance)
    }

    /// A region mean as the fit forms it, from a pseudo-random colour.
    static func mean(_ generator: inout some RandomNumberGenerator) -> (mean: SIMD4<Float>, code: RGB) {
        let code = RGB(
            .random(in: 0...255, using: &generator), .random(in: 0...255, using: &generator),
            .random(in: 0...255, using: &generator))
        let codes = SIMD4(Float(code.r), Float(code.g), Float(code.b), 0)
        let linear = ColorQuantizer.linear(code)
        return (
            FitPalette.entry(luma: FitPalette.luma(codes), oklab: Oklab.fromLinear(linear.x, linear.y, linear.z)), code
        )
    }

    @Test(arguments: [ColorMode.ansi16, .palette256])
    func batchesPickWhatAOneByOneSearchPicks(mode: ColorMode) throws {
        let palette = try #require(FitPalette(ColorQuantizer(mode: mode), dither: .none))
        var generator = XorShift(state: mode == .ansi16 ? 16 : 256)
        for _ in 0..<4000 {
            let (mean, code) = Self.mean(&generator)
            let chromaScale = Float.random(in: 0...400_000, using: &generator)
            let hueScale = Float.random(in: 0...400_000, using: &generator)
            var candidates: [Int] = []
            if mode == .ansi16 {
                candidates = Array(0..<16)
            } else {
                ColorQuantizer.forEachCandidate256(around: code) { candidates.append($0) }
            }
            var search = NearestEntrySearch(mean, chromaScale: chromaScale, hueScale: hueScale)
            if mode == .ansi16 {
                for batch in palette.batches { search.consider(batch) }
            } else {
                let (cell, grey) = ColorQuantizer.candidates256(around: code)
                for batch in [palette.batches[2 * cell], palette.batches[2 * cell + 1], palette.batches[250 + grey]] {
                    search.consider(batch)
                }
            }
            let expected = Self.oneByOne(
                mean, candidates, palette.entries, chromaScale: chromaScale, hueScale: hueScale)
            #expect(search.nearest.index == expected.index && search.nearest.distance == expected.distance)
        }
    }

    @Test func aTieGoesToTheLowerIndexWhicheverLaneHoldsIt() {
        // Entries 2 and 5 (lanes 2 and 1) are the same colour, nearest the mean; 2 must win.
        var entries = (0..<8).map { SIMD4<Float>(Float($0) * 30 + 100, 0, 0, 0) }
        entries[2] = SIMD4(10, 0.01, 0, 0.01)
        entries[5] = entries[2]
        var search = NearestEntrySearch(SIMD4(12, 0.01, 0, 0.01), chromaScale: 1, hueScale: 1)
        for batch in EntryBatch.batches(of: entries) { search.consider(batch) }
        #expect(search.nearest.index == 2)
    }

    /// Four regions priced in one vector against each priced alone (its mean, its Oklab, the batched search):
    /// the same entry and the very same cost in every lane, for regions of every size.
    @Test func sixteenColourLanesPriceEachRegionAsAloneEntryForEntry() throws {
        let palette = try #require(FitPalette(ColorQuantizer(mode: .ansi16), dither: .none))
        var generator = XorShift(state: 1616)
        for _ in 0..<2000 {
            let regions = (0..<4).map { _ in
                let count = Float(Int.random(in: 1...128, using: &generator))
                let code = (0..<3).map { _ in Float.random(in: 0...255, using: &generator).rounded(.down) * count }
                let light = (0..<3).map { _ in Float.random(in: 0...1, using: &generator) * count }
                return (SIMD4(code[0], code[1], code[2], 0), SIMD4(light[0], light[1], light[2], 0), count)
            }
            let lanes = palette.nearest16(
                codes: (
                    SIMD4(regions.map(\.0.x)), SIMD4(regions.map(\.0.y)), SIMD4(regions.map(\.0.z))
                ),
                light: (
                    SIMD4(regions.map(\.1.x)), SIMD4(regions.map(\.1.y)), SIMD4(regions.map(\.1.z))
                ),
                count: SIMD4(regions.map(\.2)))
            for (lane, (codes, light, count)) in regions.enumerated() {
                let oklab = Oklab.roughlyFromLinear(light / count)
                let mean = FitPalette.entry(
                    luma: FitPalette.luma(codes / count), oklab: SIMD3(oklab.x, oklab.y, oklab.z))
                let alone = palette.entries.withUnsafeBufferPointer {
                    palette.nearest(mean, codes: codes / count, entries: $0)
                }
                #expect(Int(lanes.index[lane]) == alone.index && lanes.cost[lane] == count * alone.distance)
            }
        }
    }
}

/// Marsaglia's xorshift64, seeded (never with 0) so that a failure replays.
struct XorShift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// The fit's lane-wise Oklab conversion against the scalar one it stands for: the region means it converts
/// must come out the very same floats, or a pick could change.
struct OklabLanesTests {
    @Test func lanesGiveTheScalarConversionFloatForFloat() {
        var generator = XorShift(state: 3)
        let edges: [Float] = [0, 1e-13, 1e-12, 1.1e-12, 1e-7, 0.5, 1]
        var colours = edges.flatMap { r in edges.map { SIMD3(r, $0, 1 - $0) } }
        for _ in 0..<20_000 {
            colours.append(
                SIMD3(
                    .random(in: 0...1, using: &generator), .random(in: 0...1, using: &generator),
                    .random(in: 0...1, using: &generator)))
        }
        for colour in colours {
            let scalar = Oklab.roughlyFromLinear(colour.x, colour.y, colour.z)
            let lanes = Oklab.roughlyFromLinear(SIMD4(colour.x, colour.y, colour.z, 0))
            #expect(
                scalar.x.bitPattern == lanes.x.bitPattern && scalar.y.bitPattern == lanes.y.bitPattern
                    && scalar.z.bitPattern == lanes.z.bitPattern, "\(colour)")
        }
    }
}
