import Render

/// Just enough of a terminal to check frames: CUP, SGR 0, 7 and 27, EL 2, and printable text, one character per
/// cell. Anything else in the frame is skipped.
struct ScreenModel {
    var rows: [String]
    var inverse: [[Bool]]
    private var cells: [[Character]]

    init(_ size: CellSize, _ frame: [UInt8]) {
        cells = Array(repeating: Array(repeating: " ", count: size.columns), count: size.rows)
        inverse = Array(repeating: Array(repeating: false, count: size.columns), count: size.rows)
        rows = []
        apply(frame)
    }

    subscript(row: Int, column: Int) -> Character { cells[row][column] }

    private mutating func apply(_ frame: [UInt8]) {
        let text = Array(String(decoding: frame, as: UTF8.self))
        var index = 0
        var row = 0
        var column = 0
        var reverse = false
        while index < text.count {
            if text[index] == "\u{1B}", index + 1 < text.count, text[index + 1] == "[" {
                var end = index + 2
                while end < text.count, !("@"..."~").contains(text[end]) { end += 1 }
                guard end < text.count else { break }
                let parameters = String(text[(index + 2)..<end])
                switch text[end] {
                case "H":
                    let numbers = parameters.split(separator: ";").map { Int($0) ?? 1 }
                    row = (numbers.first ?? 1) - 1
                    column = (numbers.count > 1 ? numbers[1] : 1) - 1
                case "m":
                    for parameter in parameters.split(separator: ";", omittingEmptySubsequences: false) {
                        if parameter == "0" || parameter.isEmpty || parameter == "27" { reverse = false }
                        if parameter == "7" { reverse = true }
                    }
                case "K" where parameters == "2":
                    cells[row] = Array(repeating: " ", count: cells[row].count)
                    inverse[row] = Array(repeating: false, count: cells[row].count)
                default: break
                }
                index = end + 1
                continue
            }
            if cells.indices.contains(row), cells[row].indices.contains(column) {
                cells[row][column] = text[index]
                inverse[row][column] = reverse
            }
            column += 1
            index += 1
        }
        rows = cells.map { String($0) }
    }
}
