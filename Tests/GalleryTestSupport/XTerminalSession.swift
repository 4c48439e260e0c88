import Foundation
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// A real pixel terminal on a private Xvfb display, running one shell command, for end-to-end tests:
/// Debian's xterm in VT340 mode (sixel, 256 colour registers, the 6×13 "fixed" font) or Debian's kitty
/// (kitty graphics, OpenGL 3.3 through Mesa's llvmpipe, DejaVu Sans Mono). `screenshot()` dumps the
/// terminal's window with `xwd`; the terminal also logs every byte the command wrote (`loggedOutput()`:
/// xterm's `-l`, kitty's `--dump-bytes`), which stands in for the text we cannot OCR. One instance, one
/// display; suites using it should be `.serialized`.
///
/// The window is `columns × rows` cells with no border or padding on a black background, so cell
/// (row, column) covers pixels x = width·column …, y = height·row … of the screenshot, with the cell size
/// from `cellSize(of:columns:rows:)` (6×13 in xterm; kitty's depends on the font, 8×17 with DejaVu at 10 pt).
public final class XTerminalSession: @unchecked Sendable {
    // Justification: every stored property is a `let` except `stopped`, which only `stop()` touches under `lock`.

    /// The terminal programs this can run.
    public enum Program: String, Sendable, CaseIterable {
        case xterm, kitty

        /// Everything the session needs for this program.
        var tools: [String] { ["Xvfb", "xwd", rawValue] }
    }

    /// The ISO 10646 variant of `6x13` (the `6x13` alias names the Latin-1 one, which lacks ▀ and the box
    /// drawing characters, so xterm would draw stand-ins for them).
    public static let xtermFont = "-misc-fixed-medium-r-semicondensed--13-120-75-75-c-60-iso10646-1"

    static let toolPaths: [String: String] = {
        var found: [String: String] = [:]
        for name in ["Xvfb", "xwd"] + Program.allCases.map(\.rawValue) {
            if let path = installedProgram(name) { found[name] = path }
        }
        return found
    }()

    /// Where `tool` is installed. Callers skip when `missingTools(for:)` is not empty, so the bare name, which
    /// makes the spawn fail with ENOENT, stands in only for a tool removed since.
    static func path(of tool: String) -> String { toolPaths[tool, default: tool] }

    /// The programs `program` needs that are not installed (empty when the tests can run).
    public static func missingTools(for program: Program) -> [String] {
        program.tools.filter { toolPaths[$0] == nil }
    }

    public static func isAvailable(_ program: Program) -> Bool { missingTools(for: program).isEmpty }

    /// Why the tests are skipped, for `.enabled(if:_:)`.
    public static func skipReason(_ program: Program) -> String {
        "needs \(program.tools.joined(separator: ", ")) (make setup installs xvfb, x11-apps, xfonts-base, xterm and kitty)"
    }

    public let program: Program
    public let display: String
    public let columns: Int
    public let rows: Int
    /// Where the terminal logs the command's output and where screenshots are dumped.
    public let directory: URL
    /// The window's title, which `xwd -name` finds it by; fixed (kitty's `-T`, xterm's `-T`).
    let title: String
    private let server: pid_t
    private let terminal: pid_t
    private let lock = NSLock()
    private var stopped = false

    /// Starts Xvfb (it picks a free display itself, `-displayfd`), then the terminal running `sh -c command`
    /// with a clean environment (PATH, HOME, LANG=C.UTF-8, DISPLAY) plus `environment`; TERM is `termName`
    /// (for kitty, nil keeps its own `xterm-kitty`).
    public init(
        _ program: Program = .xterm, columns: Int = 80, rows: Int = 24, termName: String? = "xterm-256color",
        command: String, environment: [String: String] = [:], directory: URL
    ) throws {
        guard Self.isAvailable(program) else {
            throw SupportError("missing \(Self.missingTools(for: program).joined(separator: ", "))")
        }
        self.program = program
        self.columns = columns
        self.rows = rows
        self.directory = directory
        title = uniqueName("gallery-test-\(program.rawValue)")

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SupportError("pipe: \(errno)") }
        defer { close(fds[0]) }
        let spawnedServer: pid_t
        do {
            // Large enough for 80×24 cells of kitty's font as well as xterm's.
            spawnedServer = try Self.spawn(
                Self.path(of: "Xvfb"),
                [
                    "-displayfd", "3", "-screen", "0", "\(max(columns * 12, 640))x\(max(rows * 24, 400))x24",
                    "-nolisten", "tcp",
                ],
                environment: ProcessInfo.processInfo.environment, displayFD: fds[1])
        } catch {
            close(fds[1])
            throw error
        }
        close(fds[1])
        server = spawnedServer
        guard let number = Self.readLine(fds[0], seconds: 15), Int(number) != nil else {
            Self.end(spawnedServer)
            throw SupportError("Xvfb did not report a display number")
        }
        display = ":" + number

        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            "LANG": "C.UTF-8",
            "DISPLAY": display,
        ]
        for (key, value) in environment { env[key] = value }
        let log = directory.appendingPathComponent("\(program.rawValue).log").path
        let arguments: [String]
        switch program {
        case .xterm:
            arguments = [
                "-display", display, "-ti", "vt340", "-tn", termName ?? "xterm-256color", "-T", title,
                "-xrm", "XTerm*numColorRegisters: 256", "-xrm", "XTerm*decTerminalID: vt340",
                "-xrm", "XTerm*allowTitleOps: false",
                "-fn", Self.xtermFont, "-bg", "black", "-fg", "white", "-b", "0", "-bw", "0",
                "-geometry", "\(columns)x\(rows)+0+0", "-l", "-lf", log, "-e", "/bin/sh", "-c", command,
            ]
        case .kitty:
            // No GPU here: Mesa's llvmpipe gives kitty the OpenGL 3.3 it needs. No user config, no blinking
            // cursor (screenshots must settle), no bell, no close confirmation (SIGTERM ends it at once).
            env["LIBGL_ALWAYS_SOFTWARE"] = "1"
            var options = [
                "linux_display_server=x11", "font_size=10", "initial_window_width=\(columns)c",
                "initial_window_height=\(rows)c", "remember_window_size=no", "window_padding_width=0",
                "placement_strategy=top-left", "background=#000000", "foreground=#ffffff",
                "cursor_blink_interval=0", "enable_audio_bell=no", "confirm_os_window_close=0",
                "update_check_interval=0",
            ]
            if let termName { options.append("term=\(termName)") }
            arguments =
                ["--config", "NONE", "-T", title, "--dump-bytes", log] + options.flatMap { ["-o", $0] }
                + ["/bin/sh", "-c", command]
        }
        do {
            terminal = try Self.spawn(Self.path(of: program.rawValue), arguments, environment: env)
        } catch {
            Self.end(spawnedServer)
            Self.removeLocks(of: display)
            throw error
        }
    }

    deinit { stop() }

    /// Ends the terminal (its shell gets SIGHUP) and Xvfb: SIGTERM, then SIGKILL after five seconds. Idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        Self.end(terminal)
        Self.end(server)
        Self.removeLocks(of: display)
    }

    /// Everything the command wrote to the terminal so far (the terminal's log of its input).
    public func loggedOutput() -> [UInt8] {
        (try? [UInt8](Data(contentsOf: directory.appendingPathComponent("\(program.rawValue).log")))) ?? []
    }

    /// The terminal's window, without borders (`xwd -name TITLE -nobdrs`), as RGBA. Polls until the window
    /// is mapped, for at most `windowWait`: a hang guard, generous because kitty on a software renderer takes
    /// many seconds to map its first window when other builds load the machine.
    public func screenshot(windowWait: Duration = .seconds(90)) throws -> Screenshot {
        let dump = directory.appendingPathComponent("screen.xwd")
        defer { try? FileManager.default.removeItem(at: dump) }
        let deadline = ContinuousClock.now + windowWait
        while true {
            let xwd = try Self.spawn(
                Self.path(of: "xwd"), ["-display", display, "-name", title, "-nobdrs", "-silent", "-out", dump.path],
                environment: ProcessInfo.processInfo.environment)
            guard let status = Self.wait(xwd, seconds: 10) else {
                Self.end(xwd)
                throw SupportError("xwd hung")
            }
            if status == 0 { break }
            // Not mapped yet ("No window with name …").
            guard ContinuousClock.now < deadline else {
                throw SupportError("xwd: no window \(title) (status \(status))")
            }
            usleep(100_000)
        }
        return try XWDReader.decode([UInt8](try Data(contentsOf: dump)))
    }

    /// Screenshots until `ready` accepts one and the next one is the same (the terminal has drawn what it
    /// read), or `seconds` pass (a hang guard); returns the last.
    public func settledScreenshot(seconds: Double = 10, until ready: (Screenshot) -> Bool = { _ in true }) throws
        -> Screenshot
    {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var shot = try screenshot()
        while ContinuousClock.now < deadline {
            usleep(200_000)
            let next = try screenshot()
            if next == shot, ready(next) { break }
            shot = next
        }
        return shot
    }

    /// The size of one cell in the screenshot's pixels: the window is `columns × rows` cells (kitty's has one
    /// spare pixel right and below).
    public static func cellSize(of shot: Screenshot, columns: Int, rows: Int) -> (width: Int, height: Int) {
        (shot.width / max(1, columns), shot.height / max(1, rows))
    }

    // MARK: - Processes

    /// posix_spawn with no signals blocked or ignored (`withCleanSignals`), output to /dev/null.
    static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String], displayFD: Int32? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else of ours: another test's pipe held open by a long-lived xterm would delay its EOF.
        // (glibc ignores a close action whose descriptor was closed meanwhile.)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 && fd != displayFD {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        if let displayFD {
            posix_spawn_file_actions_adddup2(&actions, displayFD, 3)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = withCleanSignals { posix_spawn(&pid, path, &actions, $0, argv, envp) }
        guard result == 0 else { throw SupportError("posix_spawn \(path): \(result)") }
        return pid
    }

    /// The exit status once `pid` ends, nil if it is still running after `seconds`.
    static func wait(_ pid: pid_t, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while true {
            let result = retryingOnInterrupt { waitpid(pid, &status, WNOHANG) }
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if result < 0 { return -1 }
            if Date() > deadline { return nil }
            usleep(20_000)
        }
    }

    /// SIGTERM, then SIGKILL if it is still there after five seconds; reaped either way.
    static func end(_ pid: pid_t) {
        kill(pid, SIGTERM)
        if wait(pid, seconds: 5) == nil {
            kill(pid, SIGKILL)
            _ = wait(pid, seconds: 5)
        }
    }

    /// A server that had to be killed leaves its lock and socket behind; they are ours to remove.
    static func removeLocks(of display: String) {
        let number = display.dropFirst()
        guard !number.isEmpty else { return }
        try? FileManager.default.removeItem(atPath: "/tmp/.X\(number)-lock")
        try? FileManager.default.removeItem(atPath: "/tmp/.X11-unix/X\(number)")
    }

    /// The first line written to `fd`, waiting at most `seconds`.
    static func readLine(_ fd: Int32, seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var text: [UInt8] = []
        var byte: UInt8 = 0
        while Date() < deadline {
            var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = retryingOnInterrupt { poll(&waiter, 1, 100) }
            guard ready > 0 else { continue }
            let count = retryingOnInterrupt { read(fd, &byte, 1) }
            guard count == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: text, as: UTF8.self) }
            text.append(byte)
        }
        return nil
    }
}
