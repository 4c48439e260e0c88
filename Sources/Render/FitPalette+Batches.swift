/// Four palette entries with one quantity to a vector (luma, Oklab a, Oklab b, chroma), so that the
/// 16-colour search prices four entries per instruction instead of one.
struct EntryBatch: Sendable {
    var luma: SIMD4<Float>
    var a: SIMD4<Float>
    var b: SIMD4<Float>
    var chroma: SIMD4<Float>
    /// The palette index in each lane.
    var index: SIMD4<Int32>

    /// The entries at `indices` (at most four) of `entries`; missing lanes hold an entry of infinite luma,
    /// which is never nearer than a real one.
    init(_ indices: [Int], of entries: [SIMD4<Float>]) {
        (luma, a, b, chroma, index) = (.init(repeating: .infinity), .zero, .zero, .zero, .zero)
        for (lane, i) in indices.enumerated() {
            (luma[lane], a[lane], b[lane], chroma[lane]) = (entries[i].x, entries[i].y, entries[i].z, entries[i].w)
            index[lane] = Int32(i)
        }
    }

    /// `entries` (as `FitPalette.entries` holds them) four to a batch, in index order.
    static func batches(of entries: [SIMD4<Float>]) -> [EntryBatch] {
        Swift.stride(from: 0, to: entries.count, by: 4).map {
            EntryBatch(Array($0..<min($0 + 4, entries.count)), of: entries)
        }
    }

    /// For the 256 colours, the batches `ColorQuantizer.forEachCandidate256` visits: per cube cell
    /// (`ColorQuantizer.candidates256`), its eight corners as two batches, then per grey step its two greys.
    static func batches256(of entries: [SIMD4<Float>]) -> [EntryBatch] {
        let cube = (0..<125).flatMap { cell in
            let corners = (0..<8).map { ColorQuantizer.corner256(cell: cell, corner: $0) }
            return [EntryBatch(Array(corners[0..<4]), of: entries), EntryBatch(Array(corners[4..<8]), of: entries)]
        }
        return cube + (0..<23).map { EntryBatch([232 + $0, 233 + $0], of: entries) }
    }

    /// The palette distance for a difference `d` (region mean minus entry, as `FitPalette.entries` hold
    /// them): luma squared plus CIE94-weighted chroma and hue.
    @inline(__always)
    static func distance(_ d: SIMD4<Float>, chromaScale: Float, hueScale: Float) -> Float {
        let hue = max(0, d.y * d.y + d.z * d.z - d.w * d.w)
        return d.x * d.x + chromaScale * d.w * d.w + hueScale * hue
    }

    /// The same `distance` lane by lane, with the same operations in the same order, so each lane's
    /// distance is the same float. Every argument is one quantity in all four lanes.
    @inline(__always)
    func distances(
        luma meanLuma: SIMD4<Float>, a meanA: SIMD4<Float>, b meanB: SIMD4<Float>, chroma meanChroma: SIMD4<Float>,
        chromaScale: SIMD4<Float>, hueScale: SIMD4<Float>
    ) -> SIMD4<Float> {
        let dx = meanLuma - luma
        let dy = meanA - a
        let dz = meanB - b
        let dw = meanChroma - chroma
        var hue = dy * dy + dz * dz - dw * dw
        hue.replace(with: 0, where: hue .< 0)
        return dx * dx + chromaScale * dw * dw + hueScale * hue
    }
}

/// The search for the palette entry nearest a region's mean over batches of entries whose indices rise from
/// batch to batch in every lane: each lane keeps its own first minimum, and the lanes are compared at the end,
/// the lower index winning a tie, which is the first minimum of a one-by-one search in index order.
///
/// The mean's quantities and the scales are held in all four lanes, ready for every batch.
struct NearestEntrySearch {
    private let luma: SIMD4<Float>
    private let a: SIMD4<Float>
    private let b: SIMD4<Float>
    private let chroma: SIMD4<Float>
    private let chromaScale: SIMD4<Float>
    private let hueScale: SIMD4<Float>
    private var best = SIMD4<Int32>(repeating: 0)
    private var bestDistance = SIMD4<Float>(repeating: .infinity)

    @inline(__always)
    init(_ mean: SIMD4<Float>, chromaScale: Float, hueScale: Float) {
        (luma, a, b, chroma) = (
            .init(repeating: mean.x), .init(repeating: mean.y), .init(repeating: mean.z), .init(repeating: mean.w)
        )
        (self.chromaScale, self.hueScale) = (.init(repeating: chromaScale), .init(repeating: hueScale))
    }

    @inline(__always)
    mutating func consider(_ batch: EntryBatch) {
        let distance = batch.distances(
            luma: luma, a: a, b: b, chroma: chroma, chromaScale: chromaScale, hueScale: hueScale)
        let nearer = distance .< bestDistance
        bestDistance.replace(with: distance, where: nearer)
        best.replace(with: batch.index, where: nearer)
    }

    /// The nearest entry's index and its distance: the lowest index among the lanes at the least distance.
    /// Minima are exact in any order.
    @inline(__always)
    var nearest: (index: Int, distance: Float) {
        let d = bestDistance
        let least = Swift.min(Swift.min(d.x, d.y), Swift.min(d.z, d.w))
        let i = best.replacing(with: .max, where: d .!= SIMD4(repeating: least))
        return (Int(Swift.min(Swift.min(i.x, i.y), Swift.min(i.z, i.w))), least)
    }
}
