import Render

/// Just enough of a VT100 to replay our frames: cursor addressing, erasing, printing and scrolling.
/// It records every cell a frame writes, so a test can say "this frame touched only slot k".
struct VirtualTerminal {
    let size: CellSize
    private(set) var cells: [[Character]]
    private(set) var cursor = CellPosition(row: 0, column: 0)
    private(set) var cursorVisible = true
    /// Cells written (printed or erased) since the last `resetTouched()`.
    private(set) var touched: Set<CellPosition> = []
    /// Writes that would land outside the screen; a correct frame never has any.
    private(set) var offscreenWrites = 0
    /// Escape sequences we do not understand, so a test notices when a frame emits something new.
    private(set) var unknownSequences: [String] = []

    init(_ size: CellSize) {
        self.size = size
        cells = Array(repeating: Array(repeating: " ", count: size.columns), count: size.rows)
    }

    mutating func resetTouched() {
        touched = []
        offscreenWrites = 0
    }

    /// The screen's text, one string per row, trailing blanks removed.
    var lines: [String] {
        cells.map { row in
            var line = String(row)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    mutating func feed(_ bytes: [UInt8]) {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            switch scalar {
            case "\u{1B}":
                i = csi(scalars, from: i)
                continue
            case "\n":
                lineFeed()
            case "\r":
                cursor.column = 0
            default:
                put(Character(scalar))
            }
            i += 1
        }
    }

    private mutating func csi(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        guard start + 1 < scalars.count, scalars[start + 1] == "[" else {
            unknownSequences.append("ESC without [")
            return start + 1
        }
        var i = start + 2
        var parameters = ""
        while i < scalars.count, !(0x40...0x7E).contains(scalars[i].value) {
            parameters.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard i < scalars.count else { return i }
        let final = scalars[i]
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let first = numbers.first.flatMap { $0 } ?? 0
        switch final {
        case "H":
            let row = numbers.count > 0 ? (numbers[0] ?? 1) : 1
            let column = numbers.count > 1 ? (numbers[1] ?? 1) : 1
            cursor = CellPosition(row: row - 1, column: column - 1)
        case "m":
            break
        case "K":
            let columns = first == 2 ? 0..<size.columns : cursor.column..<size.columns
            for column in columns { erase(CellPosition(row: cursor.row, column: column)) }
        case "J":
            let rows = first == 2 ? 0..<size.rows : cursor.row..<size.rows
            for row in rows {
                let from = (first != 2 && row == cursor.row) ? cursor.column : 0
                for column in from..<size.columns { erase(CellPosition(row: row, column: column)) }
            }
        case "l" where parameters == "?25": cursorVisible = false
        case "h" where parameters == "?25": cursorVisible = true
        default:
            unknownSequences.append(parameters + String(final))
        }
        return i + 1
    }

    private mutating func lineFeed() {
        if cursor.row + 1 < size.rows {
            cursor.row += 1
        } else {
            cells.removeFirst()
            cells.append(Array(repeating: " ", count: size.columns))
        }
    }

    private mutating func erase(_ position: CellPosition) {
        touched.insert(position)
        cells[position.row][position.column] = " "
    }

    private mutating func put(_ character: Character) {
        let width = DisplayWidth.of(String(character))
        guard (0..<size.rows).contains(cursor.row), cursor.column >= 0, cursor.column + width <= size.columns else {
            offscreenWrites += 1
            cursor.column += width
            return
        }
        touched.insert(cursor)
        cells[cursor.row][cursor.column] = character
        cursor.column += width
    }
}
