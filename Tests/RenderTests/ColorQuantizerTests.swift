import Imaging
import Render
import Testing

/// The 256- and 16-colour quantiser, with and without dithering, and the palette the terminal answers with.
struct ColorQuantizerTests {
    static let cell = SymbolEncoder(symbols: .block, dither: .none).pixelBox(for: CellSize(columns: 1, rows: 1))

    /// A mid-grey ramp, 40 cells wide and 4 tall, flat inside each cell: grey 88 on the left to 166 on the right.
    static let ramp: Pixels = {
        var image = Pixels(width: cell.width * 40, height: cell.height * 4, filledWith: RGB(0, 0, 0))
        for y in 0..<image.height {
            for x in 0..<image.width {
                let grey = UInt8(88 + 2 * (x / cell.width))
                image[x, y] = RGB(grey, grey, grey)
            }
        }
        return image
    }()

    /// The 16-colour codes of the backgrounds the bytes set (SGR 40–47, 100–107), cell by cell.
    static func backgrounds(_ bytes: [UInt8]) -> [Int] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\u{1b}[").compactMap { sequence -> Int? in
            guard let end = sequence.firstIndex(of: "m") else { return nil }
            return sequence[..<end].split(separator: ";").compactMap { Int($0) }
                .first { (40...47).contains($0) || (100...107).contains($0) }
        }
    }

    static func index(ofBackground code: Int) -> Int { code < 100 ? code - 40 : code - 100 + 8 }

    @Test(arguments: [Dither.diffusion, .ordered])
    func ditheredGreyRampUsesMoreThanTwoEntries(dither: Dither) {
        let encoder = SymbolEncoder(symbols: .block, quantizer: ColorQuantizer(mode: .ansi16), dither: dither)
        let used = Set(Self.backgrounds(encoder.encode(Self.ramp, at: CellPosition(row: 0, column: 0))))
        #expect(used.count > 2, "\(used)")
    }

    @Test func unditheredGreyRampUsesExactlyTheNearestEntryInEveryCell() {
        let quantizer = ColorQuantizer(mode: .ansi16)
        let encoder = SymbolEncoder(symbols: .block, quantizer: quantizer, dither: .none)
        let bytes = encoder.encode(Self.ramp, at: CellPosition(row: 0, column: 0))
        // Colours are sent only when they change: expand the row's changes back to one entry per cell.
        let nearest = (0..<40).map { Int(quantizer.nearestIndex(to: Self.ramp[$0 * Self.cell.width, 0])) }
        var expectedChanges: [Int] = []
        for row in 0..<4 {
            for (column, index) in nearest.enumerated()
            where (row == 0 && column == 0) || index != nearest[(column + 39) % 40] {
                expectedChanges.append(index)
            }
        }
        #expect(Self.backgrounds(bytes).map(Self.index(ofBackground:)) == expectedChanges)
        #expect(Set(nearest).count < 3, "a grey ramp this narrow lies between few entries")
    }

    @Test func quantiserSearchesInOklabNotRGB() {
        // Grey 60 is nearer black than grey 127 in sRGB codes, but looks nearer the grey: codes are not lightness.
        #expect(ColorQuantizer(mode: .ansi16).nearestIndex(to: RGB(60, 60, 60)) == 8)
        #expect(XtermPalette.nearest16(to: RGB(60, 60, 60)) == 0)
    }

    static let rethemed: [RGB] = (0..<16).map { (i: Int) -> RGB in
        RGB(UInt8(i * 16), UInt8(255 - i * 16), UInt8((i * 37) % 256))
    }

    static func osc4Answers(_ colours: [RGB]) -> String {
        colours.enumerated().map { index, colour in
            // Four hex digits per channel, as xterm answers: the byte repeated.
            let hex = [colour.r, colour.g, colour.b].map { (value: UInt8) -> String in
                let digits = String(value, radix: 16)
                let byte = value < 16 ? "0" + digits : digits
                return byte + byte
            }
            return "\u{1b}]4;\(index);rgb:\(hex.joined(separator: "/"))\u{1b}\\"
        }.joined()
    }

    @Test func paletteAnsweredByTheTerminalIsTheOneUsed() throws {
        let fake = try FakeTerminal(reply: Array((Self.osc4Answers(Self.rethemed) + "\u{1b}[?62;c").utf8))
        let answers = TerminalProbe.probe(
            environment: ["TERM": "xterm"], fileDescriptor: fake.slave, budget: .seconds(2))
        #expect(answers.palette == TerminalPalette(colours: Self.rethemed))
        #expect(fake.queriesHeard.starts(with: TerminalPalette.queries))

        // Entry 5 of the answered palette, drawn flat, comes out as entry 5 (SGR 45), not xterm's magenta.
        let image = Pixels(width: Self.cell.width, height: Self.cell.height, filledWith: Self.rethemed[5])
        let palette = try #require(answers.palette)
        let encoder = TextRendering(symbols: .block, dither: .none, palette: palette).encoder(colors: .ansi16)
        #expect(Self.backgrounds(encoder.encode(image, at: CellPosition(row: 0, column: 0))) == [45])
        #expect(ColorQuantizer(mode: .ansi16).nearestIndex(to: Self.rethemed[5]) != 5)
    }

    @Test func aTerminalThatIgnoresOSC4LeavesNoPalette() throws {
        let fake = try FakeTerminal(reply: Array("\u{1b}[?62;c".utf8))
        let answers = TerminalProbe.probe(
            environment: ["TERM": "xterm"], fileDescriptor: fake.slave, budget: .seconds(2))
        #expect(answers.palette == nil)
        #expect(answers.support.graphics == .blocks)
    }

    @Test func osc4AnswersWithOneToFourHexDigitsAndBELAreRead() {
        let bytes = Array("\u{1b}]4;1;rgb:f/80/ffff\u{07}\u{1b}]4;2;rgb:123/abc/000\u{1b}\\".utf8)
        let palette = TerminalPalette(parsing: bytes)
        #expect(palette?.colours[1] == RGB(255, 128, 255))
        #expect(palette?.colours[2] == RGB(18, 171, 0))
        #expect(palette?.colours[0] == XtermPalette.standard16[0])
    }
}
