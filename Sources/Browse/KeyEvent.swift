public import Render

/// One key or mouse action read from the terminal, whichever encoding the terminal used for it.
///
/// Physical keys only: what a key means on the sheet or in the enlarged view is `BrowseCommand`'s business,
/// so the parser can be tested against byte sequences alone.
public enum KeyEvent: Sendable, Hashable {
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    /// CR, LF or the keypad's Enter (`SS3 M`).
    case enter
    case space
    /// A lone ESC: no sequence followed it within the parser's escape timeout.
    case escape
    /// A printable ASCII character other than space.
    case character(Unicode.Scalar)
    /// The left button pressed over a cell (zero-based, like every `CellPosition`).
    case click(CellPosition)
    case wheelUp
    case wheelDown
}
