import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps a detection reply that comes after the budget from being echoed onto the screen.
///
/// When DA1's answer (asked last, answered by every terminal) has not arrived within the budget, the
/// answers may still be on their way (a slow ssh link), and with echo back on the terminal would print them
/// as text over the gallery. So the terminal stays without echo and line editing (signal keys work) for the
/// run, and `settle()` discards whatever arrived meanwhile (`tcflush(TCIFLUSH)`) before putting the saved
/// settings back. `Terminal.restore(leaving:)` settles, so does an ordinary `exit`.
public enum LateReplyGuard {
    /// The terminal whose settings wait to be put back: our own duplicate of its descriptor, so the number
    /// cannot be reused by another file before `settle()`.
    private struct Held: Sendable {
        var fd: Int32
        var saved: termios
    }

    private static let held = Mutex<Held?>(nil)
    private static let exitHook = Mutex(false)

    /// Turns echo and line editing off on `fd` (the rest of `saved` goes back now) until `settle()`.
    static func hold(_ fd: Int32, saved: termios) {
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO | ICANON)
        let copy = dup(fd)
        guard copy >= 0, tcsetattr(fd, TCSANOW, &quiet) == 0 else {
            if copy >= 0 { close(copy) }
            var saved = saved
            _ = tcsetattr(fd, TCSANOW, &saved)
            return
        }
        let previous = held.withLock { held in
            defer { held = Held(fd: copy, saved: saved) }
            return held
        }
        if let previous { close(previous.fd) }
        exitHook.withLock { installed in
            guard !installed else { return }
            installed = true
            atexit { LateReplyGuard.settle() }
        }
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
        close(taken.fd)
    }
}
