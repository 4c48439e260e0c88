import Browse
import Render

#if canImport(Glibc)
    import Glibc
#endif

// browse-probe spool DIR BYTES: spools BYTES bytes in DIR (sealed, plus a second body left half-written), prints
// "ready", and waits to be killed; BrowseTests checks that nothing remains in DIR while it lives and after SIGKILL.
// browse-probe input-mode TTY: puts TTY in the browse input mode and turns on what browsing does there (hidden
// cursor, mouse reporting, bracketed paste, the alternate screen), prints "ready", waits for a line on stdin, and
// exits without restoring any of it itself, so the exit hook must (or crashes, when the line is "crash"); or it is
// ended by a signal while it waits.
// browse-probe background TTY: takes TTY as its controlling terminal, hands the foreground to another process group,
// and reports that the mode is refused and typed input is left unread; then takes the foreground back and reports
// the key the reader reads at last.

/// One line to `fd`, unbuffered, so the test reads it while the probe still runs.
func say(_ text: String, to fd: Int32 = STDOUT_FILENO) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    say("browse-probe: " + message, to: STDERR_FILENO)
    exit(2)
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "spool" where arguments.count == 4:
    let bytes = Int(arguments[3]) ?? 0
    do {
        let spool = try Spool(path: arguments[2], capacity: Int64(bytes) * 4)
        let whole = try spool.writer(for: 0)
        try whole?.append([UInt8](repeating: 0x5A, count: bytes))
        whole?.seal()
        let half = try spool.writer(for: 1)
        try half?.append([UInt8](repeating: 0xA5, count: bytes / 2))
        say("ready \(spool.status(of: 0)) \(spool.status(of: 1))")
        while true { pause() }
    } catch {
        fail("\(error)")
    }
case "input-mode" where arguments.count == 3:
    // As gallery starts from a shell: nothing blocked, and what ends a process by default still does. (The test
    // runner that spawns the probe may have signals blocked, and the mask is inherited.)
    var none = sigset_t()
    sigemptyset(&none)
    sigprocmask(SIG_SETMASK, &none, nil)
    for number in [SIGINT, SIGTERM, SIGHUP] { signal(number, SIG_DFL) }
    let fd = open(arguments[2], O_RDWR | O_NOCTTY)
    guard fd >= 0, BrowseInputMode.enter(fd) else { fail("cannot enter the mode on \(arguments[2])") }
    let terminal = Terminal(fileDescriptor: fd)
    terminal.enter()
    terminal.draw(BrowseInputMode.enterBytes, turningOn: BrowseInputMode.modes)
    terminal.draw(Escape.alternateScreenOn.bytes, turningOn: .alternateScreen)
    terminal.drain()
    say("ready")
    // "crash": a Swift runtime trap, the way a failed precondition or a bad unwrap ends a process.
    guard readLine() != "crash" else { fatalError("browse-probe crashes as asked") }
    exit(0)
case "background" where arguments.count == 3:
    await background(tty: arguments[2])
default:
    fail("usage: browse-probe spool DIR BYTES | input-mode TTY | background TTY")
}
