/// Area-averaging resampler: each output pixel is the average of the source area it covers, weighted by
/// how much of each source pixel falls inside, computed in linear light (see `SRGB`).
///
/// Used after libjpeg's DCT scaling has brought the image to just above the target size, so the ratio here
/// is small (at most 2:1 per axis for large photos) and a box filter is both exact and cheap.
public enum Resampler {
    /// `pixels` resampled to exactly `size` (each side at least 1).
    public static func resample(_ pixels: Pixels, to size: PixelSize) -> Pixels {
        precondition(size.width > 0 && size.height > 0, "resample to an empty size")
        precondition(pixels.width > 0 && pixels.height > 0, "resample an empty image")
        if size.width == pixels.width && size.height == pixels.height { return pixels }

        let columns = AxisWeights(from: pixels.width, to: size.width)
        let rows = AxisWeights(from: pixels.height, to: size.height)
        let outWidth = size.width
        let stride = pixels.width * Pixels.bytesPerPixel

        // Horizontal pass over every source row into linear floats (outWidth × source height × 3), then a
        // vertical pass per output row, then back to sRGB. Pointer loops: this also runs in debug builds.
        var horizontal = [Float](repeating: 0, count: outWidth * pixels.height * 3)
        var out = [UInt8](repeating: 255, count: outWidth * size.height * Pixels.bytesPerPixel)
        var sums = [Float](repeating: 0, count: outWidth * 3)
        pixels.bytes.withUnsafeBufferPointer { src in
            SRGB.toLinear.withUnsafeBufferPointer { lin in
                horizontal.withUnsafeMutableBufferPointer { mid in
                    columns.withTaps { starts, sources, weights in
                        for y in 0..<pixels.height {
                            let srcRow = src.baseAddress! + y * stride
                            var m = y * outWidth * 3
                            for x in 0..<outWidth {
                                var r: Float = 0
                                var g: Float = 0
                                var b: Float = 0
                                for t in starts[x]..<starts[x + 1] {
                                    let p = srcRow + sources[t] * Pixels.bytesPerPixel
                                    let w = weights[t]
                                    r += w * lin[Int(p[0])]
                                    g += w * lin[Int(p[1])]
                                    b += w * lin[Int(p[2])]
                                }
                                mid[m] = r
                                mid[m + 1] = g
                                mid[m + 2] = b
                                m += 3
                            }
                        }
                    }
                }
            }
        }
        horizontal.withUnsafeBufferPointer { mid in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { sums in
                    rows.withTaps { starts, sources, weights in
                        let count = outWidth * 3
                        for y in 0..<size.height {
                            sums.update(repeating: 0)
                            for t in starts[y]..<starts[y + 1] {
                                let row = mid.baseAddress! + sources[t] * count
                                let w = weights[t]
                                for i in 0..<count { sums[i] += w * row[i] }
                            }
                            var d = y * outWidth * Pixels.bytesPerPixel
                            var i = 0
                            for _ in 0..<outWidth {
                                dst[d] = SRGB.encode(sums[i])
                                dst[d + 1] = SRGB.encode(sums[i + 1])
                                dst[d + 2] = SRGB.encode(sums[i + 2])
                                d += Pixels.bytesPerPixel
                                i += 3
                            }
                        }
                    }
                }
            }
        }
        return Pixels(width: outWidth, height: size.height, bytes: out)
    }

    /// The largest size with `source`'s aspect ratio that fits inside `box`, never larger than `source`
    /// (thumbnails are not enlarged) and at least 1×1.
    public static func fittingSize(of source: PixelSize, in box: PixelSize) -> PixelSize {
        guard source.width > 0, source.height > 0, box.width > 0, box.height > 0 else {
            return PixelSize(
                width: max(1, min(source.width, box.width)), height: max(1, min(source.height, box.height)))
        }
        if source.width <= box.width && source.height <= box.height { return source }
        // Compare box.width / source.width with box.height / source.height without rounding.
        if box.width * source.height <= box.height * source.width {
            let height = (source.height * box.width + source.width / 2) / source.width
            return PixelSize(width: box.width, height: max(1, min(height, box.height)))
        } else {
            let width = (source.width * box.height + source.height / 2) / source.height
            return PixelSize(width: max(1, min(width, box.width)), height: box.height)
        }
    }
}

/// For each output index along one axis, the source indices it covers and their weights (summing to 1).
struct AxisWeights {
    private var starts: [Int] = []  // into `taps`, one per output index, plus the end
    private var sources: [Int] = []
    private var weights: [Float] = []

    init(from sourceCount: Int, to count: Int) {
        let scale = Double(sourceCount) / Double(count)
        starts.reserveCapacity(count + 1)
        for i in 0..<count {
            starts.append(sources.count)
            let low = Double(i) * scale
            let high = Double(i + 1) * scale
            var j = Int(low)
            while j < sourceCount && Double(j) < high {
                let covered = min(high, Double(j + 1)) - max(low, Double(j))
                if covered > 1e-9 {
                    sources.append(j)
                    weights.append(Float(covered / (high - low)))
                }
                j += 1
            }
        }
        starts.append(sources.count)
    }

    /// Calls `body` with, per output index i, the taps `starts[i]..<starts[i + 1]` into `sources` and `weights`.
    func withTaps<R>(
        _ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Float>) -> R
    ) -> R {
        starts.withUnsafeBufferPointer { s in
            sources.withUnsafeBufferPointer { i in weights.withUnsafeBufferPointer { w in body(s, i, w) } }
        }
    }
}
