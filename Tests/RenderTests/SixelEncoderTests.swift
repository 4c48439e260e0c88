import Imaging
import Render
import Testing

struct SixelEncoderTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func decode(_ bytes: [UInt8]) throws -> DecodedSixel {
        let body = try #require(
            EscapeScanner.pieces(bytes).lazy.compactMap { piece -> [UInt8]? in
                if case .dcs(let body) = piece { body } else { nil }
            }.first)
        return try #require(DecodedSixel(dcs: body))
    }

    @Test func twoByTwoGoldenBytes() {
        let bytes = SixelEncoder().encode(TestImages.twoByTwo, at: CellPosition(row: 0, column: 0))
        let expected =
            "\u{1b}[1;1H\u{1b}P0;1;0q\"1;1;2;2"
            + "#0;2;100;0;0#1;2;0;100;0#2;2;0;0;100#3;2;100;100;100"
            + "#0@$#1?@$#2A$#3?A\u{1b}\\"
        #expect(Self.text(bytes) == expected)
    }

    @Test func threeByFiveGoldenBytes() {
        let bytes = SixelEncoder().encode(TestImages.threeByFive, at: CellPosition(row: 2, column: 7))
        let expected =
            "\u{1b}[3;8H\u{1b}P0;1;0q\"1;1;3;5"
            + "#0;2;0;0;0#1;2;100;0;0#2;2;0;0;100"
            + "#0BBB$#1[[$#2??[\u{1b}\\"
        #expect(Self.text(bytes) == expected)
    }

    /// Two bands: rows 0–5 then 6–7, separated by `-`; a flat row of eight is one `!8` run.
    @Test func runsAndBands() {
        let image = Pixels(width: 8, height: 8, filledWith: RGB(0, 51, 255))
        let expected = "\u{1b}[1;1H\u{1b}P0;1;0q\"1;1;8;8#0;2;0;20;100#0!8~-#0!8B\u{1b}\\"
        #expect(Self.text(SixelEncoder().encode(image, at: CellPosition(row: 0, column: 0))) == expected)
    }

    @Test(arguments: [TestImages.twoByTwo, TestImages.threeByFive])
    func fewColoursRoundTripWithinPercentRounding(_ image: Pixels) throws {
        let decoded = try Self.decode(SixelEncoder().encode(image, at: CellPosition(row: 0, column: 0)))
        #expect(decoded.declaredWidth == image.width && decoded.declaredHeight == image.height)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = try #require(decoded[x, y])
                #expect(TestImages.distance(pixel, image[x, y]) <= 2)
            }
        }
    }

    /// 24×18 has 432 distinct colours; with 16 registers median cut keeps the picture recognisable.
    @Test(arguments: [16, 64, 256])
    func manyColoursAreQuantizedToTheRegisterCount(registers: Int) throws {
        let image = TestImages.gradient(width: 24, height: 18)
        let bytes = SixelEncoder(colorRegisters: registers).encode(image, at: CellPosition(row: 0, column: 0))
        let decoded = try Self.decode(bytes)
        #expect(decoded.registers.count <= registers)
        #expect(decoded.registers.keys.allSatisfy { $0 < registers })
        var total = 0
        var worst = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = try #require(decoded[x, y], "pixel \(x),\(y) left unpainted")
                let d = TestImages.distance(pixel, image[x, y])
                total += d
                worst = max(worst, d)
            }
        }
        let mean = Double(total) / Double(image.width * image.height)
        // Generous for 16 colours, tight for 256.
        #expect(mean < (registers == 16 ? 24 : registers == 64 ? 12 : 6), "mean error \(mean)")
        #expect(worst < (registers == 16 ? 80 : 40), "worst error \(worst)")
    }

    /// Rows below the image in its last band are never painted, so the caption under it survives.
    @Test func lastBandPaddingStaysUnpainted() throws {
        let image = Pixels(width: 4, height: 7, filledWith: RGB(200, 10, 10))
        let decoded = try Self.decode(SixelEncoder().encode(image, at: CellPosition(row: 0, column: 0)))
        #expect(decoded.height == 7)
    }

    @Test func registerCountIsClamped() {
        #expect(SixelEncoder(colorRegisters: 0).colorRegisters == 1)
        #expect(SixelEncoder(colorRegisters: 4096).colorRegisters == 256)
    }

    @Test func paletteKeepsExactColoursWhenTheyFit() {
        let palette = SixelPalette(TestImages.twoByTwo, maximumColors: 4)
        #expect(palette.colors == [RGB(255, 0, 0), RGB(0, 255, 0), RGB(0, 0, 255), RGB(255, 255, 255)])
        #expect(palette.indices == [0, 1, 2, 3])
    }

    @Test func medianCutIsDeterministicAndBounded() {
        let image = TestImages.gradient(width: 30, height: 30)
        let a = SixelPalette(image, maximumColors: 8)
        let b = SixelPalette(image, maximumColors: 8)
        #expect(a == b)
        #expect(a.colors.count == 8)
        #expect(a.indices.allSatisfy { $0 < 8 })
    }
}
