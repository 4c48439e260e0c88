import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's xterm in VT340 mode (sixel, 256 colour registers) on a private Xvfb display, running one shell
/// command: a real pixel terminal for end-to-end tests. `screenshot()` dumps the screen with `xwd`; with
/// `-l` xterm also logs every byte the command wrote (`loggedOutput()`), which stands in for the text we
/// cannot OCR. One instance, one display; suites using it should be `.serialized`.
///
/// The window is `columns × rows` cells of the 6×13 "fixed" font at (0, 0), no border, black background,
/// so cell (row, column) covers pixels x = 6·column …, y = 13·row ….
public final class XtermSession: @unchecked Sendable {
    // Justification: every stored property is a `let` except `stopped`, which only `stop()` touches under `lock`.

    /// Pixels per cell of `font`.
    public static let cellWidth = 6
    public static let cellHeight = 13
    /// The ISO 10646 variant of `6x13` (the `6x13` alias names the Latin-1 one, which lacks ▀ and the box
    /// drawing characters, so xterm would draw stand-ins for them).
    public static let font = "-misc-fixed-medium-r-semicondensed--13-120-75-75-c-60-iso10646-1"

    static let toolPaths: [String: String] = {
        var found: [String: String] = [:]
        for name in ["Xvfb", "xterm", "xwd"] {
            let path = ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first {
                FileManager.default.isExecutableFile(atPath: $0)
            }
            if let path { found[name] = path }
        }
        return found
    }()

    /// The programs this needs that are not installed (empty when the tests can run).
    public static var missingTools: [String] {
        ["Xvfb", "xterm", "xwd"].filter { toolPaths[$0] == nil }
    }

    public static var isAvailable: Bool { missingTools.isEmpty }

    /// Why the tests are skipped, for `.enabled(if:_:)`.
    public static let skipReason =
        "needs Xvfb, xterm and xwd (apt-get install xvfb xterm x11-apps xfonts-base, as `make setup` does)"

    public let display: String
    public let columns: Int
    public let rows: Int
    /// Where xterm logs the command's output (`-l -lf`) and where screenshots are dumped.
    public let directory: URL
    private let server: pid_t
    private let terminal: pid_t
    private let lock = NSLock()
    private var stopped = false

    /// Starts Xvfb (it picks a free display itself, `-displayfd`), then xterm running `sh -c command` with a
    /// clean environment (PATH, HOME, LANG=C.UTF-8, DISPLAY) plus `environment`; TERM is `termName`.
    public init(
        columns: Int = 80, rows: Int = 24, termName: String = "xterm-256color", command: String,
        environment: [String: String] = [:], directory: URL
    ) throws {
        guard Self.isAvailable else { throw SupportError("missing \(Self.missingTools.joined(separator: ", "))") }
        self.columns = columns
        self.rows = rows
        self.directory = directory
        let width = columns * Self.cellWidth
        let height = rows * Self.cellHeight

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SupportError("pipe: \(errno)") }
        defer { close(fds[0]) }
        let spawnedServer: pid_t
        do {
            spawnedServer = try Self.spawn(
                Self.toolPaths["Xvfb"]!,
                ["-displayfd", "3", "-screen", "0", "\(max(width, 640))x\(max(height, 400))x24", "-nolisten", "tcp"],
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
        do {
            terminal = try Self.spawn(
                Self.toolPaths["xterm"]!,
                [
                    "-display", display, "-ti", "vt340", "-tn", termName,
                    "-xrm", "XTerm*numColorRegisters: 256", "-xrm", "XTerm*decTerminalID: vt340",
                    "-fn", Self.font, "-bg", "black", "-fg", "white", "-b", "0", "-bw", "0",
                    "-geometry", "\(columns)x\(rows)+0+0",
                    "-l", "-lf", directory.appendingPathComponent("xterm.log").path,
                    "-e", "/bin/sh", "-c", command,
                ],
                environment: env)
        } catch {
            Self.end(spawnedServer)
            Self.removeLocks(of: display)
            throw error
        }
    }

    deinit { stop() }

    /// Ends xterm (its shell gets SIGHUP) and Xvfb: SIGTERM, then SIGKILL after five seconds. Idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        Self.end(terminal)
        Self.end(server)
        Self.removeLocks(of: display)
    }

    /// Everything the command wrote to the terminal so far (xterm's log).
    public func loggedOutput() -> [UInt8] {
        (try? [UInt8](Data(contentsOf: directory.appendingPathComponent("xterm.log")))) ?? []
    }

    /// The terminal's window (the top-left `columns × rows` cells of the screen) as RGBA.
    public func screenshot() throws -> Screenshot {
        let dump = directory.appendingPathComponent("screen.xwd")
        defer { try? FileManager.default.removeItem(at: dump) }
        let xwd = try Self.spawn(
            Self.toolPaths["xwd"]!, ["-display", display, "-root", "-silent", "-out", dump.path],
            environment: ProcessInfo.processInfo.environment)
        guard let status = Self.wait(xwd, seconds: 10) else {
            Self.end(xwd)
            throw SupportError("xwd hung")
        }
        guard status == 0 else { throw SupportError("xwd failed with status \(status)") }
        let screen = try XWDReader.decode([UInt8](try Data(contentsOf: dump)))
        return screen.cropped(width: columns * Self.cellWidth, height: rows * Self.cellHeight)
    }

    // MARK: - Processes

    /// posix_spawn with no signals blocked or ignored (test threads block SIGTERM and SIGHUP, and children
    /// inherit that, so xterm and its shell would otherwise outlive `stop()`), output to /dev/null.
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
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SupportError("posix_spawn \(path): \(result)") }
        return pid
    }

    /// The exit status once `pid` ends, nil if it is still running after `seconds`.
    static func wait(_ pid: pid_t, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if result < 0 && errno != EINTR { return -1 }
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
            let ready = poll(&waiter, 1, 100)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: text, as: UTF8.self) }
            text.append(byte)
        }
        return nil
    }
}

/// A screen dump: `width × height` pixels, four bytes each (R, G, B, 255), rows top to bottom.
public struct Screenshot: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let rgba: [UInt8]

    public init(width: Int, height: Int, rgba: [UInt8]) {
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The top-left `width × height` part.
    public func cropped(width: Int, height: Int) -> Screenshot {
        let w = min(width, self.width)
        let h = min(height, self.height)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(w * h * 4)
        for y in 0..<h {
            bytes += rgba[(y * self.width * 4)..<((y * self.width + w) * 4)]
        }
        return Screenshot(width: w, height: h, rgba: bytes)
    }
}

/// Reads an X Window Dump (`xwd -root`) of a TrueColor screen.
/// The header is 25 big-endian 32-bit fields, then the window name, then the colour map, then the rows.
/// - SeeAlso: X11's `XWDFile.h`.
public enum XWDReader {
    public static func decode(_ data: [UInt8]) throws -> Screenshot {
        func field(_ index: Int) -> Int {
            data[(index * 4)..<(index * 4 + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard data.count >= 100, field(1) == 7 else { throw SupportError("not an XWD version 7 file") }
        let headerSize = field(0)
        let format = field(2)
        let width = field(4)
        let height = field(5)
        let byteOrder = field(7)
        let bitsPerPixel = field(11)
        let bytesPerLine = field(12)
        let (redMask, greenMask, blueMask) = (field(14), field(15), field(16))
        let colors = field(19)
        guard format == 2, bitsPerPixel == 32 else {
            throw SupportError("only 32-bit ZPixmap dumps are read (format \(format), \(bitsPerPixel) bpp)")
        }
        let start = headerSize + colors * 12
        guard data.count >= start + bytesPerLine * height else { throw SupportError("truncated XWD file") }
        func shift(_ mask: Int) -> Int { mask == 0 ? 0 : mask.trailingZeroBitCount }
        var bytes = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let at = start + y * bytesPerLine + x * 4
                let word =
                    byteOrder == 0
                    ? Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24
                    : Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3])
                let o = (y * width + x) * 4
                bytes[o] = UInt8((word & redMask) >> shift(redMask) & 0xff)
                bytes[o + 1] = UInt8((word & greenMask) >> shift(greenMask) & 0xff)
                bytes[o + 2] = UInt8((word & blueMask) >> shift(blueMask) & 0xff)
            }
        }
        return Screenshot(width: width, height: height, rgba: bytes)
    }
}
