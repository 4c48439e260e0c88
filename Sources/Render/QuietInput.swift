import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps what reaches the terminal's input while the gallery is drawn from being echoed over it.
///
/// Two things would otherwise print as text over the grid: keys typed during the run (an Enter would even
/// scroll it), and detection answers that come after the budget, when DA1's answer (asked last, answered by
/// every terminal) has not arrived in time but the answers may still be on their way (a slow ssh link). So
/// while the live view is up (`begin`), and from a detection that timed out, the terminal stays without echo
/// and line editing (signal keys still work), and `settle()` discards whatever arrived meanwhile
/// (`tcflush(TCIFLUSH)`) before putting the saved settings back. `Terminal.restore(leaving:)` settles, so do
/// Ctrl-Z and an ordinary `exit` (`ExitRestore`'s hook, which also puts the settings back on a fatal signal).
public enum QuietInput {
    /// The terminal whose settings wait to be put back: our own duplicate of its descriptor, so the number
    /// cannot be reused by another file before `settle()`.
    private struct Held: Sendable {
        var fd: Int32
        var saved: termios
    }

    private static let held = Mutex<Held?>(nil)

    /// The live view starts (or comes back after Ctrl-Z): echo and line editing off on `fd`'s terminal until
    /// `settle()`. Nothing when `fd` is not a terminal, is held already (by a detection that timed out), or
    /// belongs to a foreground job other than ours (`Terminal.isForeground`).
    public static func begin(_ fd: Int32) {
        var saved = termios()
        guard !isHolding, Terminal.isForeground(fd), tcgetattr(fd, &saved) == 0 else { return }
        hold(fd, saved: saved)
    }

    /// Turns echo and line editing off on `fd` (the rest of `saved` goes back now) until `settle()`.
    static func hold(_ fd: Int32, saved: termios) {
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO | ICANON)
        // Kept before the change, so no exit in between can miss it.
        ExitRestore.keep(saved, of: fd, for: .quietInput)
        let copy = duplicateClosedOnExec(fd)
        guard copy >= 0, tcsetattr(fd, TCSANOW, &quiet) == 0 else {
            if copy >= 0 { close(copy) }
            var saved = saved
            _ = tcsetattr(fd, TCSANOW, &saved)
            ExitRestore.release(.quietInput)
            return
        }
        let previous = held.withLock { held in
            defer { held = Held(fd: copy, saved: saved) }
            return held
        }
        if let previous { close(previous.fd) }
    }

    /// Whether a terminal is being held without echo.
    public static var isHolding: Bool { held.withLock { $0 != nil } }

    /// Discards pending input (late replies, keys typed during the run) and puts the saved settings back.
    /// Idempotent; does nothing when detection finished in time.
    public static func settle() {
        guard
            var taken = held.withLock({ held in
                defer { held = nil }
                return held
            })
        else { return }
        _ = tcflush(taken.fd, TCIFLUSH)
        _ = tcsetattr(taken.fd, TCSANOW, &taken.saved)
        ExitRestore.release(.quietInput)
        close(taken.fd)
    }
}
