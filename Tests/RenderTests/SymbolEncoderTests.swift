import Imaging
import Render
import Testing

/// The symbol encoder on synthetic cells of `SymbolEncoderTests.cell` samples, whose right answer is known.
struct SymbolEncoderTests {
    /// One cell's worth of samples.
    static let cell = SymbolEncoder(symbols: .all, dither: .none).pixelBox(for: CellSize(columns: 1, rows: 1))

    static func image(_ size: PixelSize, _ colour: (Int, Int) -> RGB) -> Pixels {
        var image = Pixels(width: size.width, height: size.height, filledWith: RGB(0, 0, 0))
        for y in 0..<size.height {
            for x in 0..<size.width { image[x, y] = colour(x, y) }
        }
        return image
    }

    /// The glyphs in `bytes`, CSI sequences removed.
    static func glyphs(_ bytes: [UInt8]) -> [Character] {
        var text: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x1b {
                i += 2
                while i < bytes.count, !(0x40...0x7e).contains(bytes[i]) { i += 1 }
            } else {
                text.append(bytes[i])
            }
            i += 1
        }
        return Array(String(decoding: text, as: UTF8.self))
    }

    static func encode(_ image: Pixels, _ symbols: SymbolSet, _ colors: ColorMode = .trueColor) -> [UInt8] {
        SymbolEncoder(symbols: symbols, quantizer: ColorQuantizer(mode: colors), dither: .none)
            .encode(image, at: CellPosition(row: 0, column: 0))
    }

    @Test(arguments: [SymbolSet.quad, .sextant, .block, .all])
    func verticalEdgePicksALeftRightSplit(symbols: SymbolSet) {
        let image = Self.image(Self.cell) { x, _ in x < Self.cell.width / 2 ? RGB(20, 40, 200) : RGB(250, 240, 10) }
        let glyphs = Self.glyphs(Self.encode(image, symbols))
        #expect(glyphs == ["\u{258C}"] || glyphs == ["\u{2590}"], "\(glyphs)")
    }

    @Test(arguments: [SymbolSet.quad, .all])
    func diagonalPicksAQuadrantOrAWedge(symbols: SymbolSet) {
        let (w, h) = (Self.cell.width, Self.cell.height)
        // Ink where the pixel's centre is above the diagonal from the bottom-left to the top-right corner.
        let image = Self.image(Self.cell) { x, y in
            (2 * x + 1) * h + (2 * y + 1) * w < 2 * w * h ? RGB(255, 255, 255) : RGB(0, 0, 0)
        }
        let glyphs = Self.glyphs(Self.encode(image, symbols))
        #expect(glyphs.count == 1)
        let glyph = glyphs.first
        let quadrants: Set<Character> = ["\u{2596}", "\u{2597}", "\u{2598}", "\u{259D}"]
        // Sextants whose ink is a corner staircase (U+1FB00…U+1FB3B) count as wedges.
        let isSextant = glyph.map { ("\u{1FB00}"..."\u{1FB3B}").contains($0) } ?? false
        #expect(glyph.map(quadrants.contains) == true || (symbols == .all && isSextant), "\(String(describing: glyph))")
    }

    @Test(arguments: SymbolSet.allCases)
    func flatCellIsASpaceWithABackground(symbols: SymbolSet) {
        guard symbols != .half else { return }
        let image = Pixels(width: Self.cell.width, height: Self.cell.height, filledWith: RGB(12, 34, 56))
        let text = String(decoding: Self.encode(image, symbols), as: UTF8.self)
        #expect(text == "\u{1b}[1;1H\u{1b}[48;2;12;34;56m \u{1b}[0m")
    }

    /// A picture with edges in every direction and smooth parts, over several cells.
    static let busy = image(PixelSize(width: cell.width * 6, height: cell.height * 3)) { x, y in
        let ring = ((x - 20) * (x - 20) + (y - 24) * (y - 24)) < 400
        return ring ? RGB(UInt8(x * 5 % 256), 30, 200) : RGB(UInt8(y * 5 % 256), UInt8((x + y) % 256), 90)
    }

    @Test(arguments: SymbolSet.allCases, ColorMode.allCases)
    func onlyGlyphsOfTheChosenSetAppear(symbols: SymbolSet, colors: ColorMode) {
        let allowed: [SymbolSet: String] = [
            .half: "\u{2580}",
            .quad: " \u{2580}\u{258C}\u{2598}\u{259D}\u{2596}\u{2597}\u{259A}",
            .block: " \u{2580}\u{258C}\u{2598}\u{259D}\u{2596}\u{2597}\u{259A}▁▂▃▅▆▇▏▎▍▋▊▉",
        ]
        let glyphs = Self.glyphs(Self.encode(Self.busy, symbols, colors))
        #expect(glyphs.count == 18)
        for glyph in glyphs {
            switch symbols {
            case .half, .quad, .block:
                #expect(allowed[symbols]!.contains(glyph), "\(glyph) in \(symbols)")
            case .sextant:
                #expect(allowed[.quad]!.contains(glyph) || ("\u{1FB00}"..."\u{1FB3B}").contains(glyph))
            case .all:
                #expect(allowed[.block]!.contains(glyph) || ("\u{1FB00}"..."\u{1FB3B}").contains(glyph))
            }
        }
    }

    @Test func pixelBoxGivesEightByEightSamplesPerCellAndTheFootprintRoundsUp() {
        let encoder = SymbolEncoder(symbols: .block, dither: .none)
        #expect(encoder.pixelBox(for: CellSize(columns: 30, rows: 10)) == PixelSize(width: 240, height: 160))
        #expect(encoder.footprint(of: PixelSize(width: 241, height: 160)) == CellSize(columns: 31, rows: 10))
    }

    /// `--symbols half --dither none` with xterm's palette is the half-block encoder, byte for byte.
    @Test(arguments: ColorMode.allCases)
    func halfWithoutDitherIsTheHalfBlockEncoderByteForByte(colors: ColorMode) {
        let encoder = TextRendering(symbols: .half, dither: .none).encoder(colors: colors)
        let box = encoder.pixelBox(for: CellSize(columns: 30, rows: 10))
        #expect(box == HalfBlockEncoder(colorMode: colors).pixelBox(for: CellSize(columns: 30, rows: 10)))
        let image = ThumbnailFit.resample(Self.busy, box)
        let origin = CellPosition(row: 2, column: 3)
        #expect(encoder.encode(image, at: origin) == HalfBlockEncoder(colorMode: colors).encode(image, at: origin))
    }

    /// Sextants only where the terminal draws them itself; never inside tmux or screen, even within kitty.
    @Test func sextantsAreChosenOnlyWhereTheTerminalIsKnownToDrawThem() {
        #expect(SymbolSet.preferred(environment: ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"]) == .all)
        #expect(SymbolSet.preferred(environment: ["TERM": "foot"]) == .all)
        #expect(SymbolSet.preferred(environment: ["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"]) == .all)
        #expect(SymbolSet.preferred(environment: ["TERM": "xterm-256color"]) == .block)
        #expect(
            SymbolSet.preferred(environment: ["TERM": "tmux-256color", "TMUX": "/tmp/t,1,0", "KITTY_WINDOW_ID": "1"])
                == .block)
        #expect(SymbolSet.preferred(environment: ["TERM": "screen", "STY": "1.pts", "KITTY_WINDOW_ID": "1"]) == .block)
    }

    /// A cell split between two palette entries keeps the split, painted with exactly those two entries.
    @Test(arguments: [
        (ColorMode.palette256, RGB(0, 0, 255), RGB(255, 255, 0), "38;5;21", "48;5;226"),
        (.ansi16, RGB(205, 0, 0), RGB(229, 229, 229), "31", "47"),
    ])
    func paletteEdgeKeepsItsSplitWithTheExactEntries(
        colors: ColorMode, left: RGB, right: RGB, foreground: String, background: String
    ) {
        let image = Self.image(Self.cell) { x, _ in x < Self.cell.width / 2 ? left : right }
        let bytes = Self.encode(image, .all, colors)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Self.glyphs(bytes) == ["\u{258C}"], "\(text.debugDescription)")
        #expect(text.contains(foreground) && text.contains(background), "\(text.debugDescription)")
    }

    /// In 16 colours a dark vivid cell keeps its lightness with the entry of its hue rather than going black,
    /// and a grey cell stays grey rather than taking a vivid entry of about its luma (light blue for grey 70).
    @Test(arguments: [(RGB(10, 20, 110), "44"), (RGB(70, 70, 70), "100")])
    func sixteenColourCellsKeepLightnessAndGreysStayGrey(colour: RGB, background: String) {
        let image = Pixels(width: Self.cell.width, height: Self.cell.height, filledWith: colour)
        let text = String(decoding: Self.encode(image, .all, .ansi16), as: UTF8.self)
        #expect(text == "\u{1b}[1;1H\u{1b}[\(background)m \u{1b}[0m", "\(text.debugDescription)")
    }

    /// No grey, from black to white, is drawn with a tinted entry in 16 colours: only black, grey, light grey or
    /// white (SGR 40, 100, 47, 107).
    @Test func everyGreyStaysGreyInSixteenColours() {
        for level in stride(from: 0, through: 255, by: 3) {
            let grey = UInt8(level)
            let image = Pixels(width: Self.cell.width, height: Self.cell.height, filledWith: RGB(grey, grey, grey))
            let text = String(decoding: Self.encode(image, .all, .ansi16), as: UTF8.self)
            let greys = ["40", "100", "47", "107"].map { "\u{1b}[1;1H\u{1b}[\($0)m \u{1b}[0m" }
            #expect(greys.contains(text), "grey \(level): \(text.debugDescription)")
        }
    }
}
