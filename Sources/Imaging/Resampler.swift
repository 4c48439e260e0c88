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
        let linear = SRGB.toLinear

        // Horizontal pass over every source row: width × source height × 3 linear floats.
        var horizontal = [Float](repeating: 0, count: outWidth * pixels.height * 3)
        pixels.bytes.withUnsafeBufferPointer { src in
            linear.withUnsafeBufferPointer { lin in
                horizontal.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<pixels.height {
                        let srcRow = y * pixels.width * Pixels.bytesPerPixel
                        let dstRow = y * outWidth * 3
                        for x in 0..<outWidth {
                            var r: Float = 0
                            var g: Float = 0
                            var b: Float = 0
                            for (sx, w) in columns.taps(x) {
                                let i = srcRow + sx * Pixels.bytesPerPixel
                                r += w * lin[Int(src[i])]
                                g += w * lin[Int(src[i + 1])]
                                b += w * lin[Int(src[i + 2])]
                            }
                            dst[dstRow + x * 3] = r
                            dst[dstRow + x * 3 + 1] = g
                            dst[dstRow + x * 3 + 2] = b
                        }
                    }
                }
            }
        }

        // Vertical pass, then back to sRGB.
        var out = [UInt8](repeating: 255, count: outWidth * size.height * Pixels.bytesPerPixel)
        horizontal.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var sums = [Float](repeating: 0, count: outWidth * 3)
                for y in 0..<size.height {
                    for i in sums.indices { sums[i] = 0 }
                    for (sy, w) in rows.taps(y) {
                        let row = sy * outWidth * 3
                        for i in 0..<(outWidth * 3) { sums[i] += w * src[row + i] }
                    }
                    let dstRow = y * outWidth * Pixels.bytesPerPixel
                    for x in 0..<outWidth {
                        dst[dstRow + x * 4] = SRGB.encode(sums[x * 3])
                        dst[dstRow + x * 4 + 1] = SRGB.encode(sums[x * 3 + 1])
                        dst[dstRow + x * 4 + 2] = SRGB.encode(sums[x * 3 + 2])
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
            return PixelSize(width: max(1, min(source.width, box.width)), height: max(1, min(source.height, box.height)))
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

    func taps(_ i: Int) -> Zip2Sequence<ArraySlice<Int>, ArraySlice<Float>> {
        zip(sources[starts[i]..<starts[i + 1]], weights[starts[i]..<starts[i + 1]])
    }
}
