import Browse
import Dispatch
import Fetch
import Imaging
import Render
import Selection
import Synchronization

/// The terminal view of a run: the contact sheet plus progress lines, drawn through the one `Terminal` writer.
///
/// An actor because two tasks draw: the as-completed loop (slots, failures) and the progress ticker.
public actor LiveView {
    nonisolated let terminal: Terminal
    var screen: GalleryScreen
    private var throttle = FrameThrottle()
    /// The box a thumbnail decoded now should fit: the slot's, in the encoder's pixels. Kept apart from `screen`
    /// so a decoder can read it without waiting for the actor; it changes when the window does.
    private let box: Mutex<PixelSize>
    /// Takes every slot's pixel image off the screen (kitty); empty for protocols that draw into the cells.
    private var eraseImages: [UInt8]
    /// The encoder for another cell size, after a font change; nil for half-blocks, two pixels a cell whatever the
    /// font.
    private let remake: (@Sendable (CellPixels) -> any CellEncoder)?
    /// The cell's pixel size as the kernel last reported it (`TIOCGWINSZ`), nil when it reports none.
    private var kernelCellPixels: CellPixels?
    /// What detection decided and why, for `--verbose`.
    public nonisolated let graphics: GraphicsSupport?
    /// `--browse`: the keys, the highlight and the enlarged view; nil otherwise.
    var browse: BrowseState?
    /// Whether `--browse` has a terminal to read keys from.
    public nonisolated let canBrowse: Bool

    /// The view for a run, or nil when nothing should be drawn (`--render none`, or no terminal attached).
    ///
    /// `--render auto` asks the terminal what it can draw (through /dev/tty, for at most `--terminal-timeout`);
    /// that exchange blocks, so it runs on a Dispatch thread, not on the cooperative pool.
    public static func make(for options: GalleryOptions, on terminal: Terminal) async -> LiveView? {
        let forced: GraphicsProtocol?
        switch options.render {
        case .none: return nil
        case .auto: forced = nil
        case .blocks: forced = .blocks
        case .kitty: forced = .kitty
        case .sixel: forced = .sixel
        case .iterm: forced = .iterm
        }
        let environment = Terminal.currentEnvironment()
        let colors = options.colors ?? ColorMode.detect(environment: environment)
        var text = TextRendering(
            symbols: options.symbols ?? SymbolSet.preferred(environment: environment), dither: options.dither)
        var support: GraphicsSupport? = nil
        // Forced blocks skip the probe unless 16 colours need the terminal's own palette.
        if forced != .blocks || colors == .ansi16 {
            let answers = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let answers = TerminalProbe.probe(
                        environment: environment, forcing: forced, budget: options.terminalTimeout)
                    continuation.resume(returning: answers)
                }
            }
            support = answers.support
            text.palette = answers.palette ?? .xterm
        }
        let kittyIDBase = KittyEncoder.randomIDBase()
        let drawing = text
        let remake = support.map { support in
            { @Sendable (cellPixels: CellPixels) -> any CellEncoder in
                var measured = support
                measured.cellPixels = cellPixels
                return measured.encoder(colors: colors, text: drawing, kittyIDBase: kittyIDBase)
            }
        }
        let encoder =
            support?.encoder(colors: colors, text: drawing, kittyIDBase: kittyIDBase) ?? drawing.encoder(colors: colors)
        return LiveView(
            terminal: terminal, count: options.count, encoder: encoder, graphics: support,
            textStyle: TextStyle.detect(environment: environment), remake: remake,
            keys: options.browse ? BrowseState.openKeys() : nil)
    }

    init(
        terminal: Terminal, count: Int, encoder: any CellEncoder, graphics: GraphicsSupport?, textStyle: TextStyle,
        remake: (@Sendable (CellPixels) -> any CellEncoder)? = nil, keys: Int32? = nil
    ) {
        self.terminal = terminal
        self.graphics = graphics
        self.remake = remake
        kernelCellPixels = TerminalProbe.kernelCellPixels(of: terminal.fileDescriptor)
        eraseImages = encoder.eraseAll(slotCount: count)
        let layout = GridLayout(terminal: terminal.size(), slotCount: count)
        screen = GalleryScreen(layout: layout, encoder: encoder, textStyle: textStyle)
        box = Mutex(screen.pixelBox)
        browse = keys.map { BrowseState(keys: $0, layout: layout) }
        canBrowse = keys != nil
    }

    /// The pixel box a thumbnail decoded now should fit; read by each image's decoder when it is made.
    nonisolated var pixelBox: PixelSize {
        box.withLock { $0 }
    }

    func begin() {
        terminal.enter()
        terminal.draw(screen.begin())
        if !startBrowsing() { QuietInput.begin(terminal.fileDescriptor) }
    }

    func show(slot: Int, thumbnail: Pixels, title: String, name: String, browsed: BrowsedImage? = nil) {
        drawSheet(screen.fill(slot: slot, pixels: thumbnail, caption: Caption(title: title, name: name)))
        if let browsed { shown(slot: slot, browsed) }
    }

    func fail(name: String, reason: String) {
        drawSheet(screen.fail(name: name, reason: reason))
    }

    /// Redraws the progress area from the engine's snapshot and the run's tally, at most once a
    /// `FrameThrottle.progressInterval`.
    func progress(_ transfers: [TransferProgress], tally: RunTally, force: Bool = false) {
        guard force || throttle.shouldDraw(at: .now) else { return }
        let lines = transfers.map { transfer in
            ProgressLine(
                name: Candidate.name(of: transfer.url), received: transfer.received, total: transfer.expected,
                bytesPerSecond: transfer.bytesPerSecond, state: transfer.state.rawValue)
        }
        let inFlight = transfers.reduce(Int64(0)) { $0 + $1.received }
        let elapsed = ContinuousClock.now - tally.started
        let bytes = tally.bytes + inFlight
        // With nothing in flight (the final tally) the run's average rate says more than "0 B/s".
        let rate =
            transfers.isEmpty
            ? Double(bytes) / max(elapsed.seconds, 1e-3) : transfers.reduce(0) { $0 + $1.bytesPerSecond }
        let summary = ProgressSummary(
            done: tally.shown, failed: tally.failed, active: transfers.count, total: screen.sheet.slots.count,
            bytes: bytes, bytesPerSecond: rate, elapsed: elapsed)
        drawSheet(screen.progress(lines: lines, summary: summary))
    }

    /// After SIGWINCH (or SIGCONT): lay the grid out for the window's size now and redraw everything.
    public func relayout() {
        relayout(to: terminal.size(), cellPixels: TerminalProbe.kernelCellPixels(of: terminal.fileDescriptor))
    }

    /// Shown thumbnails are redrawn from the pixels they already have; images decoded from now on fit the new slots.
    /// When the kernel reports another cell pixel size than before (the font changed), pixel images are drawn for
    /// that size from now on.
    func relayout(to size: CellSize, cellPixels: CellPixels? = nil) {
        var encoder: (any CellEncoder)? = nil
        if let cellPixels, let remake, let before = kernelCellPixels, cellPixels != before {
            encoder = remake(cellPixels)
        }
        if cellPixels != nil { kernelCellPixels = cellPixels }
        let frame = screen.relayout(to: size, encoder: encoder)
        if let encoder { eraseImages = encoder.eraseAll(slotCount: screen.sheet.slots.count) }
        box.withLock { $0 = screen.pixelBox }
        if browse == nil { terminal.draw(frame) } else { relayoutBrowsing(frame) }
    }

    /// Final frame: empty slots get a dash, the aggregate line gives the final tally (`8 of 10 shown · 2 failed`),
    /// and the cursor ends below everything, shown, with colours reset. A completed sheet stays on screen; an
    /// interrupted one loses its pixel images unless `--keep-images` asked to keep them.
    func finish(tally: RunTally, erasingImages: Bool) {
        stopBrowsing()
        progress([], tally: tally, force: true)
        terminal.draw(screen.finish())
        terminal.restore(leaving: erasingImages ? eraseImages : [])
    }

    /// Ctrl-Z: give the shell a normal terminal (cursor shown, colours reset) before the process stops.
    public func suspend() {
        terminal.write(browseModeOff() + Terminal.restoreBytes, turningOff: .all)
        terminal.drain()
        BrowseInputMode.restoreActive()
        QuietInput.settle()
    }

    /// SIGCONT after a stop: hide the cursor again and redraw everything (the screen may have been used meanwhile).
    public func resume() {
        if !resumeBrowsing() { QuietInput.begin(terminal.fileDescriptor) }
        terminal.draw(Escape.hideCursor.bytes, turningOn: .cursorHidden)
        relayout()
    }
}
