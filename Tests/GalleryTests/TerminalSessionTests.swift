import Foundation
import GalleryTestSupport
import Testing

/// gallery in a real terminal (a detached tmux pane of a fixed size) against nginx on loopback.
@Suite(.serialized)
struct TerminalSessionTests {
    /// Four copies of a small JPEG, paced so each download takes a few seconds.
    private func serve(rate: Int) throws -> (TempFolder, Nginx, String) {
        let folder = try TempFolder()
        let jpeg = try Fixtures.bytes("jpeg/good/baseline-420.jpg")
        let names = ["Akron_%28ZRS-4%29.jpg", "b.jpg", "c.jpg", "d.jpg"]
        for name in names { try folder.write(try #require(name.removingPercentEncoding), bytes: jpeg) }
        let nginx = try Nginx(root: folder.url, locations: [Nginx.Location(prefix: "/paced/", bytesPerSecond: rate)])
        let list = folder.url.appendingPathComponent("list.txt")
        try names.map { "\(nginx.baseURL)/paced/\($0)" }.joined(separator: "\n").write(
            to: list, atomically: true, encoding: .utf8)
        return (folder, nginx, list.path)
    }

    /// The shell ignores SIGINT itself (gallery installs its own handler), so it lives to print gallery's status,
    /// then the line typed during the run that is still waiting to be read, if any (`LEFT=[…]`).
    private func command(list: String) -> String {
        "trap '' INT; '\(ChildProcess.galleryExecutable)' --count 4 < '\(list)'; echo EXIT=$?;"
            + " echo \"LEFT=[$(timeout 1 head -n 1)]\""
    }

    @Test func slotsFillAndTheTerminalIsRestoredAtTheEnd() throws {
        // 84 KB at 28 KB/s: the first second's worth at once, then about two more seconds.
        let (folder, nginx, list) = try serve(rate: 28_000)
        defer {
            nginx.stop()
            folder.remove()
        }
        let tmux = try Tmux(columns: 100, rows: 40, command: command(list: list))
        defer { tmux.kill() }

        let running = try tmux.waitFor(timeout: .seconds(10)) { $0.contains("receiving") || $0.contains("paused") }
        #expect(running.contains("0 of 4 shown"), "progress area while downloading:\n\(running)")
        #expect(!(try tmux.cursorVisible()), "cursor hidden while drawing")
        // Keys typed meanwhile are neither echoed over the grid nor left for the shell afterwards.
        #expect(try Self.echoes(tmux.paneTerminal()) == false, "no echo while the grid is drawn")
        try tmux.sendKeys("typed-during-the-run")
        try tmux.sendKeys("Enter")

        let done = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("LEFT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        #expect(done.contains("LEFT=[]"), "typed keys are discarded with the run:\n\(done)")
        #expect(try Self.echoes(tmux.paneTerminal()) == true, "echo is back afterwards")
        let tally = done.split(separator: "\n").first { $0.hasPrefix("4 of 4 shown") }
        #expect(tally?.contains("337.2 kB · ") == true, "the final tally counts every byte: \(tally ?? "")")
        #expect(tally?.contains(" 0 B/s") == false, "and gives the run's average rate: \(tally ?? "")")
        #expect(done.contains("Akron_(ZRS-4).jpg"), "captions show the decoded name")
        #expect(done.contains("( 1)      84_301 bytes | "))
        #expect(done.contains("TOTAL BYTES: 337_204"))
        #expect(try tmux.cursorVisible())
        for line in done.split(separator: "\n") { #expect(line.count <= 100) }
    }

    /// Started in the background under job control (`gallery … &`), gallery still draws, but the terminal's input
    /// stays the foreground job's: no detection queries whose answers that job would read, echo left on, and
    /// nothing it was typed discarded at the end.
    @Test func inTheBackgroundTheInputStaysTheForegroundJobs() throws {
        let (folder, nginx, list) = try serve(rate: 28_000)
        defer {
            nginx.stop()
            folder.remove()
        }
        let command =
            "set -m; '\(ChildProcess.galleryExecutable)' --count 4 --render auto < '\(list)' & wait $!; echo EXIT=$?"
        let tmux = try Tmux(columns: 100, rows: 40, command: command)
        defer { tmux.kill() }

        let running = try tmux.waitFor(timeout: .seconds(10)) { $0.contains("receiving") || $0.contains("paused") }
        #expect(running.contains("0 of 4 shown"), "it draws in the background too:\n\(running)")
        #expect(try Self.echoes(tmux.paneTerminal()) == true, "the foreground job's terminal keeps its echo")
        let done = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("EXIT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        #expect(done.contains("TOTAL BYTES: 337_204"))
    }

    /// A window made larger during the run (SIGWINCH): an image whose decoder is made after it fits the new, larger
    /// slot, while the one decoded before keeps its thumbnail. One paced download at a time, so the second starts
    /// (and makes its decoder) only after the resize, whichever goes first.
    @Test func anImageDecodedAfterTheWindowGrewFillsTheLargerSlot() throws {
        let folder = try TempFolder()
        let jpeg = try Fixtures.bytes("jpeg/good/baseline-420.jpg")
        for name in ["a.jpg", "b.jpg"] { try folder.write(name, bytes: jpeg) }
        let nginx = try Nginx(root: folder.url, locations: [Nginx.Location(prefix: "/paced/", bytesPerSecond: 20_000)])
        defer {
            nginx.stop()
            folder.remove()
        }
        let list = folder.url.appendingPathComponent("list.txt")
        try "\(nginx.baseURL)/paced/a.jpg\n\(nginx.baseURL)/paced/b.jpg\n".write(
            to: list, atomically: true, encoding: .utf8)
        let command =
            "'\(ChildProcess.galleryExecutable)' --count 2 --concurrency 1 --render blocks < '\(list.path)'; echo EXIT=$?"
        let tmux = try Tmux(columns: 60, rows: 20, command: command)
        defer { tmux.kill() }

        // The first download has bytes in (so its decoder is made), and nothing is shown yet.
        let running = try tmux.waitFor(timeout: .seconds(20)) {
            $0.contains("0 of 2 shown") && $0.contains(" kB/84.3 kB")
        }
        #expect(running.contains("0 of 2 shown"), "\(running)")
        let resize = try ChildProcess(
            [Tmux.executable, "-L", tmux.socket, "resize-window", "-t", tmux.session, "-x", "160", "-y", "60"],
            stdin: "")
        #expect(resize.wait() == 0, "\(resize.errorText)")
        let done = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("EXIT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        // Two slots side by side: the first image's cells on the left, the second's on the right. A cell is drawn
        // with any block or mosaic glyph the symbol fit picks.
        let lines = done.split(separator: "\n").map(Array.init)
        func drawn(_ character: Character) -> Bool {
            character.unicodeScalars.contains {
                (0x2580...0x259F).contains($0.value) || (0x1FB00...0x1FB3B).contains($0.value)
            }
        }
        let left = lines.reduce(0) { $0 + $1.prefix(80).filter(drawn).count }
        let right = lines.reduce(0) { $0 + $1.dropFirst(80).filter(drawn).count }
        #expect(left > 0 && right > 2 * left, "cells: \(left) left, \(right) right\n\(done)")
    }

    /// Whether the terminal device at `path` echoes input (its `ECHO` local flag).
    private static func echoes(_ path: String) throws -> Bool {
        let fd = open(path, O_RDONLY | O_NOCTTY)
        guard fd >= 0 else { throw SupportError("open \(path): \(errno)") }
        defer { close(fd) }
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { throw SupportError("tcgetattr \(path): \(errno)") }
        return settings.c_lflag & tcflag_t(ECHO) != 0
    }

    @Test func ctrlCStopsEverythingRestoresTheTerminalAndPrintsTheTotal() throws {
        let (folder, nginx, list) = try serve(rate: 4_000)
        defer {
            nginx.stop()
            folder.remove()
        }
        let tmux = try Tmux(columns: 100, rows: 40, command: command(list: list))
        defer { tmux.kill() }

        _ = try tmux.waitFor(timeout: .seconds(10)) { $0.contains("receiving") || $0.contains("paused") }
        let interruptedAt = ContinuousClock.now
        try tmux.sendKeys("C-c")
        let done = try tmux.waitFor(timeout: .seconds(10)) { $0.contains("EXIT=") }
        #expect(ContinuousClock.now - interruptedAt < .seconds(5), "stops promptly, not after the 20 s downloads")
        #expect(done.contains("EXIT=130"), "\(done)")
        #expect(done.contains("TOTAL BYTES: 0"))
        #expect(try tmux.cursorVisible())
        let escapes = try tmux.capture(escapes: true)
        #expect(!escapes.contains("\u{1B}[?25l"))
    }
}
