import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Puts the terminal back when the process ends without the orderly restore: an `exit` from anywhere, a crash, or a
/// signal whose default action would end it (SIGQUIT always; SIGINT, SIGTERM and SIGHUP while nothing else handles
/// them).
///
/// The orderly restore (`Terminal.restore(leaving:)`, the browse view's own leaving) runs on ordinary threads and
/// draws what the screen needs. This hook cannot: it may run inside a signal handler, where only async-signal-safe
/// calls are allowed. So everything it needs is ready before it can run: each mode's undo sequence, made once from
/// the `Escape` table into memory that is never freed, the modes that are on now in one atomic word, and the saved
/// terminal settings in a fixed slot. Running it is atomic loads, `write(2)` and `tcsetattr(3)`, and it claims what
/// it undoes, so it undoes each thing once however many exits race.
///
/// A mode counts as on from the moment its frame starts being written until the frame that turns it off has been
/// written completely (`Terminal` reports both), so no exit between the two can leave it on. SIGKILL still leaves
/// the terminal as it was, as it leaves any program's.
public enum ExitRestore {
    /// Terminal modes gallery turns on, each with its own undo sequence.
    public struct Modes: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Undone with SGR 0 and DECTCEM set: the default colours and a visible cursor.
        public static let cursorHidden = Modes(rawValue: 1 << 0)
        public static let mouseReporting = Modes(rawValue: 1 << 1)
        public static let bracketedPaste = Modes(rawValue: 1 << 2)
        /// Tracked exactly, unlike the rest: leaving an alternate screen that was never entered moves the cursor to
        /// the last saved position, over the sheet.
        public static let alternateScreen = Modes(rawValue: 1 << 3)
        public static let all: Modes = [.cursorHidden, .mouseReporting, .bracketedPaste, .alternateScreen]
    }

    /// Who holds the terminal's settings changed; the first to keep them is the one whose settings go back, since
    /// the others saved settings that were already changed.
    public enum Holder: Int, Sendable {
        case probe = 1
        case quietInput
        case browseInput
    }

    /// `modes` are on (their frame is being written) on `fd`'s terminal from now.
    public static func turnedOn(_ modes: Modes, on fd: Int32) {
        guard !modes.isEmpty else { return }
        arm()
        rescue.screen.store(fd, ordering: .releasing)
        rescue.modes.bitwiseOr(modes.rawValue, ordering: .acquiringAndReleasing)
    }

    /// `modes` are off: the frame that turns them off has been written.
    public static func turnedOff(_ modes: Modes) {
        guard !modes.isEmpty else { return }
        rescue.modes.bitwiseAnd(~modes.rawValue, ordering: .acquiringAndReleasing)
    }

    /// `holder` changed `fd`'s settings from `saved`; an exit puts `saved` back unless `release` comes first. Nothing
    /// when another holder came first.
    public static func keep(_ saved: termios, of fd: Int32, for holder: Holder) {
        arm()
        guard rescue.settingsState.compareExchange(expected: 0, desired: -1, ordering: .acquiringAndReleasing).exchanged
        else { return }
        // Our own descriptor, open until the release: the holder's may be closed and its number reused.
        let copy = duplicateClosedOnExec(fd)
        guard copy >= 0 else {
            rescue.settingsState.store(0, ordering: .releasing)
            return
        }
        rescue.settings.pointee = saved
        rescue.settingsFD.store(copy, ordering: .releasing)
        rescue.settingsState.store(holder.rawValue, ordering: .releasing)
    }

    /// `holder` put the settings back itself.
    public static func release(_ holder: Holder) {
        let kept = rescue.settingsState.compareExchange(
            expected: holder.rawValue, desired: -1, ordering: .acquiringAndReleasing)
        guard kept.exchanged else { return }
        close(rescue.settingsFD.exchange(-1, ordering: .acquiringAndReleasing))
        rescue.settingsState.store(0, ordering: .releasing)
    }

    /// Undoes every mode that is on and puts the kept settings back. Async-signal-safe; idempotent.
    public static func restoreNow() {
        let modes = rescue.modes.exchange(0, ordering: .acquiringAndReleasing)
        let fd = rescue.screen.load(ordering: .acquiring)
        if modes != 0, fd >= 0 {
            // A frame cut off by the exit may have left an image's string (sixel, kitty) open: end it first.
            rescue.stringTerminator.write(to: fd)
            for (mode, bytes) in rescue.undo where modes & mode.rawValue != 0 {
                bytes.write(to: fd)
            }
            // The cursor is wherever the last frame left it, most often at the end of the progress line: the
            // shell's next words start on a line of their own. A newline alone: output processing, which no mode of
            // ours turns off, makes it CR LF.
            rescue.newLine.write(to: fd)
        }
        let holder = rescue.settingsState.load(ordering: .acquiring)
        guard holder > 0,
            rescue.settingsState.compareExchange(expected: holder, desired: -2, ordering: .acquiringAndReleasing)
                .exchanged
        else { return }
        let terminal = rescue.settingsFD.load(ordering: .acquiring)
        // What arrived while echo was held off for the view is late detection replies and keys typed over the grid,
        // discarded as `QuietInput.settle()` does; keys typed while browsing are left for the shell.
        if holder != Holder.browseInput.rawValue { _ = tcflush(terminal, TCIFLUSH) }
        _ = tcsetattr(terminal, TCSANOW, rescue.settings)
    }

    /// Installs the hooks once: at `exit`, and on the signals that would end the process.
    private static func arm() {
        guard !rescue.armed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        atexit {
            // Not in a signal handler here, so `QuietInput` can discard the late detection replies its own way first.
            QuietInput.settle()
            ExitRestore.restoreNow()
        }
        ExitSignals.install()
    }
}

/// Everything `restoreNow` reads, made before any hook can run and never freed.
///
/// `@unchecked Sendable`: the pointers are filled in `init`, before the object is published, and only read after;
/// the rest is atomics.
final class Rescue: @unchecked Sendable {
    let armed = Atomic(false)
    let modes = Atomic(0)
    let screen = Atomic<Int32>(-1)
    /// 0: no settings kept; a `Holder`'s raw value: kept; -1: being changed; -2: taken by an exit.
    let settingsState = Atomic(0)
    let settingsFD = Atomic<Int32>(-1)
    let settings = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    /// The actions `ExitSignals` replaced, by signal number, for its handler to put back.
    let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(NSIG))
    let stringTerminator: FixedBytes
    let newLine = FixedBytes([0x0A])
    /// In the order written: the alternate screen first, since leaving it brings back the main screen's saved
    /// attributes, which the reset then clears.
    let undo: [(ExitRestore.Modes, FixedBytes)]

    init() {
        settings.initialize(to: termios())
        previousActions.initialize(repeating: sigaction(), count: Int(NSIG))
        stringTerminator = FixedBytes(Escape.stringTerminator.bytes)
        undo = [
            (.alternateScreen, FixedBytes(Escape.alternateScreenOff.bytes)),
            (.mouseReporting, FixedBytes(Escape.mouseReportingOff.bytes)),
            (.bracketedPaste, FixedBytes(Escape.bracketedPasteOff.bytes)),
            (.cursorHidden, FixedBytes(Terminal.restoreBytes)),
        ]
    }
}

let rescue = Rescue()

/// Bytes in memory of their own that is never freed, for `write(2)` from a signal handler.
struct FixedBytes: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, count))
        base.initialize(from: bytes, count: count)
    }

    /// Every byte, retrying short writes and EINTR; gives up on any other error (the terminal is gone).
    func write(to fd: Int32) {
        var offset = 0
        while offset < count {
            let written = posixWrite(fd, base + offset, count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
