public import Render

/// What each key does where the user is: on the sheet, in the enlarged view, or with the help shown. Pure: it turns
/// keys into `Action`s that the live view carries out (draw, decode, save, fetch again, quit), so every rule of the
/// keys can be tested without a terminal.
///
/// The highlight and the enlarged image are one: `n` and `p` in the enlarged view move the highlight too, so the
/// sheet shows it on the image last looked at. The grid's scroll position stays with the screen that draws it;
/// the session is told it with each key and answers with `scroll` when the highlight would leave the window.
public struct BrowseSession: Sendable {
    public enum Place: Sendable, Hashable {
        case sheet
        /// One image alone; `facts` when its `i` line is on.
        case enlarged(slot: Int, facts: Bool)
        /// The key list over `under`, which comes back on any key.
        indirect case help(under: Place)
    }

    public enum Action: Sendable, Hashable {
        /// Put the grid's window at this row (redraw the grid), before the highlight is drawn again.
        case scroll(firstVisibleSlotRow: Int)
        /// Take the highlight off `from` and put it on `to` (`SlotHighlight.moving`).
        case highlight(from: Int?, to: Int)
        /// Show `slot` alone, with its facts line or not: decode its body at `EnlargedLayout`'s box and draw it.
        case enlarge(slot: Int, facts: Bool)
        /// Back to the sheet (leave the alternate screen) with the highlight on `slot`.
        case returnToSheet(slot: Int)
        case save(slot: Int)
        case refetch(slot: Int)
        case showHelp
        /// Take the help off: draw `Place` again.
        case hideHelp(Place)
        /// End the run, as Ctrl-C does but with the usual exit status.
        case quit
    }

    public private(set) var place = Place.sheet
    public private(set) var selection: SheetSelection

    public init(layout: GridLayout) {
        selection = SheetSelection(layout: layout)
    }

    /// `count` images are shown now; the first one brings the highlight.
    public mutating func shown(count: Int) -> [Action] {
        let before = selection.slot
        selection.show(count: count)
        guard before == nil, let slot = selection.slot else { return [] }
        return [.highlight(from: nil, to: slot)]
    }

    /// The sheet was laid out again; on the sheet the caller redraws everything, then the highlight.
    public mutating func relayout(_ layout: GridLayout) -> [Action] {
        selection.relayout(layout)
        guard place == .sheet, let slot = selection.slot else { return [] }
        return [.highlight(from: nil, to: slot)]
    }

    /// The actions a key asks for; none for a key with no meaning where the user is, or before any image is shown.
    public mutating func handle(_ key: KeyEvent, firstVisibleSlotRow: Int = 0) -> [Action] {
        guard let command = BrowseCommand(key) else { return place.isHelp ? hideHelp() : [] }
        switch place {
        case .help:
            return hideHelp()
        case .sheet:
            return onSheet(command, firstVisibleSlotRow: firstVisibleSlotRow)
        case .enlarged(let slot, let facts):
            return enlarged(command, slot: slot, facts: facts)
        }
    }

    private mutating func onSheet(_ command: BrowseCommand, firstVisibleSlotRow: Int) -> [Action] {
        if command == .quit { return [.quit] }
        if command == .help {
            place = .help(under: place)
            return [.showHelp]
        }
        guard let slot = selection.slot else { return [] }
        switch command {
        case .move(let move):
            guard selection.apply(move, firstVisibleSlotRow: firstVisibleSlotRow), let new = selection.slot else {
                return []
            }
            let row = selection.firstVisibleSlotRow(from: firstVisibleSlotRow)
            let scroll: [Action] = row == firstVisibleSlotRow ? [] : [.scroll(firstVisibleSlotRow: row)]
            return scroll + [.highlight(from: scroll.isEmpty ? slot : nil, to: new)]
        case .open, .info:
            place = .enlarged(slot: slot, facts: command == .info)
            return [.enlarge(slot: slot, facts: command == .info)]
        case .save: return [.save(slot: slot)]
        case .refetch: return [.refetch(slot: slot)]
        case .back, .quit, .help: return []
        }
    }

    private mutating func enlarged(_ command: BrowseCommand, slot: Int, facts: Bool) -> [Action] {
        switch command {
        case .back, .quit:
            place = .sheet
            return [.returnToSheet(slot: slot)]
        case .move(let move):
            // In the enlarged view the arrows that make sense are "next" and "previous".
            let step: SheetSelection.Move? =
                switch move {
                case .next, .right, .down, .pageDown: .next
                case .previous, .left, .up, .pageUp: .previous
                default: nil
                }
            guard let step, selection.apply(step), let new = selection.slot else { return [] }
            place = .enlarged(slot: new, facts: facts)
            return [.enlarge(slot: new, facts: facts)]
        case .info:
            place = .enlarged(slot: slot, facts: !facts)
            return [.enlarge(slot: slot, facts: !facts)]
        case .save: return [.save(slot: slot)]
        case .refetch: return [.refetch(slot: slot)]
        case .help:
            place = .help(under: place)
            return [.showHelp]
        case .open: return []
        }
    }

    private mutating func hideHelp() -> [Action] {
        guard case .help(let under) = place else { return [] }
        place = under
        return [.hideHelp(under)]
    }
}

extension BrowseSession.Place {
    var isHelp: Bool {
        if case .help = self { true } else { false }
    }
}
