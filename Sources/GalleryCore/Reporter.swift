import Render

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a run says, routed by `--json`, `--quiet` and `--verbose`: report lines or JSON events on stdout,
/// warnings, errors and transfer details on stderr. Both go through the process's one `Terminal` per descriptor,
/// so lines from concurrent tasks never interleave and each is written as soon as it is said.
struct Reporter: Sendable {
    let out = Terminal.standardOutput
    let err = Terminal.standardError
    let json: Bool
    let quiet: Bool
    let verbose: Bool

    /// A report line (`( 1)  14_739_448 bytes | name`, `TOTAL BYTES: …`); not in `--json` mode.
    func line(_ text: String) {
        guard !json else { return }
        out.write(Array((text + "\n").utf8))
    }

    /// One `--json` event; nothing otherwise.
    func event(_ event: RunEvent) {
        guard json else { return }
        out.write(Array((event.json + "\n").utf8))
    }

    /// Something the user should know that did not stop anything (a skipped line, fewer images); `--quiet` hides it.
    func warning(_ text: String) {
        guard !quiet else { return }
        err.write(Array(("gallery: " + text + "\n").utf8))
    }

    /// Something that failed (an image, a usage rule); always shown.
    func error(_ text: String) {
        err.write(Array(("gallery: " + text + "\n").utf8))
    }

    /// Per-transfer detail for `--verbose`.
    func detail(_ text: String) {
        guard verbose else { return }
        err.write(Array(("gallery: " + text + "\n").utf8))
    }

    /// True once stdout's reader went away (`gallery … | head -3`).
    var stdoutClosed: Bool { out.writeError == EPIPE }

    /// Waits until everything said so far is written: before the process exits.
    func drain() {
        out.drain()
        err.drain()
    }
}
