public import Render
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The text a run writes, routed by `--quiet` and `--verbose`: lines on stdout; warnings, errors and transfer
/// details on stderr, each as one `gallery: ` line. Each goes through its descriptor's one `Terminal`, so lines
/// from concurrent tasks never interleave and each is written as soon as it is said.
///
/// While the live gallery is drawn, a line on its terminal would scribble over it: `hold` keeps the lines until
/// `release`, which writes them below the finished grid, stdout's first, so they stay in the scrollback.
public final class Reporter: Sendable {
    let out: Terminal
    let err: Terminal
    let quiet: Bool
    let verbose: Bool
    private let held = Mutex<Held?>(nil)

    private struct Held {
        var holdsOut: Bool
        var out: [[UInt8]] = []
        var err: [[UInt8]] = []
    }

    public init(
        out: Terminal = .standardOutput, err: Terminal = .standardError, quiet: Bool = false, verbose: Bool = false
    ) {
        self.out = out
        self.err = err
        self.quiet = quiet
        self.verbose = verbose
    }

    /// Where a live view goes: stdout when it is a terminal; otherwise stderr when that is one, so that
    /// `gallery … | tee log` still shows progress; nil when neither is.
    var display: Terminal? {
        out.isTTY ? out : err.isTTY ? err : nil
    }

    /// A line on stdout: a report line, or a `--json` event.
    func line(_ text: String) {
        say(Array((text + "\n").utf8), onStdout: true)
    }

    /// Something the user should know that did not stop anything (a skipped line, fewer images); `--quiet` hides it.
    public func warning(_ text: String) {
        guard !quiet else { return }
        error(text)
    }

    /// A warning worded as a whole line already (`gallery: …`); `--quiet` hides it.
    public func notice(_ line: String) {
        guard !quiet else { return }
        say(Array((line + "\n").utf8), onStdout: false)
    }

    /// Something that failed (an image, a usage rule); always shown.
    public func error(_ text: String) {
        say(Array(("gallery: " + text + "\n").utf8), onStdout: false)
    }

    /// Per-transfer detail for `--verbose`.
    public func detail(_ text: String) {
        guard verbose else { return }
        error(text)
    }

    /// Holds stderr's lines from now on, and stdout's too when `stdout` (the gallery is drawn there).
    func hold(stdout: Bool) {
        held.withLock { $0 = Held(holdsOut: stdout) }
    }

    /// Writes what was held, stdout's lines first, and lets later lines through at once.
    func release() {
        guard
            let lines = held.withLock({ held in
                defer { held = nil }
                return held
            })
        else { return }
        for line in lines.out { out.write(line) }
        for line in lines.err { err.write(line) }
    }

    private func say(_ bytes: [UInt8], onStdout: Bool) {
        let kept = held.withLock { held -> Bool in
            guard held != nil else { return false }
            if onStdout {
                guard held?.holdsOut == true else { return false }
                held?.out.append(bytes)
            } else {
                held?.err.append(bytes)
            }
            return true
        }
        if !kept { (onStdout ? out : err).write(bytes) }
    }

    /// True once stdout's reader went away (`gallery … | head -3`).
    var stdoutClosed: Bool { out.writeError == EPIPE }

    /// Waits until everything said so far is written: before the process exits.
    public func drain() {
        out.drain()
        err.drain()
    }
}
