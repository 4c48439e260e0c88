import Imaging

/// One cell's sRGB code sums as the glyph fit reads them: the whole cell's, and per glyph the sum under its ink.
///
/// Integer sums are exact however they are grouped, so instead of a summed-area table (four lookups per
/// rectangle, up to three rectangles a glyph) each glyph's sum is one addition of two earlier sums
/// (`GlyphSumTerms`): of the blocks its family is built from (the quadrants, the sextants' five blocks, whole
/// sample rows from the bottom, whole sample columns from the left), or of a glyph with one block fewer and
/// that block. The blocks come from one pass down the cell that keeps, per sample column, the sums of the rows
/// so far: a row's four samples of each half are read as eight 16-bit words, whose low bytes are red and
/// blue and high bytes green and the fourth byte, so two masks stand in for widening every byte.
struct CellSums {
    /// The blocks (`GlyphSumTerms.Block`), then per glyph of the set in its order the sum under its ink (exact
    /// in `Float`: at most 128 × 255), then zeros to a whole vector past the last, so glyphs can be read four
    /// at a time.
    private(set) var values: [SIMD4<Float>]
    /// The whole cell's sum, the fourth lane 0.
    private(set) var total = SIMD4<Int32>.zero
    private let terms: [SIMD2<Int32>]
    /// For `y` in `0...Glyph.rows`, four vectors: per sample column of the left half, the sums over sample
    /// rows `0..<y` of red and blue (`Columns.low`), of green and the fourth byte (`Columns.high`), then the
    /// same for the right half.
    private var runs: [SIMD8<UInt16>]

    init(terms: [SIMD2<Int32>]) {
        self.terms = terms
        values = Array(repeating: .zero, count: GlyphSumTerms.firstGlyph + terms.count + 4)
        runs = Array(repeating: .zero, count: 4 * (Glyph.rows + 1))
    }

    /// Sums the cell whose top-left sample is `(left, top)` in `bytes` (RGBX rows of `size`); samples past the
    /// image's right or bottom edge repeat its last column or row.
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, size: PixelSize, left x0: Int, top: Int) {
        guard let base = bytes.baseAddress else { return }
        let inside = x0 + Glyph.columns <= size.width
        runs.withUnsafeMutableBufferPointer { runs in
            var sums = (SIMD8<UInt16>.zero, SIMD8<UInt16>.zero, SIMD8<UInt16>.zero, SIMD8<UInt16>.zero)
            for y in 0..<Glyph.rows {
                let row = base + min(top + y, size.height - 1) * size.width * Pixels.bytesPerPixel
                let (left, right) =
                    inside
                    ? (Self.four(row + x0 * Pixels.bytesPerPixel), Self.four(row + (x0 + 4) * Pixels.bytesPerPixel))
                    : (Self.four(row, from: x0, width: size.width), Self.four(row, from: x0 + 4, width: size.width))
                sums.0 &+= left & 0xFF
                sums.1 &+= left &>> 8
                sums.2 &+= right & 0xFF
                sums.3 &+= right &>> 8
                (runs[4 * y + 4], runs[4 * y + 5], runs[4 * y + 6], runs[4 * y + 7]) = sums
            }
        }
        let runs = runs
        values.withUnsafeMutableBufferPointer { values in
            runs.withUnsafeBufferPointer { runs in
                total = Self.left(runs, Glyph.rows) &+ Self.right(runs, Glyph.rows)
                Self.fillBlocks(values, runs: runs, total: total)
            }
            terms.withUnsafeBufferPointer { terms in
                for g in terms.indices {
                    let term = terms[g]
                    values[GlyphSumTerms.firstGlyph + g] = values[Int(term.x)] + values[Int(term.y)]
                }
            }
        }
    }

    /// Four consecutive samples as eight 16-bit words.
    @inline(__always)
    private static func four(_ samples: UnsafePointer<UInt8>) -> SIMD8<UInt16> {
        UnsafeRawPointer(samples).loadUnaligned(as: SIMD8<UInt16>.self)
    }

    /// Samples `first…first + 3` of a row, those at or past `width` repeating the row's last one.
    private static func four(_ row: UnsafePointer<UInt8>, from first: Int, width: Int) -> SIMD8<UInt16> {
        var samples = SIMD16<UInt8>.zero
        for i in 0..<16 { samples[i] = row[min(first + i / 4, width - 1) * Pixels.bytesPerPixel + i % 4] }
        return unsafeBitCast(samples, to: SIMD8<UInt16>.self)
    }

    /// The sum of the left half's samples in rows `0..<y`, the fourth lane 0.
    @inline(__always)
    private static func left(_ runs: UnsafeBufferPointer<SIMD8<UInt16>>, _ y: Int) -> SIMD4<Int32> {
        fold(runs[4 * y], runs[4 * y + 1])
    }

    /// The sum of the right half's samples in rows `0..<y`, the fourth lane 0.
    @inline(__always)
    private static func right(_ runs: UnsafeBufferPointer<SIMD8<UInt16>>, _ y: Int) -> SIMD4<Int32> {
        fold(runs[4 * y + 2], runs[4 * y + 3])
    }

    /// Red, green and blue summed over four columns' red-and-blue and green-and-fourth words.
    @inline(__always)
    private static func fold(_ low: SIMD8<UInt16>, _ high: SIMD8<UInt16>) -> SIMD4<Int32> {
        let low4 = low.lowHalf &+ low.highHalf
        let high4 = high.lowHalf &+ high.highHalf
        let low2 = low4.lowHalf &+ low4.highHalf
        let high2 = high4.lowHalf &+ high4.highHalf
        return SIMD4<Int32>(Int32(low2.x), Int32(high2.x), Int32(low2.y), 0)
    }

    /// Sample column `x`'s sum, the fourth lane 0.
    @inline(__always)
    private static func column(_ runs: UnsafeBufferPointer<SIMD8<UInt16>>, _ x: Int) -> SIMD4<Int32> {
        let at = 4 * Glyph.rows + (x < 4 ? 0 : 2)
        let i = 2 * (x % 4)
        return SIMD4<Int32>(Int32(runs[at][i]), Int32(runs[at + 1][i]), Int32(runs[at][i + 1]), 0)
    }

    /// The blocks every family is built from, at their `GlyphSumTerms.Block` indices.
    @inline(__always)
    private static func fillBlocks(
        _ values: UnsafeMutableBufferPointer<SIMD4<Float>>, runs: UnsafeBufferPointer<SIMD8<UInt16>>,
        total: SIMD4<Int32>
    ) {
        typealias Block = GlyphSumTerms.Block
        let (half, end, t) = (Glyph.rows / 2, Glyph.rows, Glyph.thirds)
        func left(_ y: Int) -> SIMD4<Int32> { Self.left(runs, y) }
        func right(_ y: Int) -> SIMD4<Int32> { Self.right(runs, y) }
        func set(_ block: Int, _ sum: SIMD4<Int32>) { values[block] = SIMD4<Float>(sum) }
        set(Block.zero, .zero)
        set(Block.quadrant, left(half))
        set(Block.quadrant + 1, right(half))
        set(Block.quadrant + 2, left(end) &- left(half))
        set(Block.quadrant + 3, right(end) &- right(half))
        set(Block.sextant, left(t[1]))
        set(Block.sextant + 1, right(t[1]))
        set(Block.sextant + 2, left(t[2]) &- left(t[1]))
        set(Block.sextant + 3, right(t[2]) &- right(t[1]))
        set(Block.sextant + 4, left(t[3]) &- left(t[2]))
        var fromLeft = SIMD4<Int32>.zero
        var x = 0
        for (i, k) in Glyph.eighthSizes.enumerated() {
            set(Block.lowerEighths + i, total &- left(end - 2 * k) &- right(end - 2 * k))
            while x < k {
                fromLeft &+= column(runs, x)
                x += 1
            }
            set(Block.leftEighths + i, fromLeft)
        }
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
