import Imaging
import Render
import Testing

/// Golden bytes for a 2×4 image: two cells wide, two cells tall. The second cell of the lower row keeps the
/// foreground of the first, so the "emit only what changed" rule shows up in the bytes.
struct HalfBlockEncoderTests {
    static let twoByFour: Pixels = {
        var image = Pixels(width: 2, height: 4, filledWith: RGB(0, 0, 0))
        image[0, 0] = RGB(255, 0, 0)
        image[1, 0] = RGB(0, 255, 0)
        image[0, 1] = RGB(0, 0, 255)
        image[1, 1] = RGB(255, 255, 255)
        image[0, 3] = RGB(128, 128, 128)
        image[1, 3] = RGB(255, 255, 255)
        return image
    }()

    static let block = "\u{2580}"

    @Test func trueColorGoldenBytes() {
        let bytes = HalfBlockEncoder(colorMode: .trueColor).encode(Self.twoByFour, at: CellPosition(row: 0, column: 0))
        let expected =
            "\u{1b}[1;1H\u{1b}[38;2;255;0;0;48;2;0;0;255m\(Self.block)"
            + "\u{1b}[38;2;0;255;0;48;2;255;255;255m\(Self.block)"
            + "\u{1b}[2;1H\u{1b}[38;2;0;0;0;48;2;128;128;128m\(Self.block)"
            + "\u{1b}[48;2;255;255;255m\(Self.block)\u{1b}[0m"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func palette256GoldenBytes() {
        let bytes = HalfBlockEncoder(colorMode: .palette256).encode(Self.twoByFour, at: CellPosition(row: 4, column: 9))
        let expected =
            "\u{1b}[5;10H\u{1b}[38;5;196;48;5;21m\(Self.block)"
            + "\u{1b}[38;5;46;48;5;231m\(Self.block)"
            + "\u{1b}[6;10H\u{1b}[38;5;16;48;5;244m\(Self.block)"
            + "\u{1b}[48;5;231m\(Self.block)\u{1b}[0m"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func ansi16GoldenBytes() {
        let bytes = HalfBlockEncoder(colorMode: .ansi16).encode(Self.twoByFour, at: CellPosition(row: 0, column: 0))
        let expected =
            "\u{1b}[1;1H\u{1b}[91;44m\(Self.block)"
            + "\u{1b}[92;107m\(Self.block)"
            + "\u{1b}[2;1H\u{1b}[30;100m\(Self.block)"
            + "\u{1b}[107m\(Self.block)\u{1b}[0m"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func oddHeightLeavesTheTerminalBackgroundUnderTheLastRow() {
        let image = Pixels(width: 1, height: 3, filledWith: RGB(10, 20, 30))
        let bytes = HalfBlockEncoder().encode(image, at: CellPosition(row: 0, column: 0))
        let expected =
            "\u{1b}[1;1H\u{1b}[38;2;10;20;30;48;2;10;20;30m\(Self.block)"
            + "\u{1b}[2;1H\u{1b}[49m\(Self.block)\u{1b}[0m"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func flatImageEmitsColoursOnce() {
        let image = Pixels(width: 5, height: 4, filledWith: RGB(1, 2, 3))
        let text = String(
            decoding: HalfBlockEncoder().encode(image, at: CellPosition(row: 0, column: 0)), as: UTF8.self)
        #expect(text.ranges(of: "38;2;").count == 1)
    }

    @Test func emptyImageEmitsNothing() {
        let image = Pixels(width: 0, height: 0, bytes: [])
        #expect(HalfBlockEncoder().encode(image, at: CellPosition(row: 3, column: 3)).isEmpty)
    }

    @Test func pixelBoxIsTwoPixelRowsPerCell() {
        let encoder = HalfBlockEncoder()
        #expect(encoder.pixelBox(for: CellSize(columns: 31, rows: 10)) == PixelSize(width: 31, height: 20))
        #expect(encoder.footprint(of: PixelSize(width: 31, height: 21)) == CellSize(columns: 31, rows: 11))
    }
}
