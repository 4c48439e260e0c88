/// Four palette entries with one quantity to a vector (luma, Oklab a, Oklab b, chroma), so that the
/// 16-colour search prices four entries per instruction instead of one.
struct EntryBatch: Sendable {
    var luma: SIMD4<Float>
    var a: SIMD4<Float>
    var b: SIMD4<Float>
    var chroma: SIMD4<Float>

    /// `entries` (as `FitPalette.entries` holds them) four to a batch; a short last batch is padded with
    /// entries of infinite luma, which are never nearer than a real one.
    static func batches(of entries: [SIMD4<Float>]) -> [EntryBatch] {
        Swift.stride(from: 0, to: entries.count, by: 4).map { first in
            var batch = EntryBatch(luma: .init(repeating: .infinity), a: .zero, b: .zero, chroma: .zero)
            for lane in 0..<4 where first + lane < entries.count {
                let entry = entries[first + lane]
                (batch.luma[lane], batch.a[lane], batch.b[lane], batch.chroma[lane]) = (
                    entry.x, entry.y, entry.z, entry.w
                )
            }
            return batch
        }
    }

    /// The palette distance for a difference `d` (region mean minus entry, as `FitPalette.entries` hold
    /// them): luma squared plus CIE94-weighted chroma and hue.
    @inline(__always)
    static func distance(_ d: SIMD4<Float>, chromaScale: Float, hueScale: Float) -> Float {
        let hue = max(0, d.y * d.y + d.z * d.z - d.w * d.w)
        return d.x * d.x + chromaScale * d.w * d.w + hueScale * hue
    }

    /// The index of the entry nearest `mean` and its distance, the first on a tie: `distance` lane by lane, with
    /// the same operations in the same order, so each lane's distance is the same float, and each lane keeping
    /// its own first minimum until the lanes are compared at the end.
    @inline(__always)
    static func nearest(
        _ mean: SIMD4<Float>, chromaScale: Float, hueScale: Float, in batches: UnsafeBufferPointer<EntryBatch>
    ) -> (index: Int, distance: Float) {
        var best = SIMD4<Int32>(repeating: 0)
        var bestDistance = SIMD4<Float>(repeating: .infinity)
        var indices = SIMD4<Int32>(0, 1, 2, 3)
        for batch in batches {
            let dx = mean.x - batch.luma
            let dy = mean.y - batch.a
            let dz = mean.z - batch.b
            let dw = mean.w - batch.chroma
            var hue = dy * dy + dz * dz - dw * dw
            hue.replace(with: 0, where: hue .< 0)
            let distance = dx * dx + chromaScale * dw * dw + hueScale * hue
            let nearer = distance .< bestDistance
            bestDistance.replace(with: distance, where: nearer)
            best.replace(with: indices, where: nearer)
            indices &+= 4
        }
        var lane = 0
        for other in 1..<4
        where bestDistance[other] < bestDistance[lane]
            || (bestDistance[other] == bestDistance[lane] && best[other] < best[lane])
        {
            lane = other
        }
        return (Int(best[lane]), bestDistance[lane])
    }
}
