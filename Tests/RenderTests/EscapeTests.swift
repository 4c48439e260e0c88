import Imaging
import Render
import Testing

struct EscapeTests {
    static func text(_ escape: Escape) -> String { String(decoding: escape.bytes, as: UTF8.self) }

    @Test func cursorPositionIsOneBasedOnTheWire() {
        #expect(Self.text(.cursorPosition(CellPosition(row: 0, column: 0))) == "\u{1b}[1;1H")
        #expect(Self.text(.cursorPosition(CellPosition(row: 49, column: 159))) == "\u{1b}[50;160H")
    }

    @Test func fixedSequences() {
        #expect(Self.text(.hideCursor) == "\u{1b}[?25l")
        #expect(Self.text(.showCursor) == "\u{1b}[?25h")
        #expect(Self.text(.resetAttributes) == "\u{1b}[0m")
        #expect(Self.text(.eraseToEndOfLine) == "\u{1b}[K")
        #expect(Self.text(.eraseLine) == "\u{1b}[2K")
        #expect(Self.text(.eraseScreen) == "\u{1b}[2J")
        #expect(Self.text(.cursorUp(3)) == "\u{1b}[3A")
        #expect(Self.text(.cursorColumn(0)) == "\u{1b}[1G")
    }

    @Test func colourEncodings() {
        #expect(Self.text(.foreground(.rgb(RGB(1, 20, 255)))) == "\u{1b}[38;2;1;20;255m")
        #expect(Self.text(.background(.palette(0))) == "\u{1b}[48;5;0m")
        #expect(Self.text(.foreground(.ansi(7))) == "\u{1b}[37m")
        #expect(Self.text(.foreground(.ansi(8))) == "\u{1b}[90m")
        #expect(Self.text(.background(.ansi(15))) == "\u{1b}[107m")
        #expect(Self.text(.background(.ansi(0))) == "\u{1b}[40m")
    }

    @Test func negativeCountsNeverProduceAMinusSign() {
        #expect(Self.text(.cursorUp(-4)) == "\u{1b}[0A")
    }
}
