import Imaging

/// One cell's sRGB code sums as the glyph fit reads them: the whole cell's, and per glyph the sum under its ink.
///
/// Integer sums are exact however they are grouped, so instead of a summed-area table (four lookups per
/// rectangle, up to three rectangles a glyph) each glyph's sum is put together from the few blocks its family
/// is made of: the quadrants, the sextants' five blocks, whole sample rows from the bottom, whole sample columns
/// from the left, with one or two additions a glyph. The blocks come from one pass down the cell that keeps,
/// per sample column, the sums of the rows so far: a row's four samples of each half are read as eight 16-bit
/// words, whose low bytes are red and blue and high bytes green and the fourth byte, so two masks stand in for
/// widening every byte.
struct CellSums {
    /// Per glyph of the set in its order, the sum under its ink (exact in `Float`: at most 128 × 255), then
    /// zeros to a whole vector past the last, so glyphs can be read four at a time.
    private(set) var values: [SIMD4<Float>]
    /// The whole cell's sum, the fourth lane 0.
    private(set) var total = SIMD4<Int32>.zero
    private let families: [GlyphFamily]
    /// For `y` in `0...Glyph.rows`, four vectors: per sample column of the left half, the sums over sample
    /// rows `0..<y` of red and blue (`Columns.low`), of green and the fourth byte (`Columns.high`), then the
    /// same for the right half.
    private var runs: [SIMD8<UInt16>]

    init(symbols: SymbolSet) {
        families = symbols.families
        values = Array(repeating: .zero, count: symbols.glyphs.count + 4)
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
        let (runs, families) = (runs, families)
        values.withUnsafeMutableBufferPointer { values in
            runs.withUnsafeBufferPointer { runs in
                total = Self.left(runs, Glyph.rows) &+ Self.right(runs, Glyph.rows)
                var g = 0
                for family in families {
                    let glyphs = UnsafeMutableBufferPointer(rebasing: values[g...])
                    switch family {
                    case .upperHalf:
                        glyphs[0] = SIMD4(Self.left(runs, Glyph.rows / 2) &+ Self.right(runs, Glyph.rows / 2))
                    case .quadrants: Self.fillQuadrants(glyphs, runs: runs)
                    case .eighths: Self.fillEighths(glyphs, runs: runs, total: total)
                    case .sextants: Self.fillSextants(glyphs, runs: runs)
                    }
                    g += family.count
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

    /// The quadrants' glyphs (`Glyph.quadrantMasks`): each the sum of the quadrants its mask names.
    @inline(__always)
    private static func fillQuadrants(
        _ glyphs: UnsafeMutableBufferPointer<SIMD4<Float>>, runs: UnsafeBufferPointer<SIMD8<UInt16>>
    ) {
        let (half, end) = (Glyph.rows / 2, Glyph.rows)
        let (topLeft, topRight) = (left(runs, half), right(runs, half))
        let (bottomLeft, bottomRight) = (left(runs, end) &- topLeft, right(runs, end) &- topRight)
        for (i, mask) in Glyph.quadrantMasks.enumerated() {
            var sum = SIMD4<Int32>.zero
            if mask & 1 != 0 { sum &+= topLeft }
            if mask & 2 != 0 { sum &+= topRight }
            if mask & 4 != 0 { sum &+= bottomLeft }
            if mask & 8 != 0 { sum &+= bottomRight }
            glyphs[i] = SIMD4<Float>(sum)
        }
    }

    /// The eighths' glyphs (`Glyph.eighths`): for each size, the bottom rows, then the left columns.
    @inline(__always)
    private static func fillEighths(
        _ glyphs: UnsafeMutableBufferPointer<SIMD4<Float>>, runs: UnsafeBufferPointer<SIMD8<UInt16>>,
        total: SIMD4<Int32>
    ) {
        var fromLeft = SIMD4<Int32>.zero
        var x = 0
        for (i, k) in Glyph.eighthSizes.enumerated() {
            let top = Glyph.rows - 2 * k
            glyphs[2 * i] = SIMD4<Float>(total &- left(runs, top) &- right(runs, top))
            while x < k {
                fromLeft &+= column(runs, x)
                x += 1
            }
            glyphs[2 * i + 1] = SIMD4<Float>(fromLeft)
        }
    }

    /// The sextants' glyphs (`Glyph.sextantMasks`, every mask below 32 in order but 0 and `0b10101`): a mask's
    /// sum is that of its top two sixths (bits 0 and 1) plus that of the other three, each group's sums over
    /// its subsets worked out once, so every glyph costs one addition.
    @inline(__always)
    private static func fillSextants(
        _ glyphs: UnsafeMutableBufferPointer<SIMD4<Float>>, runs: UnsafeBufferPointer<SIMD8<UInt16>>
    ) {
        let t = Glyph.thirds
        let (topLeft, topRight) = (SIMD4<Float>(left(runs, t[1])), SIMD4<Float>(right(runs, t[1])))
        let middleLeft = SIMD4<Float>(left(runs, t[2]) &- left(runs, t[1]))
        let middleRight = SIMD4<Float>(right(runs, t[2]) &- right(runs, t[1]))
        let bottomLeft = SIMD4<Float>(left(runs, t[3]) &- left(runs, t[2]))
        let topBoth = topLeft + topRight
        @inline(__always) func put(_ mask: Int, _ sum: SIMD4<Float>) {
            if mask != 0, mask != 0b10101 { glyphs[mask - 1 - (mask > 0b10101 ? 1 : 0)] = sum }
        }
        // Spelled out per group of four masks, so every index is a constant.
        @inline(__always) func four(_ rest: Int, _ below: SIMD4<Float>) {
            put(4 * rest, below)
            put(4 * rest + 1, below + topLeft)
            put(4 * rest + 2, below + topRight)
            put(4 * rest + 3, below + topBoth)
        }
        let middleBoth = middleLeft + middleRight
        four(0, .zero)
        four(1, middleLeft)
        four(2, middleRight)
        four(3, middleBoth)
        four(4, bottomLeft)
        four(5, bottomLeft + middleLeft)
        four(6, bottomLeft + middleRight)
        four(7, bottomLeft + middleBoth)
    }
}
