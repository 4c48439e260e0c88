import Foundation
import GalleryTestSupport
import Testing

/// `gallery --browse` in a real terminal (a detached tmux pane) against paced nginx, driven with `send-keys`.
@Suite(.serialized)
struct BrowseTerminalTests {
    static let jpeg = "jpeg/good/baseline-420.jpg"
    static let names = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg"]

    /// The browse run's pieces: the served folder, nginx, the list, and an empty folder the run starts in (where
    /// `s` saves).
    struct Served {
        let folder: TempFolder
        let nginx: Nginx
        let list: String
        let workDirectory: TempFolder

        func stop() {
            nginx.stop()
            folder.remove()
            workDirectory.remove()
        }
    }

    static func serve(count: Int, rate: Int) throws -> Served {
        let folder = try TempFolder()
        let jpeg = try Fixtures.bytes(jpeg)
        for name in names.prefix(count) { try folder.write(name, bytes: jpeg) }
        let nginx = try Nginx(root: folder.url, locations: [Nginx.Location(prefix: "/paced/", bytesPerSecond: rate)])
        let list = folder.url.appendingPathComponent("list.txt")
        try names.prefix(count).map { "\(nginx.baseURL)/paced/\($0)" }.joined(separator: "\n").write(
            to: list, atomically: true, encoding: .utf8)
        return Served(folder: folder, nginx: nginx, list: list.path, workDirectory: try TempFolder())
    }

    /// gallery in the work folder, with the shell ignoring SIGINT so it lives to print the status and whatever
    /// typed input gallery left behind (`LEFT=[…]`).
    static func command(_ served: Served, _ arguments: String) -> String {
        "cd '\(served.workDirectory.url.path)'; trap '' INT; '\(ChildProcess.galleryExecutable)' \(arguments)"
            + " < '\(served.list)'; echo EXIT=$?; echo \"LEFT=[$(timeout 1 head -n 1)]\""
    }

    @Test func keysMoveEnlargeSaveAndQuit() throws {
        let served = try Self.serve(count: 6, rate: 60_000)
        defer { served.stop() }
        let tmux = try Tmux(columns: 100, rows: 40, command: Self.command(served, "-b --count 6 --render blocks"))
        defer { tmux.kill() }

        _ = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("( 2)      84_301 bytes") }
        #expect(try Self.highlighted(tmux) == 1, "the highlight comes with the first image")
        try tmux.sendKeys("l")
        _ = try Self.waitForHighlight(tmux, on: 2)
        #expect(try Self.highlighted(tmux) == 2, "l moves it right")

        let enlarged = try Self.enlarge(tmux)
        #expect(try Self.paneFlag(tmux, "alternate_on"), "the enlarged view is on the alternate screen")
        let drawnRows = Self.drawnRows(enlarged)
        #expect(drawnRows >= 30, "the image fills the window (\(drawnRows) of 40 rows):\n\(enlarged)")
        let first = Self.statusName(enlarged)

        try tmux.sendKeys("n")
        let next = try tmux.waitFor(timeout: .seconds(20)) { screen in
            Self.statusName(screen).map { $0 != first } == true && !screen.contains("decoding")
        }
        #expect(Self.statusName(next) != nil && Self.statusName(next) != first, "n shows the next image")

        try tmux.sendKeys("q")
        _ = try Self.waitForHighlight(tmux, on: 3)
        #expect(!(try Self.paneFlag(tmux, "alternate_on")), "q goes back to the sheet")
        #expect(try Self.highlighted(tmux) == 3, "the highlight is on the image last looked at")

        try tmux.sendKeys("s")
        let saved = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("saved ./") }
        let path = Self.savedPath(saved)
        let file = served.workDirectory.url.appendingPathComponent(path ?? "missing")
        #expect(try Data(contentsOf: file) == Data(try Fixtures.bytes(Self.jpeg)), "the saved file is the served one")

        _ = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("6 of 6 shown") }
        try tmux.sendKeys("q")
        let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        #expect(done.contains("TOTAL BYTES: 505_806"), "the report follows the sheet")
        try Self.expectRestored(tmux)
    }

    @Test func resizeAndCtrlCInTheEnlargedView() throws {
        let (served, tmux) = try Self.browse("-b --count 3 --render blocks", shown: "2 of 3 shown")
        defer {
            tmux.kill()
            served.stop()
        }
        _ = try Self.enlarge(tmux)
        #expect(try Self.paneFlag(tmux, "mouse_sgr_flag"), "clicks are reported while browsing")
        // SIGWINCH in the enlarged view decodes the image again for the larger window.
        try Self.tmux(tmux, ["resize-window", "-t", tmux.session, "-x", "120", "-y", "50"])
        let larger = try tmux.waitFor(timeout: .seconds(20)) { Self.drawnRows($0) >= 40 }
        #expect(Self.drawnRows(larger) >= 40, "the image grew with the window:\n\(larger)")
        try tmux.sendKeys("C-c")
        let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
        #expect(done.contains("EXIT=130"), "\(done)")
        #expect(done.contains("TOTAL BYTES: 168_602"))
        try Self.expectRestored(tmux)
    }

    /// One image fits the spool, two do not: the first downloaded is dropped when the second is kept, enlarging it
    /// says so, and `r` fetches it again, leaving the report as it was.
    @Test func aTinySpoolDropsTheOldestAndRFetchesItAgain() throws {
        let (served, tmux) = try Self.browse(
            "-b --count 2 --concurrency 1 --spool-max 100000 --render blocks", shown: "2 of 2 shown")
        defer {
            tmux.kill()
            served.stop()
        }
        // Which of the two was spooled first, and so dropped, depends on the order their downloads ended, and the
        // sheet's order on the order their decodes ended: if the first slot's body is still there, the next is not.
        try tmux.sendKeys("Enter")
        var dropped = try tmux.waitFor(timeout: .seconds(20)) {
            $0.contains("dropped from the spool") || ($0.contains("n p: next") && !$0.contains("decoding"))
        }
        if !dropped.contains("dropped from the spool") {
            try tmux.sendKeys("n")
            dropped = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("dropped from the spool") }
        }
        #expect(dropped.contains("dropped from the spool (--spool-max): r fetches it again"), "\(dropped)")
        try tmux.sendKeys("r")
        let again = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("n p: next") && !$0.contains("decoding") }
        let drawnRows = Self.drawnRows(again)
        #expect(drawnRows >= 20, "fetched again, it is shown:\n\(again)")
        try tmux.sendKeys("q")
        try tmux.sendKeys("q")
        let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        #expect(done.contains("TOTAL BYTES: 168_602"), "a fetch again adds nothing to the total:\n\(done)")
    }

    /// Key bursts, escape sequences no key has, and a 10 KB bracketed paste: gallery keeps going, answers the
    /// next key, and leaves the terminal as it found it.
    @Test func badInputNeitherCrashesNorHangs() throws {
        let (served, tmux) = try Self.browse("-b --count 2 --render blocks", shown: "2 of 2 shown")
        defer {
            tmux.kill()
            served.stop()
        }
        try Self.tmux(tmux, ["send-keys", "-t", tmux.session, "-l", String(repeating: "hjkl", count: 300)])
        for junk in ["\u{1B}[99~", "\u{1B}O5Z", "\u{1B}[<0;999;999M", "\u{1B}[1;2;3;4;5;6;7;8;9;10X", "\u{1B}\u{1B}["] {
            try Self.tmux(tmux, ["send-keys", "-t", tmux.session, "-l", junk])
        }
        try Self.tmux(tmux, ["set-buffer", "-b", "paste", String(repeating: "q pasted text ", count: 750)])
        try Self.tmux(tmux, ["paste-buffer", "-p", "-b", "paste", "-t", tmux.session])
        try tmux.sendKeys("l")
        #expect(try Self.waitForHighlight(tmux, on: 2) == 2, "the flood ended on l")
        // An SGR mouse press and release on the first thumbnail (row 2, column 2, counted from 1).
        try Self.tmux(tmux, ["send-keys", "-t", tmux.session, "-l", "\u{1B}[<0;2;2M\u{1B}[<0;2;2m"])
        #expect(try Self.waitForHighlight(tmux, on: 1) == 1, "a click selects the slot under it")
        try tmux.sendKeys("?")
        let help = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("this help") }
        #expect(help.contains("this help"), "still answering keys after the flood:\n\(help)")
        try tmux.sendKeys("Escape")
        try tmux.sendKeys("q")
        let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        try Self.expectRestored(tmux)
    }

    /// The spool's files never have a name: while the run holds two bodies, its folder is empty (the bodies are
    /// open, nameless files in it), and SIGKILL leaves nothing there either.
    @Test func theSpoolLeavesNoFileEvenAfterSIGKILL() throws {
        let served = try Self.serve(count: 2, rate: 200_000)
        defer { served.stop() }
        let spool = try TempFolder()
        defer { spool.remove() }
        let tmux = try Tmux(
            columns: 80, rows: 30,
            command: "TMPDIR='\(spool.url.path)'; export TMPDIR; "
                + Self.command(served, "-b --count 2 --render blocks"))
        defer { tmux.kill() }

        _ = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("2 of 2 shown") }
        let pid = try Self.galleryPID(tmux)
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }
        #expect(
            open.filter { $0.hasPrefix(spool.url.path) && $0.hasSuffix("(deleted)") }.count == 2,
            "two bodies held: \(open)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.url.path).isEmpty)
        kill(pid, SIGKILL)
        _ = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.url.path).isEmpty)
    }

    /// Two small images served fast, gallery browsing them in an 80×30 pane, once `shown` is on the sheet.
    static func browse(_ arguments: String, shown: String) throws -> (Served, Tmux) {
        let served = try serve(count: 2, rate: 200_000)
        do {
            let tmux = try Tmux(columns: 80, rows: 30, command: command(served, arguments))
            _ = try tmux.waitFor(timeout: .seconds(30)) { $0.contains(shown) }
            return (served, tmux)
        } catch {
            served.stop()
            throw error
        }
    }

    /// Started in the background, `--browse` reads no keys: the sheet ends as it does without it, and the
    /// foreground job's terminal keeps its settings.
    @Test func inTheBackgroundBrowsingEndsLikeAnyRun() throws {
        let served = try Self.serve(count: 2, rate: 200_000)
        defer { served.stop() }
        let command =
            "set -m; '\(ChildProcess.galleryExecutable)' -b --count 2 --render blocks < '\(served.list)' & wait $!;"
            + " echo EXIT=$?"
        let tmux = try Tmux(columns: 80, rows: 30, command: command)
        defer { tmux.kill() }
        let done = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("EXIT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        #expect(done.contains("TOTAL BYTES: 168_602"))
        #expect(!(try Self.paneFlag(tmux, "mouse_any_flag")), "no mouse reporting turned on")
    }

    // MARK: - Reading the pane

    /// Enter on the sheet: the highlighted image alone, once it is decoded and drawn.
    static func enlarge(_ tmux: Tmux) throws -> String {
        try tmux.sendKeys("Enter")
        return try tmux.waitFor(timeout: .seconds(20)) { $0.contains("n p: next") && !$0.contains("decoding") }
    }

    /// The slot number (from 1) whose caption is in reverse video.
    static func highlighted(_ tmux: Tmux) throws -> Int? {
        let screen = try tmux.capture(escapes: true)
        let pattern = #/\x1B\[[0-9;]*7m\( ?([0-9]+)\)/#
        return screen.firstMatch(of: pattern).flatMap { Int($0.1) }
    }

    static func waitForHighlight(_ tmux: Tmux, on slot: Int) throws -> Int? {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try highlighted(tmux) == slot { return slot }
            usleep(50_000)
        }
        return try highlighted(tmux)
    }

    /// The image name at the start of the enlarged view's status line.
    static func statusName(_ screen: String) -> String? {
        screen.split(separator: "\n").first { $0.contains("n p: next") }.flatMap {
            $0.split(separator: " ").first.map(String.init)
        }
    }

    /// Rows of the enlarged view with something drawn on them, the status line aside.
    static func drawnRows(_ screen: String) -> Int {
        screen.split(separator: "\n", omittingEmptySubsequences: false).dropLast(2).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.contains("n p: next")
        }.count
    }

    /// The file `s` reports, from `saved ./NAME` on the status line.
    static func savedPath(_ screen: String) -> String? {
        for line in screen.split(separator: "\n") {
            guard let range = line.range(of: "saved ./") else { continue }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// gallery's pid: the only child of the pane's shell.
    static func galleryPID(_ tmux: Tmux) throws -> pid_t {
        let shell = try tmuxOutput(tmux, ["display-message", "-p", "-t", tmux.session, "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return try #require(children.split(separator: " ").first.flatMap { pid_t($0) })
    }

    static func paneFlag(_ tmux: Tmux, _ name: String) throws -> Bool {
        try tmuxOutput(tmux, ["display-message", "-p", "-t", tmux.session, "#{\(name)}"]).hasPrefix("1")
    }

    /// After the run: cursor shown, echo on, main screen, no mouse reporting.
    static func expectRestored(_ tmux: Tmux) throws {
        #expect(try tmux.cursorVisible(), "cursor visible")
        #expect(!(try paneFlag(tmux, "alternate_on")), "main screen")
        #expect(!(try paneFlag(tmux, "mouse_any_flag")), "no mouse reporting")
        #expect(!(try paneFlag(tmux, "mouse_sgr_flag")), "no SGR mouse mode")
        let fd = open(try tmux.paneTerminal(), O_RDONLY | O_NOCTTY)
        defer { close(fd) }
        var settings = termios()
        #expect(tcgetattr(fd, &settings) == 0)
        #expect(settings.c_lflag & tcflag_t(ECHO) != 0, "echo on")
        #expect(settings.c_lflag & tcflag_t(ICANON) != 0, "line editing on")
    }

    static func tmux(_ tmux: Tmux, _ arguments: [String]) throws {
        _ = try tmuxOutput(tmux, arguments)
    }

    static func tmuxOutput(_ tmux: Tmux, _ arguments: [String]) throws -> String {
        let child = try ChildProcess([Tmux.executable, "-L", tmux.socket] + arguments, stdin: "")
        guard child.wait() == 0 else { throw SupportError("tmux \(arguments[0]): \(child.errorText)") }
        return child.lines.map(\.text).joined(separator: "\n")
    }
}
