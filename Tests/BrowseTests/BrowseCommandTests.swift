import Render
import Testing

@testable import Browse

@Suite struct BrowseCommandTests {
    @Test func viKeysAreArrows() {
        #expect(BrowseCommand(.character("h")) == BrowseCommand(.left))
        #expect(BrowseCommand(.character("j")) == BrowseCommand(.down))
        #expect(BrowseCommand(.character("k")) == BrowseCommand(.up))
        #expect(BrowseCommand(.character("l")) == BrowseCommand(.right))
    }

    @Test func everyKeyOfTheIssueHasACommand() {
        #expect(BrowseCommand(.enter) == .open)
        #expect(BrowseCommand(.space) == .open)
        #expect(BrowseCommand(.escape) == .back)
        #expect(BrowseCommand(.home) == .move(.rowStart))
        #expect(BrowseCommand(.pageDown) == .move(.pageDown))
        #expect(
            BrowseCommand(.click(CellPosition(row: 1, column: 2))) == .move(.click(CellPosition(row: 1, column: 2))))
        let letters: [(Unicode.Scalar, BrowseCommand)] = [
            ("n", .move(.next)), ("p", .move(.previous)), ("i", .info), ("s", .save), ("r", .refetch),
            ("q", .quit), ("?", .help),
        ]
        for (letter, command) in letters {
            #expect(BrowseCommand(.character(letter)) == command)
        }
        #expect(BrowseCommand(.character("x")) == nil)
        #expect(BrowseCommand(.character("Q")) == nil)
    }

    @Test func helpNamesEveryKeyAndFitsTheWidth() {
        let text = HelpText.lines(width: 200).joined(separator: "\n")
        for key in ["h j k l", "Home", "PgUp", "click", "Enter", "n p", "i ", "s ", "r ", "Esc q", "?"] {
            #expect(text.contains(key), "\(key)")
        }
        for width in [1, 10, 30, 79] {
            #expect(HelpText.lines(width: width).allSatisfy { DisplayWidth.of($0) <= width })
        }
    }

    @Test func helpOverlayIsReverseVideoInsideTheWindow() {
        let window = CellSize(columns: 80, rows: 24)
        let screen = ScreenModel(window, HelpText.overlay(in: window))
        let row = screen.rows.firstIndex { $0.contains("Keys") }
        #expect(row != nil)
        if let row {
            let column = screen.rows[row].distance(
                from: screen.rows[row].startIndex, to: screen.rows[row].firstRange(of: "Keys")!.lowerBound)
            #expect(screen.inverse[row][column])
        }
        #expect(HelpText.overlay(in: CellSize(columns: 80, rows: 5)).isEmpty, "no room: nothing drawn")
    }
}
