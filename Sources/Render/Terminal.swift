import Dispatch
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only writer to the screen: one file descriptor, one serial writer, whole frames.
///
/// Frames are written in order by a dedicated serial `DispatchQueue`, never on the Swift cooperative pool,
/// because `write(2)` to a slow terminal (or a stopped `tmux` pane) can block for as long as it likes.
/// Each frame is written completely (short writes, `EINTR` and `EAGAIN` are retried) before the next, so a
/// frame is never interleaved with another and an escape sequence is never cut in half by us.
///
/// `draw(_:)` is for screen frames and stops working after `restore(leaving:)`, so a progress frame that
/// was already on its way cannot scribble over the restored screen; `write(_:)` is for plain text (the final
/// report lines) and always goes through, in order with the frames. A frame that turns a mode on or off (the
/// hidden cursor, mouse reporting, the alternate screen) says so, and the writer tells `ExitRestore` as it writes
/// it, so an exit at any moment undoes exactly what is on.
public final class Terminal: Sendable {
    /// The descriptor written to: 1 normally, 2 when stdout is piped but stderr is a terminal.
    public let fileDescriptor: Int32
    /// Whether the descriptor is a terminal (`isatty(3)`); when it is not, callers draw nothing.
    public let isTTY: Bool

    private let writer: DispatchQueue
    private let state = Mutex(State())

    private struct State {
        var entered = false
        var restored = false
        /// The first failure (e.g. `EIO` after the terminal went away); later frames are dropped.
        var writeError: Int32?
    }

    /// Resets colours and attributes and shows the cursor: what a shell expects back, at the end of a run and
    /// before Ctrl-Z stops the process.
    public static var restoreBytes: [UInt8] {
        Escape.resetAttributes.bytes + Escape.showCursor.bytes
    }

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        self.isTTY = isatty(fileDescriptor) == 1
        self.writer = DispatchQueue(label: "gallery.terminal.fd\(fileDescriptor)")
    }

    /// One writer per descriptor for the whole process: two `Terminal`s on one fd would interleave frames.
    public static let standardOutput = Terminal(fileDescriptor: STDOUT_FILENO)
    public static let standardError = Terminal(fileDescriptor: STDERR_FILENO)

    /// The window size: the kernel's (`TIOCGWINSZ`), else `COLUMNS` and `LINES`, else 80×24.
    public func size(environment: [String: String] = Terminal.currentEnvironment()) -> CellSize {
        Self.resolveSize(kernel: Self.windowSize(of: fileDescriptor), environment: environment)
    }

    /// False when `fd` is the controlling terminal and another process group has it in the foreground: gallery
    /// was started in the background (`gallery … &`). It may still draw there, but its input belongs to the
    /// foreground job (a shell, most likely): queries would have their answers read by that job, and echo turned
    /// off or input discarded would be taken from it. (Our threads block SIGTTOU, so the kernel would not stop
    /// us from doing that.) True for a terminal that is not our controlling one, such as a test's pty.
    public static func isForeground(_ fd: Int32) -> Bool {
        let group = tcgetpgrp(fd)
        return group == -1 || group == getpgrp()
    }

    /// The kernel's idea of the window size, or nil when `fd` is not a terminal or reports 0×0 (some
    /// serial consoles and CI pseudo-terminals do). The corresponding C call is `ioctl(fd, TIOCGWINSZ, &ws)`.
    public static func windowSize(of fd: Int32) -> CellSize? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return CellSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
    }

    /// Pure fallback chain, separate from the `ioctl` so it can be tested.
    public static func resolveSize(kernel: CellSize?, environment: [String: String]) -> CellSize {
        if let kernel {
            return kernel
        }
        if let columns = environment["COLUMNS"].flatMap({ Int($0) }),
            let rows = environment["LINES"].flatMap({ Int($0) }),
            columns > 0, rows > 0
        {
            return CellSize(columns: columns, rows: rows)
        }
        return .fallback
    }

    /// The variables Render consults, from the process environment (read with `getenv(3)`; Render uses no
    /// Foundation): the size fallback, colour and style hints, and what `GraphicsDetection` needs to know
    /// the terminal or multiplexer by name.
    public static func currentEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in [
            "COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR",
            "TERM_PROGRAM", "KITTY_WINDOW_ID", "WEZTERM_PANE", "TMUX", "STY",
        ] {
            if let value = getenv(name) {
                environment[name] = String(cString: value)
            }
        }
        return environment
    }

    /// Hides the cursor for the run. Call once before the first frame.
    public func enter() {
        let shouldWrite = state.withLock { state -> Bool in
            guard !state.entered, !state.restored else { return false }
            state.entered = true
            return true
        }
        if shouldWrite {
            enqueue(Escape.hideCursor.bytes, turningOn: .cursorHidden)
        }
    }

    /// Queues one whole frame, which turns `on` modes on and `off` modes off; returns at once. Dropped after
    /// `restore(leaving:)` or a write error.
    public func draw(_ frame: [UInt8], turningOn on: ExitRestore.Modes = [], off: ExitRestore.Modes = []) {
        guard !frame.isEmpty, state.withLock({ !$0.restored }) else { return }
        enqueue(frame, turningOn: on, off: off)
    }

    /// Queues plain bytes (e.g. the final report lines) in order with the frames; goes through even after
    /// `restore`. Callers sanitize untrusted text before it gets here. `off`: the modes the bytes turn off.
    public func write(_ bytes: [UInt8], turningOff off: ExitRestore.Modes = []) {
        guard !bytes.isEmpty else { return }
        enqueue(bytes, off: off)
    }

    /// Puts the terminal back: `leaving` (typically `GalleryScreen.exitSequence`, which moves the cursor
    /// below the grid), then `restoreBytes`, then echo if detection held it off (`QuietInput`).
    /// Idempotent: only the first call writes. Waits until everything queued before it, and the restore
    /// itself, has been written.
    public func restore(leaving: [UInt8] = []) {
        let shouldWrite = state.withLock { state -> Bool in
            guard state.entered, !state.restored else { return false }
            state.restored = true
            return true
        }
        if shouldWrite {
            enqueue(leaving + Self.restoreBytes, off: .cursorHidden)
        }
        drain()
        QuietInput.settle()
    }

    /// Blocks until every frame queued so far has been written (or dropped after an error).
    public func drain() {
        writer.sync {}
    }

    /// The `errno` of the first failed write, if any.
    public var writeError: Int32? {
        state.withLock { $0.writeError }
    }

    /// `on` counts from before the first byte, `off` from after the last: an exit in between undoes the mode.
    private func enqueue(_ bytes: [UInt8], turningOn on: ExitRestore.Modes = [], off: ExitRestore.Modes = []) {
        writer.async { [self] in
            guard state.withLock({ $0.writeError == nil }) else { return }
            // Modes mean something on a terminal only; a file or pipe gets no undo bytes at exit.
            if isTTY { ExitRestore.turnedOn(on, on: fileDescriptor) }
            if let failure = Self.writeAll(bytes, to: fileDescriptor) {
                state.withLock { $0.writeError = failure }
            } else if isTTY {
                ExitRestore.turnedOff(off)
            }
        }
    }

    /// Writes every byte, retrying short writes, `EINTR`, and `EAGAIN` (a non-blocking descriptor, which a
    /// previous program may have left behind) after waiting for `POLLOUT`. Returns the `errno` that stopped it.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = retryingOnInterrupt { posixWrite(fd, base + offset, buffer.count - offset) }
                if written > 0 {
                    offset += written
                    continue
                }
                let error = written < 0 ? errno : EIO
                switch error {
                case EAGAIN, EWOULDBLOCK:
                    var waiter = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiter, 1, 1000)
                default:
                    return error
                }
            }
            return nil
        }
    }
}

/// `write(2)` under a name that `Terminal.write(_:)` does not shadow, on every C library we build against.
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
    #elseif canImport(Musl)
        Musl.write(fd, buffer, count)
    #else
        Darwin.write(fd, buffer, count)
    #endif
}
