/// Positions and sizes measured in terminal character cells.
///
/// Everything in Render is zero-based (row 0 is the top line of the screen); only `Escape` converts to the
/// one-based coordinates that the terminal's CUP sequence expects, so off-by-one conversions live in one place.
public struct CellPosition: Sendable, Hashable {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// A size in character cells: `columns` wide, `rows` tall.
public struct CellSize: Sendable, Hashable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// The classic VT100 size, used when neither the kernel nor the environment can tell us better.
    public static let fallback = CellSize(columns: 80, rows: 24)
}

/// A rectangle of cells; `origin` is its top-left cell.
public struct CellRect: Sendable, Hashable {
    public var origin: CellPosition
    public var size: CellSize

    public init(origin: CellPosition, size: CellSize) {
        self.origin = origin
        self.size = size
    }

    public init(row: Int, column: Int, columns: Int, rows: Int) {
        self.init(origin: CellPosition(row: row, column: column), size: CellSize(columns: columns, rows: rows))
    }

    /// One past the last row, so `rows` in `origin.row..<endRow`.
    public var endRow: Int { origin.row + size.rows }
    /// One past the last column.
    public var endColumn: Int { origin.column + size.columns }

    public func contains(_ position: CellPosition) -> Bool {
        (origin.row..<endRow).contains(position.row) && (origin.column..<endColumn).contains(position.column)
    }
}
