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
        var resampler = RowResampler(from: PixelSize(width: pixels.width, height: pixels.height), to: size)
        pixels.bytes.withUnsafeBytes { resampler.push(rows: $0, count: pixels.height) }
        return resampler.finish()
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

/// The same area-averaging resampler, fed source rows top to bottom as they are decoded, so the source
/// image never has to exist whole: memory is the output's size in floats plus one row.
///
/// Each source row is averaged horizontally into linear floats, then added, weighted, into every output row
/// it overlaps (in source order, so the sums are bit-for-bit those of a two-pass resample). An output row
/// is final once its last source row has arrived; `finish()` encodes them all back to sRGB.
public struct RowResampler: ~Copyable {
    public let source: PixelSize
    public let size: PixelSize
    /// Source rows pushed so far.
    public private(set) var rowsPushed = 0

    private let columns: AxisWeights
    /// For source row j, the output rows it adds into and with what weight: indices `rowStarts[j]..<rowStarts[j + 1]`
    /// into `rowTargets` and `rowWeights`.
    private let rowStarts: [Int]
    private let rowTargets: [Int]
    private let rowWeights: [Float]
    /// Output rows in linear light, R G B floats (size.width × size.height × 3); or, when `copies`, unused.
    private var sums: [Float]
    private var horizontal: [Float]
    /// Same size both ways: rows are copied, untouched.
    private let copies: Bool
    private var copied: [UInt8]

    public init(from source: PixelSize, to size: PixelSize) {
        precondition(size.width > 0 && size.height > 0, "resample to an empty size")
        precondition(source.width > 0 && source.height > 0, "resample an empty image")
        self.source = source
        self.size = size
        copies = source == size
        columns = AxisWeights(from: source.width, to: copies ? 1 : size.width)
        var starts = [Int](repeating: 0, count: source.height + 1)
        var targets: [Int] = []
        var weights: [Float] = []
        if !copies {
            // Invert the row taps (output row → source rows) into source row → output rows, keeping, for
            // each output row, its taps in increasing source order.
            let rows = AxisWeights(from: source.height, to: size.height)
            var perSource = [[(Int, Float)]](repeating: [], count: source.height)
            rows.withTaps { rowStarts, sources, w in
                for y in 0..<size.height {
                    for t in rowStarts[y]..<rowStarts[y + 1] { perSource[sources[t]].append((y, w[t])) }
                }
            }
            for j in 0..<source.height {
                starts[j] = targets.count
                for (y, w) in perSource[j] {
                    targets.append(y)
                    weights.append(w)
                }
            }
            starts[source.height] = targets.count
        }
        rowStarts = starts
        rowTargets = targets
        rowWeights = weights
        sums = [Float](repeating: 0, count: copies ? 0 : size.width * size.height * 3)
        horizontal = [Float](repeating: 0, count: copies ? 0 : size.width * 3)
        copied = copies ? [UInt8](repeating: 255, count: size.width * size.height * Pixels.bytesPerPixel) : []
    }

    /// Adds the next `count` source rows, RGBX packed (`source.width * 4` bytes each).
    public mutating func push(rows: UnsafeRawBufferPointer, count: Int) {
        precondition(rowsPushed + count <= source.height, "more rows than the source has")
        precondition(rows.count >= count * source.width * Pixels.bytesPerPixel, "short row buffer")
        let stride = source.width * Pixels.bytesPerPixel
        if copies {
            copied.withUnsafeMutableBytes { dst in
                UnsafeMutableRawBufferPointer(rebasing: dst[(rowsPushed * stride)...])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: rows[..<(count * stride)]))
            }
            rowsPushed += count
            return
        }
        let outWidth = size.width
        let src = rows.bindMemory(to: UInt8.self)
        SRGB.toLinear.withUnsafeBufferPointer { lin in
            columns.withTaps { starts, sources, weights in
                horizontal.withUnsafeMutableBufferPointer { mid in
                    sums.withUnsafeMutableBufferPointer { sums in
                        rowStarts.withUnsafeBufferPointer { rowStarts in
                            rowTargets.withUnsafeBufferPointer { rowTargets in
                                rowWeights.withUnsafeBufferPointer { rowWeights in
                                    for k in 0..<count {
                                        let srcRow = UnsafeBufferPointer(rebasing: src[(k * stride)...])
                                        var m = 0
                                        for x in 0..<outWidth {
                                            var r: Float = 0
                                            var g: Float = 0
                                            var b: Float = 0
                                            for t in starts[x]..<starts[x + 1] {
                                                let p = sources[t] * Pixels.bytesPerPixel
                                                let w = weights[t]
                                                r += w * lin[Int(srcRow[p])]
                                                g += w * lin[Int(srcRow[p + 1])]
                                                b += w * lin[Int(srcRow[p + 2])]
                                            }
                                            mid[m] = r
                                            mid[m + 1] = g
                                            mid[m + 2] = b
                                            m += 3
                                        }
                                        let j = rowsPushed + k
                                        let n = outWidth * 3
                                        for t in rowStarts[j]..<rowStarts[j + 1] {
                                            let out = UnsafeMutableBufferPointer(rebasing: sums[(rowTargets[t] * n)...])
                                            let w = rowWeights[t]
                                            for i in 0..<n { out[i] += w * mid[i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        rowsPushed += count
    }

    /// The resampled image; every source row must have been pushed.
    public consuming func finish() -> Pixels {
        precondition(rowsPushed == source.height, "only \(rowsPushed) of \(source.height) rows pushed")
        if copies { return Pixels(width: size.width, height: size.height, bytes: copied) }
        var out = [UInt8](repeating: 255, count: size.width * size.height * Pixels.bytesPerPixel)
        sums.withUnsafeBufferPointer { sums in
            out.withUnsafeMutableBufferPointer { dst in
                var d = 0
                for i in stride(from: 0, to: sums.count, by: 3) {
                    dst[d] = SRGB.encode(sums[i])
                    dst[d + 1] = SRGB.encode(sums[i + 1])
                    dst[d + 2] = SRGB.encode(sums[i + 2])
                    d += Pixels.bytesPerPixel
                }
            }
        }
        return Pixels(width: size.width, height: size.height, bytes: out)
    }
}
