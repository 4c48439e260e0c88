import Imaging

/// One cell's sRGB code sums as the glyph fit reads them: the whole cell's, and per glyph the sum under its ink.
///
/// Integer sums are exact however they are grouped, so instead of a summed-area table (four lookups per
/// rectangle, up to three rectangles a glyph) each glyph's sum is one addition of two earlier sums
/// (`GlyphSumTerms`): of the blocks its family is built from (the quadrants, the sextants' five blocks, whole
/// sample rows from the bottom, whole sample columns from the left), or of a glyph with one block fewer and
/// that block. The blocks come from one pass over the cell that reads a sample row as two vectors of four
/// samples: running sums of each row's two halves down the cell, and sums of each column.
struct CellSums {
    /// The blocks (`GlyphSumTerms.Block`), then per glyph of the set in its order the sum under its ink (exact
    /// in `Float`: at most 128 × 255), then zeros to a whole vector past the last, so glyphs can be read four
    /// at a time.
    private(set) var values: [SIMD4<Float>]
    /// The whole cell's sum, the fourth lane 0.
    private(set) var total = SIMD4<Int32>.zero
    private let terms: [SIMD2<Int32>]
    /// The sums of the left and the right half of sample rows `0..<y`, for `y` in `0...Glyph.rows`.
    private var left: [SIMD4<Int32>]
    private var right: [SIMD4<Int32>]

    init(terms: [SIMD2<Int32>]) {
        self.terms = terms
        values = Array(repeating: .zero, count: GlyphSumTerms.firstGlyph + terms.count + 4)
        left = Array(repeating: .zero, count: Glyph.rows + 1)
        right = left
    }

    /// Sums the cell whose top-left sample is `(left, top)` in `bytes` (RGBX rows of `size`); samples past the
    /// image's right or bottom edge repeat its last column or row.
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left x0: Int, top: Int) {
        guard let base = bytes.baseAddress else { return }
        let inside = x0 + Glyph.columns <= size.width
        let colour = SIMD4<Int32>(-1, -1, -1, 0)
        var columns = (SIMD16<UInt16>.zero, SIMD16<UInt16>.zero)
        left.withUnsafeMutableBufferPointer { left in
            right.withUnsafeMutableBufferPointer { right in
                var (leftRun, rightRun) = (SIMD4<Int32>.zero, SIMD4<Int32>.zero)
                for y in 0..<Glyph.rows {
                    let row = base + min(top + y, size.height - 1) * size.width * Pixels.bytesPerPixel
                    let halves =
                        inside
                        ? (Self.four(row + x0 * Pixels.bytesPerPixel), Self.four(row + (x0 + 4) * Pixels.bytesPerPixel))
                        : (Self.four(row, from: x0, width: size.width), Self.four(row, from: x0 + 4, width: size.width))
                    columns.0 &+= halves.0
                    columns.1 &+= halves.1
                    leftRun &+= Self.sum(halves.0) & colour
                    rightRun &+= Self.sum(halves.1) & colour
                    left[y + 1] = leftRun
                    right[y + 1] = rightRun
                }
            }
        }
        let (leftRuns, rightRuns) = (left, right)
        total = leftRuns[Glyph.rows] &+ rightRuns[Glyph.rows]
        let total = total
        values.withUnsafeMutableBufferPointer { values in
            Self.fillBlocks(values, left: leftRuns, right: rightRuns, total: total, columns: columns)
            terms.withUnsafeBufferPointer { terms in
                for g in terms.indices {
                    let term = terms[g]
                    values[GlyphSumTerms.firstGlyph + g] = values[Int(term.x)] + values[Int(term.y)]
                }
            }
        }
    }

    /// Four consecutive samples, each byte widened.
    @inline(__always)
    private static func four(_ samples: UnsafePointer<UInt8>) -> SIMD16<UInt16> {
        SIMD16<UInt16>(truncatingIfNeeded: UnsafeRawPointer(samples).loadUnaligned(as: SIMD16<UInt8>.self))
    }

    /// Samples `first…first + 3` of a row, those at or past `width` repeating the row's last one.
    private static func four(_ row: UnsafePointer<UInt8>, from first: Int, width: Int) -> SIMD16<UInt16> {
        var samples = SIMD16<UInt16>.zero
        for i in 0..<16 { samples[i] = UInt16(row[min(first + i / 4, width - 1) * Pixels.bytesPerPixel + i % 4]) }
        return samples
    }

    /// The four samples of a vector added up.
    @inline(__always)
    private static func sum(_ four: SIMD16<UInt16>) -> SIMD4<Int32> {
        let pairs = four.lowHalf &+ four.highHalf
        return SIMD4<Int32>(truncatingIfNeeded: pairs.lowHalf &+ pairs.highHalf)
    }

    /// The blocks every family is built from, at their `GlyphSumTerms.Block` indices.
    @inline(__always)
    private static func fillBlocks(
        _ values: UnsafeMutableBufferPointer<SIMD4<Float>>, left: [SIMD4<Int32>], right: [SIMD4<Int32>],
        total: SIMD4<Int32>, columns: (SIMD16<UInt16>, SIMD16<UInt16>)
    ) {
        typealias Block = GlyphSumTerms.Block
        let (half, end, t) = (Glyph.rows / 2, Glyph.rows, Glyph.thirds)
        func set(_ block: Int, _ sum: SIMD4<Int32>) { values[block] = SIMD4<Float>(sum) }
        set(Block.zero, .zero)
        set(Block.quadrant, left[half])
        set(Block.quadrant + 1, right[half])
        set(Block.quadrant + 2, left[end] &- left[half])
        set(Block.quadrant + 3, right[end] &- right[half])
        set(Block.sextant, left[t[1]])
        set(Block.sextant + 1, right[t[1]])
        set(Block.sextant + 2, left[t[2]] &- left[t[1]])
        set(Block.sextant + 3, right[t[2]] &- right[t[1]])
        set(Block.sextant + 4, left[t[3]] &- left[t[2]])
        var fromLeft = SIMD4<Int32>.zero
        var x = 0
        for (i, k) in Glyph.eighthSizes.enumerated() {
            set(Block.lowerEighths + i, total &- left[end - 2 * k] &- right[end - 2 * k])
            while x < k {
                fromLeft &+= Self.column(x, of: columns)
                x += 1
            }
            set(Block.leftEighths + i, fromLeft)
        }
    }

    /// Sample column `x`'s sum, from the columns' sums four samples to a vector, the fourth lane 0.
    @inline(__always)
    private static func column(_ x: Int, of columns: (SIMD16<UInt16>, SIMD16<UInt16>)) -> SIMD4<Int32> {
        let four = x < 4 ? columns.0 : columns.1
        let i = 4 * (x % 4)
        return SIMD4<Int32>(Int32(four[i]), Int32(four[i + 1]), Int32(four[i + 2]), 0)
    }
}

/// For each glyph of a set, the two entries of `CellSums.values` whose sum is the code sum under its ink.
enum GlyphSumTerms {
    /// Where `CellSums.values` holds each kind of block.
    enum Block {
        static let zero = 0
        /// Quadrant `2 * half + column`, as `Glyph.quadrantMasks` numbers them.
        static let quadrant = 1
        /// Sextant block `2 * third + column` for the five in `Glyph.sextantMasks`.
        static let sextant = 5
        /// The bottom `2 k` sample rows, for each `k` of `Glyph.eighthSizes`.
        static let lowerEighths = 10
        /// The left `k` sample columns, for each `k` of `Glyph.eighthSizes`.
        static let leftEighths = lowerEighths + Glyph.eighthSizes.count
    }

    /// Where the first glyph's sum is, after the blocks.
    static let firstGlyph = Block.leftEighths + Glyph.eighthSizes.count

    /// The terms for `families`' glyphs in order. A mask's sum is the sum of the mask without its lowest bit
    /// (a glyph listed before it, or 0) and the block of that bit.
    static func of(_ families: [GlyphFamily]) -> [SIMD2<Int32>] {
        var terms: [SIMD2<Int32>] = []
        func add(_ a: Int, _ b: Int) { terms.append(SIMD2(Int32(a), Int32(b))) }
        func masks(_ masks: [Int], block: Int) {
            let first = firstGlyph + terms.count
            for (i, mask) in masks.enumerated() {
                let rest = mask & (mask - 1)
                let bit = mask == 0 ? Block.zero : block + mask.trailingZeroBitCount
                if rest & (rest - 1) == 0 {
                    add(rest == 0 ? Block.zero : block + rest.trailingZeroBitCount, bit)
                } else if let earlier = masks[..<i].firstIndex(of: rest) {
                    add(first + earlier, bit)
                } else {
                    preconditionFailure("mask \(mask) listed before \(rest)")
                }
            }
        }
        for family in families {
            switch family {
            case .upperHalf: add(Block.quadrant, Block.quadrant + 1)
            case .quadrants: masks(Glyph.quadrantMasks, block: Block.quadrant)
            case .eighths:
                for i in Glyph.eighthSizes.indices {
                    add(Block.lowerEighths + i, Block.zero)
                    add(Block.leftEighths + i, Block.zero)
                }
            case .sextants: masks(Glyph.sextantMasks, block: Block.sextant)
            }
        }
        return terms
    }
}
