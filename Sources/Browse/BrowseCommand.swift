/// What a key asks for. The sheet and the enlarged view read the same keys; `q` and Esc mean "back" in the
/// enlarged view and "quit" (`q` only) on the sheet, which the caller decides from where it is.
public enum BrowseCommand: Sendable, Hashable {
    case move(SheetSelection.Move)
    /// Enter or Space: show the highlighted image alone.
    case open
    /// Esc: back to the sheet.
    case back
    /// `q`: back to the sheet from the enlarged view; the end of the run on the sheet.
    case quit
    case info
    case save
    /// Fetch an image again whose spooled body was dropped.
    case refetch
    case help

    /// The command a key gives, or nil for a key with no meaning here.
    public init?(_ key: KeyEvent) {
        switch key {
        case .up, .wheelUp: self = .move(.up)
        case .down, .wheelDown: self = .move(.down)
        case .left: self = .move(.left)
        case .right: self = .move(.right)
        case .home: self = .move(.rowStart)
        case .end: self = .move(.rowEnd)
        case .pageUp: self = .move(.pageUp)
        case .pageDown: self = .move(.pageDown)
        case .enter, .space: self = .open
        case .escape: self = .back
        case .click(let position): self = .move(.click(position))
        case .character(let scalar):
            guard let command = Self.letters[scalar] else { return nil }
            self = command
        }
    }

    /// The letter keys: vi's `h j k l` for the arrows, the rest by their initial.
    static let letters: [Unicode.Scalar: BrowseCommand] = [
        "h": .move(.left), "j": .move(.down), "k": .move(.up), "l": .move(.right),
        "n": .move(.next), "p": .move(.previous),
        "i": .info, "s": .save, "r": .refetch, "q": .quit, "?": .help,
    ]
}
