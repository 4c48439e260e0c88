import Imaging

/// Area-averages pixels into a thumbnail whatever order they come in, in linear light: each source pixel adds its
/// share into the (at most 2 × 2, as the thumbnail is never larger) output pixels it overlaps.
///
/// This is what lets an Adam7-interlaced PNG, whose passes each deliver a sparse grid of the image, or an
/// interlaced GIF, whose rows come out of order, be scaled down without ever holding the full-size image: a sum
/// does not depend on the order of its terms. Memory is the thumbnail's size in floats.
struct SparseResampler {
    let source: PixelSize
    let size: PixelSize
    private let columns: Taps
    private let rows: Taps
    /// Output pixels in linear light, R G B floats.
    private var sums: [Float]
    /// Source pixels added so far.
    private(set) var pixelsAdded = 0

    /// Per source index along one axis, the first output index it overlaps and its weight there; the rest of the
    /// pixel's weight (if any) goes to the next output index.
    struct Taps {
        let first: [Int32]
        let weight: [Float]
        let second: [Float]

        init(from sourceCount: Int, to count: Int) {
            let scale = Double(sourceCount) / Double(count)
            var first = [Int32](repeating: 0, count: sourceCount)
            var weight = [Float](repeating: 0, count: sourceCount)
            var second = [Float](repeating: 0, count: sourceCount)
            for j in 0..<sourceCount {
                let index = min(count - 1, Int(Double(j) / scale))
                let inFirst = min(1, max(0, Double(index + 1) * scale - Double(j)))
                first[j] = Int32(index)
                weight[j] = Float(inFirst / scale)
                second[j] = index + 1 < count ? Float((1 - inFirst) / scale) : 0
            }
            self.first = first
            self.weight = weight
            self.second = second
        }
    }

    init(from source: PixelSize, to size: PixelSize) {
        precondition(size.width > 0 && size.height > 0 && source.width > 0 && source.height > 0)
        self.source = source
        self.size = size
        columns = Taps(from: source.width, to: size.width)
        rows = Taps(from: source.height, to: size.height)
        sums = [Float](repeating: 0, count: size.width * size.height * 3)
    }

    /// Adds `count` RGBX pixels of source row `y`, the i-th at column `xStart + i * xStep`.
    mutating func add(_ pixels: UnsafePointer<UInt8>, count: Int, y: Int, xStart: Int = 0, xStep: Int = 1) {
        let rowBase = Int(rows.first[y]) * size.width * 3
        let below = size.width * 3
        let wy0 = rows.weight[y]
        let wy1 = rows.second[y]
        SRGB.toLinear.withUnsafeBufferPointer { linear in
            columns.first.withUnsafeBufferPointer { first in
                columns.weight.withUnsafeBufferPointer { weight in
                    columns.second.withUnsafeBufferPointer { second in
                        sums.withUnsafeMutableBufferPointer { sums in
                            guard let out = sums.baseAddress else { return }
                            for i in 0..<count {
                                let x = xStart + i * xStep
                                let p = pixels + i * 4
                                let r = linear[Int(p[0])]
                                let g = linear[Int(p[1])]
                                let b = linear[Int(p[2])]
                                let at = out + rowBase + Int(first[x]) * 3
                                let wx0 = weight[x]
                                let wx1 = second[x]
                                Self.put(at, wx0 * wy0, r, g, b)
                                Self.put(at + 3, wx1 * wy0, r, g, b)
                                Self.put(at + below, wx0 * wy1, r, g, b)
                                Self.put(at + below + 3, wx1 * wy1, r, g, b)
                            }
                        }
                    }
                }
            }
        }
        pixelsAdded += count
    }

    /// Adds a weighted colour to one output pixel; a zero weight may point past the end, so it touches nothing.
    @inline(__always)
    private static func put(_ pixel: UnsafeMutablePointer<Float>, _ w: Float, _ r: Float, _ g: Float, _ b: Float) {
        guard w > 0 else { return }
        pixel[0] += w * r
        pixel[1] += w * g
        pixel[2] += w * b
    }

    /// The thumbnail, sRGB-encoded; every source pixel must have been added once.
    func finish() -> Pixels {
        var out = [UInt8](repeating: 255, count: size.width * size.height * Pixels.bytesPerPixel)
        for i in 0..<(size.width * size.height) {
            out[i * 4] = SRGB.encode(sums[i * 3])
            out[i * 4 + 1] = SRGB.encode(sums[i * 3 + 1])
            out[i * 4 + 2] = SRGB.encode(sums[i * 3 + 2])
        }
        return Pixels(width: size.width, height: size.height, bytes: out)
    }
}
