import SystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Asks the terminal what it can draw: the impure half of `--render auto`, around `GraphicsDetection`.
///
/// Standard input carries the URL list, so the questions and answers go through the controlling terminal
/// (`/dev/tty`). For the length of the exchange the terminal is in raw mode (no echo, no line editing, no
/// signal keys), and the saved settings are put back on every path out. A Ctrl-C typed meanwhile arrives as
/// a 0x03 byte; it ends the wait, and `SIGINT` is raised once the terminal is restored. When the budget ends
/// before DA1's answer, echo stays off until the run ends (`QuietInput`), so a late answer is discarded
/// instead of printed.
public enum TerminalProbe {
    /// The default wait for answers: long enough for a local terminal (a few ms) or a nearby ssh host,
    /// short enough not to be noticed when a terminal stays silent.
    public static let defaultBudget = Duration.milliseconds(200)

    /// The whole detection: the environment's verdict, then, when it leaves a question and `ttyPath` is a
    /// terminal, the terminal's answers and the kernel's pixel fields.
    ///
    /// - Parameter forcing: the protocol `--render kitty|sixel|iterm|blocks` asked for; the terminal is still
    ///   measured (cell size, colour registers), but its answer does not change the protocol.
    public static func detect(
        environment: [String: String], forcing: GraphicsProtocol? = nil, budget: Duration = defaultBudget,
        ttyPath: String = "/dev/tty"
    ) -> GraphicsSupport {
        probe(environment: environment, forcing: forcing, budget: budget, ttyPath: ttyPath).support
    }

    /// `detect`, plus the 16-colour palette the terminal answered OSC 4 with (nil when it did not).
    public static func probe(
        environment: [String: String], forcing: GraphicsProtocol? = nil, budget: Duration = defaultBudget,
        ttyPath: String = "/dev/tty"
    ) -> TerminalAnswers {
        let fd = open(ttyPath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            let support = GraphicsDetection.decide(environment: environment, replies: nil).forced(forcing)
            return TerminalAnswers(support: support, palette: nil)
        }
        defer { close(fd) }
        return probe(environment: environment, forcing: forcing, fileDescriptor: fd, budget: budget)
    }

    /// Detection against an already open terminal descriptor (a pseudo-terminal in tests).
    public static func detect(
        environment: [String: String], forcing: GraphicsProtocol? = nil, fileDescriptor fd: Int32,
        budget: Duration
    ) -> GraphicsSupport {
        probe(environment: environment, forcing: forcing, fileDescriptor: fd, budget: budget).support
    }

    /// Detection and palette against an open descriptor. GNU screen and consoles (`EnvironmentHint.blocks`)
    /// are never queried, nor a terminal another job holds in the foreground (`Terminal.isForeground`): they are
    /// only measured through the kernel. Inside tmux only tmux itself is asked (`GraphicsDetection.tmuxQueries`),
    /// and tmux answers the palette queries from its own idea of the outer terminal's colours.
    public static func probe(
        environment: [String: String], forcing: GraphicsProtocol? = nil, fileDescriptor fd: Int32,
        budget: Duration
    ) -> TerminalAnswers {
        let hint = GraphicsDetection.environmentHint(environment)
        var ask = isatty(fd) == 1 && Terminal.isForeground(fd)
        if case .blocks = hint {
            ask = false
        }
        // The palette queries go first: DA1 still ends the batch, so a terminal that ignores them adds no wait.
        let queries = TerminalPalette.queries + GraphicsDetection.queries(for: hint)
        let answer = ask ? queryKeepingBytes(fileDescriptor: fd, queries: queries, budget: budget) : nil
        let support = GraphicsDetection.decide(
            environment: environment, replies: answer?.replies, kernelCellPixels: kernelCellPixels(of: fd),
            terminal: Terminal.windowSize(of: fd)
        ).forced(forcing)
        return TerminalAnswers(support: support, palette: answer.flatMap { TerminalPalette(parsing: $0.received) })
    }

    /// Writes `queries` (DA1 last) and collects answers until DA1's reply arrives or `budget` runs out.
    /// Nil when `fd` is not a terminal whose mode can be read (`tcgetattr(3)`) and set.
    public static func query(
        fileDescriptor fd: Int32, queries: [UInt8] = GraphicsDetection.queries, budget: Duration
    ) -> TerminalReplies? {
        queryKeepingBytes(fileDescriptor: fd, queries: queries, budget: budget)?.replies
    }

    /// `query`, keeping the raw bytes received too (for the answers `TerminalReplies` does not parse).
    static func queryKeepingBytes(
        fileDescriptor fd: Int32, queries: [UInt8], budget: Duration
    ) -> (replies: TerminalReplies, received: [UInt8])? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        ExitRestore.keep(saved, of: fd, for: .probe)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else {
            ExitRestore.release(.probe)
            return nil
        }
        let (replies, received, interrupted, sent) = exchange(fd, queries: queries, budget: budget)
        TypedAhead.keep(from: received)
        ExitRestore.release(.probe)
        if sent, !interrupted, replies.deviceAttributes == nil {
            // Answers may still come: no echo until the run ends, then they are discarded.
            QuietInput.hold(fd, saved: saved)
        } else {
            // Put the terminal back before anything else can happen; TCSANOW keeps keys typed since then.
            _ = tcsetattr(fd, TCSANOW, &saved)
        }
        if interrupted {
            raise(SIGINT)
        }
        return (replies, received)
    }

    /// The raw-mode part: one write, then poll and read until done. Returns whether Ctrl-C was typed and
    /// whether the queries went out at all.
    static func exchange(
        _ fd: Int32, queries: [UInt8], budget: Duration
    ) -> (TerminalReplies, received: [UInt8], interrupted: Bool, sent: Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        guard Terminal.writeAll(queries, to: fd) == nil else { return (TerminalReplies(), [], false, false) }
        var received: [UInt8] = []
        var replies = TerminalReplies()
        var buffer = [UInt8](repeating: 0, count: 1024)
        while replies.deviceAttributes == nil {
            let left = deadline - clock.now
            guard left > .zero else { break }
            let milliseconds = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard retryingOnInterrupt({ poll(&waiter, 1, milliseconds) }) > 0 else { continue }
            let count = retryingOnInterrupt { read(fd, &buffer, buffer.count) }
            if count < 0, errno == EAGAIN { continue }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
            if buffer[0..<count].contains(0x03) {
                return (TerminalReplies(parsing: received), received, true, true)
            }
            replies = TerminalReplies(parsing: received)
        }
        return (replies, received, false, true)
    }

    /// The cell size from the kernel's `ws_xpixel`/`ws_ypixel` (`ioctl(fd, TIOCGWINSZ, &ws)`), which many
    /// terminals fill in and many leave at 0; nil then.
    public static func kernelCellPixels(of fd: Int32) -> CellPixels? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0,
            size.ws_xpixel >= size.ws_col, size.ws_ypixel >= size.ws_row
        else { return nil }
        return CellPixels(width: Int(size.ws_xpixel / size.ws_col), height: Int(size.ws_ypixel / size.ws_row))
    }
}

/// What the probe learnt: the graphics decision and the terminal's own 16 colours, when it told them.
public struct TerminalAnswers: Sendable, Equatable {
    public var support: GraphicsSupport
    public var palette: TerminalPalette?

    public init(support: GraphicsSupport, palette: TerminalPalette?) {
        self.support = support
        self.palette = palette
    }
}
