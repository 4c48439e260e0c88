import Imaging
import Testing

@testable import Render

/// The fit's per-glyph sums and its colour bytes against plain ways of working them out written out here:
/// the sums must be the very same, or a glyph's score, and so a pick, could change.
struct CellSumsTests {
    /// A pseudo-random image of `size`.
    static func noise(_ size: PixelSize, seed: UInt64) -> Pixels {
        var generator = XorShift(state: seed)
        var image = Pixels(width: size.width, height: size.height, filledWith: RGB(0, 0, 0))
        for y in 0..<size.height {
            for x in 0..<size.width {
                image[x, y] = RGB(
                    .random(in: 0...255, using: &generator), .random(in: 0...255, using: &generator),
                    .random(in: 0...255, using: &generator))
            }
        }
        return image
    }

    /// The code sum over `rectangles` of the cell at `(left, top)`, sample by sample, edges repeated.
    static func sum(
        _ rectangles: [(x0: Int, y0: Int, x1: Int, y1: Int)], _ image: Pixels, left: Int, top: Int
    ) -> SIMD4<Float> {
        var sum = SIMD4<Int32>.zero
        for r in rectangles {
            for y in r.y0..<r.y1 {
                for x in r.x0..<r.x1 {
                    let rgb = image[min(left + x, image.width - 1), min(top + y, image.height - 1)]
                    sum &+= SIMD4(Int32(rgb.r), Int32(rgb.g), Int32(rgb.b), 0)
                }
            }
        }
        return SIMD4<Float>(sum)
    }

    /// Whole cells, and cells cut by the image's right and bottom edges, whose samples repeat the last ones.
    @Test(arguments: SymbolSet.allCases, [PixelSize(width: 24, height: 32), PixelSize(width: 13, height: 21)])
    func eachGlyphsSumIsTheSumOfItsInkSamples(symbols: SymbolSet, size: PixelSize) {
        let image = Self.noise(size, seed: UInt64(size.width * 1000 + size.height))
        var fitter = CellFitter(symbols: symbols)
        for top in stride(from: 0, to: size.height, by: Glyph.rows) {
            for left in stride(from: 0, to: size.width, by: Glyph.columns) {
                image.bytes.withUnsafeBufferPointer { fitter.load($0, size: size, left: left, top: top) }
                fitter.withRegions { regions in
                    let cell = [(x0: 0, y0: 0, x1: Glyph.columns, y1: Glyph.rows)]
                    #expect(SIMD4<Float>(regions.total) == Self.sum(cell, image, left: left, top: top))
                    for (g, glyph) in symbols.glyphs.enumerated() {
                        let expected = Self.sum(glyph.rectangles, image, left: left, top: top)
                        #expect(regions.codes[g] == expected, "glyph \(g) at \(left), \(top)")
                    }
                }
            }
        }
    }

    /// The linear-light table, entry by entry, against running sums worked out a channel and a sample at a
    /// time in the table's order (along each row, then down each column), edges repeated.
    @Test(arguments: [PixelSize(width: 24, height: 32), PixelSize(width: 13, height: 21)])
    func lightTableHoldsTheRunningSumsOfEachSample(size: PixelSize) {
        let image = Self.noise(size, seed: UInt64(size.width + size.height))
        var fitter = CellFitter(symbols: .all)
        for top in stride(from: 0, to: size.height, by: Glyph.rows) {
            for left in stride(from: 0, to: size.width, by: Glyph.columns) {
                image.bytes.withUnsafeBufferPointer { fitter.load($0, size: size, left: left, top: top) }
                var above = [SIMD4<Float>](repeating: .zero, count: CellFitter.stride)
                for y in 0..<Glyph.rows {
                    var run = SIMD4<Float>.zero
                    for x in 0..<Glyph.columns {
                        let rgb = image[min(left + x, size.width - 1), min(top + y, size.height - 1)]
                        run.x += SRGB.toLinear[Int(rgb.r)]
                        run.y += SRGB.toLinear[Int(rgb.g)]
                        run.z += SRGB.toLinear[Int(rgb.b)]
                        above[x + 1] += run
                    }
                    #expect(Array(fitter.light[((y + 1) * CellFitter.stride)...].prefix(CellFitter.stride)) == above)
                }
            }
        }
    }

    /// The batched search for the best glyph besides the space against scoring glyph after glyph, on noisy
    /// cells and on flat ones, where every glyph scores about the same: the same glyph and the same score.
    @Test(arguments: SymbolSet.allCases)
    func bestOtherGlyphIsTheFirstBestOfAOneByOneSearch(symbols: SymbolSet) {
        let size = PixelSize(width: 4 * Glyph.columns, height: 2 * Glyph.rows)
        let flat = Pixels(width: size.width, height: size.height, filledWith: RGB(90, 140, 30))
        var fitter = CellFitter(symbols: symbols)
        for image in [Self.noise(size, seed: 7), flat] {
            for top in stride(from: 0, to: size.height, by: Glyph.rows) {
                for left in stride(from: 0, to: size.width, by: Glyph.columns) {
                    image.bytes.withUnsafeBufferPointer { fitter.load($0, size: size, left: left, top: top) }
                    fitter.withRegions { regions in
                        let total = PerceptualMetric.apply(regions.total)
                        var (glyph, score) = (0, -Float.infinity)
                        for g in symbols.glyphs.indices.dropFirst() {
                            let ink = regions.codes[g]
                            let luma = 0.2126 * ink.x + 0.7152 * ink.y + 0.0722 * ink.z
                            let metric = SIMD3(luma, 0.5 * (ink.z - luma), 0.5 * (ink.x - luma))
                            let paper = total - metric
                            let n = fitter.inkCounts[g]
                            let s = (metric * metric).sum() / n + (paper * paper).sum() / (CellFitter.samples - n)
                            if s > score { (glyph, score) = (g, s) }
                        }
                        let found = fitter.bestOtherGlyph(regions)
                        #expect(found.glyph == glyph && found.score == score, "\(symbols) at \(left), \(top)")
                    }
                }
            }
        }
    }

    /// Each colour sent through `Escape` when it changes, one combined SGR when both do, no foreground for a
    /// space: what the writer's bytes must be.
    static func written(_ cells: [(glyph: [UInt8], ink: TerminalColor, paper: TerminalColor)]) -> [UInt8] {
        var bytes: [UInt8] = []
        var (foreground, background): (TerminalColor?, TerminalColor?) = (nil, nil)
        for (glyph, ink, paper) in cells {
            let isSpace = glyph == Array(" ".utf8) || ink == paper
            let inkChanged = !isSpace && ink != foreground
            switch (inkChanged, paper != background) {
            case (true, true): bytes.append(.colors(foreground: ink, background: paper))
            case (true, false): bytes.append(.foreground(ink))
            case (false, true): bytes.append(.background(paper))
            case (false, false): break
            }
            if inkChanged { foreground = ink }
            background = paper
            bytes += isSpace ? Array(" ".utf8) : glyph
        }
        bytes.append(.resetAttributes)
        return bytes
    }

    /// Cells of every palette and truecolor colour, changing one, both or neither colour from cell to cell.
    @Test func writerSendsWhatEscapeWritesForEachChange() {
        let colours =
            (0..<16).map { TerminalColor.ansi(UInt8($0)) } + (0..<256).map { .palette(UInt8($0)) }
            + [.rgb(RGB(1, 2, 3)), .rgb(RGB(255, 255, 255))]
        let glyphs = [" ", "\u{2580}", "\u{1FB00}", "x"].map { Array($0.utf8) }
        var generator = XorShift(state: 20)
        var cells: [(glyph: [UInt8], ink: TerminalColor, paper: TerminalColor)] = []
        var (ink, paper) = (colours[0], colours[1])
        for _ in 0..<5000 {
            let change = Int.random(in: 0..<4, using: &generator)
            if change & 1 != 0 { ink = colours.randomElement(using: &generator) ?? ink }
            if change & 2 != 0 { paper = colours.randomElement(using: &generator) ?? paper }
            cells.append((glyphs.randomElement(using: &generator) ?? [], ink, paper))
        }
        var writer = CellWriter(capacity: 0, collapsesToSpace: true)
        for cell in cells { writer.cell(cell.glyph, ink: cell.ink, paper: cell.paper) }
        #expect(writer.finish() == Self.written(cells))
    }
}
