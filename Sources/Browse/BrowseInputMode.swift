import Render
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal mode keys are read in while browsing: no echo, no line editing, every byte as it comes, but
/// Ctrl-C and Ctrl-Z still raise SIGINT and SIGTSTP (ISIG stays on) and output is processed as usual (OPOST, so
/// the report's `\n` still starts a new line).
///
/// The terminal side (mouse reporting, bracketed paste) is bytes for the screen's one writer: `enterBytes` after
/// entering, `leaveBytes` before restoring, both written by `Terminal`, which tells `ExitRestore` of `modes`. The
/// settings side is held here, process-wide, and kept with `ExitRestore` too, so every exit path puts both back
/// without a reference to the mode: `restoreActive()` on the orderly ones, `ExitRestore`'s hook at `exit` and on
/// fatal signals. SIGKILL leaves the terminal raw, as it leaves any program's; the shell's next prompt (or `reset`)
/// repairs it.
public enum BrowseInputMode {
    private struct Held: Sendable {
        /// Our own duplicate of the terminal's descriptor, so the number cannot be reused before the restore.
        var fd: Int32
        var saved: termios
    }

    private static let held = Mutex<Held?>(nil)

    /// Mouse reporting and bracketed paste on: clicks arrive as reports, pastes arrive bracketed and are skipped.
    public static var enterBytes: [UInt8] {
        Escape.mouseReportingOn.bytes + Escape.bracketedPasteOn.bytes
    }

    /// `enterBytes` undone. Harmless on a terminal where neither was on.
    public static var leaveBytes: [UInt8] {
        Escape.mouseReportingOff.bytes + Escape.bracketedPasteOff.bytes
    }

    /// What `enterBytes` turns on and `leaveBytes` off.
    public static let modes: ExitRestore.Modes = [.mouseReporting, .bracketedPaste]

    /// Puts `fd`'s terminal in the browse mode. False, and nothing changed, when `fd` is not a terminal, belongs
    /// to another foreground job (gallery runs in the background: its keys are the shell's, `Terminal.isForeground`),
    /// or a mode is already held.
    @discardableResult
    public static func enter(_ fd: Int32) -> Bool {
        var saved = termios()
        guard Terminal.isForeground(fd), tcgetattr(fd, &saved) == 0 else { return false }
        let copy = duplicateClosedOnExec(fd)
        guard copy >= 0 else { return false }
        let taken = held.withLock { held -> Bool in
            guard held == nil else { return false }
            held = Held(fd: copy, saved: saved)
            return true
        }
        guard taken else {
            close(copy)
            return false
        }
        // Kept before the change, so no exit in between can miss it.
        ExitRestore.keep(saved, of: fd, for: .browseInput)
        var raw = rawSettings(from: saved)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else {
            restoreActive()
            return false
        }
        return true
    }

    /// `saved` with echo, canonical input and the implementation's extensions (Ctrl-V, Ctrl-O) off and reads that
    /// return as soon as one byte is there; signals, output processing and CR→NL translation stay as they were.
    public static func rawSettings(from saved: termios) -> termios {
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | IEXTEN)
        raw.c_lflag |= tcflag_t(ISIG)
        // Ctrl-S and Ctrl-Q would otherwise freeze and thaw the output, which a user would take for a hang.
        raw.c_iflag &= ~tcflag_t(IXON)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        return raw
    }

    /// Whether a browse mode is held now.
    public static var isActive: Bool { held.withLock { $0 != nil } }

    /// Puts the settings saved by `enter` back. Idempotent; nothing when no mode is held. Input that arrived but was
    /// not read is left for the shell (it is what the user typed last).
    public static func restoreActive() {
        guard
            var taken = held.withLock({ held in
                defer { held = nil }
                return held
            })
        else { return }
        _ = tcsetattr(taken.fd, TCSANOW, &taken.saved)
        ExitRestore.release(.browseInput)
        close(taken.fd)
    }
}
