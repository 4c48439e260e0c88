import Browse
import Render

/// `--browse` on the live view: keys are read on a thread of their own (`KeyReader`) and handled here, inside the
/// actor, so each key's frames go out in order with the downloads' fills and the progress lines.
extension LiveView {
    /// Lends the view what `s` and `r` need. Call before `begin()`.
    func attach(_ services: BrowseServices) {
        browse?.services = services
    }

    /// Whether keys are read: browsing asked for, and the terminal was ours to put in the browse input mode.
    var readsKeys: Bool { browse?.reader != nil }

    /// Returns once the user quits (`q` on the sheet, or the terminal went away), or when the calling task is
    /// cancelled (Ctrl-C); at once when no keys are read.
    func waitForQuit() async {
        guard readsKeys, let events = browse?.quitEvents else { return }
        for await _ in events { return }
    }

    /// Enters the browse input mode and starts reading keys; false when not browsing or started in the background
    /// (then the view drops its browsing and behaves as without `--browse`, quiet input included).
    func startBrowsing() -> Bool {
        guard let keys = browse?.keys else { return false }
        guard BrowseInputMode.enter(keys) else {
            browse = nil
            return false
        }
        screen.followsNewest = false
        terminal.draw(BrowseInputMode.enterBytes, turningOn: BrowseInputMode.modes)
        let reader = KeyReader(fileDescriptor: keys, typedAhead: TypedAhead.take())
        browse?.reader = reader
        browse?.keyTask = Task {
            for await key in reader.events { handle(key) }
            browse?.quit.yield()
        }
        return true
    }

    /// A sheet frame: drawn now, or held back (the sheet redrawn later) while the enlarged view or the help
    /// covers it.
    func drawSheet(_ frame: [UInt8]) {
        guard !frame.isEmpty else { return }
        if browse?.coversSheet == true {
            browse?.sheetBehind = true
        } else {
            terminal.draw(frame)
        }
    }

    /// An image was shown in `slot`: keep what the keys need, and bring the highlight with the first one.
    func shown(slot: Int, _ image: BrowsedImage) {
        guard browse != nil else { return }
        browse?.images[slot] = image
        let count = browse?.images.count ?? 0
        guard let actions = browse?.session.shown(count: count) else { return }
        perform(actions)
    }

    func handle(_ key: KeyEvent) {
        guard let actions = browse?.session.handle(key, firstVisibleSlotRow: screen.firstVisibleSlotRow) else {
            return
        }
        perform(actions)
    }

    private func perform(_ actions: [BrowseSession.Action]) {
        for action in actions {
            switch action {
            case .scroll(let row):
                terminal.draw(screen.scroll(to: row))
                browse?.drawnHighlight = nil
            case .highlight(_, let slot): drawHighlight(on: slot)
            case .enlarge(let slot, let facts): enlarge(slot: slot, facts: facts)
            case .returnToSheet(let slot): returnToSheet(highlighting: slot)
            case .save(let slot): save(slot: slot)
            case .refetch(let slot): refetch(slot: slot)
            case .showHelp: terminal.draw(HelpText.overlay(in: screen.layout.terminal))
            case .hideHelp(let place): hideHelp(back: place)
            case .quit: browse?.quit.yield()
            }
        }
    }

    /// Moves the highlight on the sheet from where it is drawn to `slot`.
    func drawHighlight(on slot: Int) {
        guard browse?.coversSheet == false else { return }
        let highlight = SlotHighlight(
            layout: screen.layout, firstVisibleSlotRow: screen.firstVisibleSlotRow, textStyle: screen.textStyle)
        let sheet = screen
        terminal.draw(highlight.moving(from: browse?.drawnHighlight, to: slot) { sheet.caption(of: $0) })
        browse?.drawnHighlight = slot
    }

    private func hideHelp(back place: BrowseSession.Place) {
        switch place {
        case .enlarged(let slot, let facts):
            enlarge(slot: slot, facts: facts)
        default:
            redrawSheet()
        }
    }

    /// The whole sheet again, keeping the user's scroll position, then the highlight.
    func redrawSheet() {
        terminal.draw(screen.redraw())
        browse?.sheetBehind = false
        browse?.drawnHighlight = nil
        if let slot = browse?.session.selection.slot { drawHighlight(on: slot) }
    }

    /// After SIGWINCH (or SIGCONT) while browsing: the sheet's frame goes out when the sheet is up, with the
    /// window moved to keep the highlight in it; the enlarged view is decoded again for the new window.
    func relayoutBrowsing(_ frame: [UInt8]) {
        _ = browse?.session.relayout(screen.layout)
        browse?.drawnHighlight = nil
        switch browse?.session.place {
        case .enlarged(let slot, let facts):
            browse?.sheetBehind = true
            enlarge(slot: slot, facts: facts)
        case .help:
            browse?.sheetBehind = true
            terminal.draw(HelpText.overlay(in: screen.layout.terminal))
        default:
            terminal.draw(frame)
            guard let selection = browse?.session.selection, let slot = selection.slot else { return }
            let row = selection.firstVisibleSlotRow(from: screen.firstVisibleSlotRow)
            if row != screen.firstVisibleSlotRow { terminal.draw(screen.scroll(to: row)) }
            drawHighlight(on: slot)
        }
    }

    /// The end of the run: no more keys, the sheet back as it is, and the terminal's input mode restored before
    /// the report lines are written below the sheet.
    func stopBrowsing() {
        guard let state = browse else { return }
        state.reader?.stop()
        state.keyTask?.cancel()
        state.decodeTask?.cancel()
        browse = nil
        screen.statusText = nil
        let coveredSheet = state.coversSheet || state.sheetBehind
        if state.onAlternateScreen {
            terminal.draw(
                EnlargedView.leaving(encoder: screen.encoder, imageSlot: enlargedImageSlot), off: .alternateScreen)
        }
        if coveredSheet { terminal.draw(screen.redraw()) }
        if state.reader != nil {
            terminal.draw(BrowseInputMode.leaveBytes, off: BrowseInputMode.modes)
            terminal.drain()
            BrowseInputMode.restoreActive()
        }
    }

    /// What Ctrl-Z writes before the process stops: the main screen back, mouse reporting and bracketed paste off.
    func browseModeOff() -> [UInt8] {
        guard let state = browse, state.reader != nil else { return [] }
        var bytes: [UInt8] = []
        if state.onAlternateScreen {
            bytes += EnlargedView.leaving(encoder: screen.encoder, imageSlot: enlargedImageSlot)
            browse?.onAlternateScreen = false
            browse?.sheetBehind = true
        }
        return bytes + BrowseInputMode.leaveBytes
    }

    /// SIGCONT: the browse input mode again, when we are in the foreground; false when not browsing.
    func resumeBrowsing() -> Bool {
        guard let keys = browse?.keys, readsKeys else { return false }
        if BrowseInputMode.enter(keys) {
            terminal.draw(BrowseInputMode.enterBytes, turningOn: BrowseInputMode.modes)
        }
        return true
    }

    /// The number the enlarged image goes by for protocols that keep images (kitty): past every thumbnail's.
    var enlargedImageSlot: Int { screen.sheet.slots.count }
}
