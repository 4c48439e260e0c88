import Foundation
import GalleryTestSupport
import Imaging
import Render
import Testing

/// The enlarged view in a real pixel terminal: xterm in VT340 mode (sixel) under Xvfb, keys typed into its pty
/// with TIOCSTI by a helper in the same shell. Nine copies of a four-colour picture fill a 3×3 sheet; Enter shows
/// one alone, and a screenshot must show it at 4× a thumbnail's area or more, each quarter in its colour.
@Suite(.serialized)
struct RealTerminalBrowseTests {
    static let quarters = [RGB(215, 0, 0), RGB(0, 175, 0), RGB(0, 0, 215), RGB(255, 215, 0)]
    static let columns = 80
    static let rows = 24

    /// 320×240: red, green on top; blue, yellow below.
    static func quarteredPicture() -> Pixels {
        var pixels = Pixels(width: 320, height: 240, filledWith: quarters[0])
        for y in 0..<240 {
            for x in 0..<320 { pixels[x, y] = quarters[(y < 120 ? 0 : 2) + (x < 160 ? 0 : 1)] }
        }
        return pixels
    }

    /// Types Enter every half second until `quit` exists (Enter means nothing before the first image, nor in the
    /// enlarged view), then `q` twice: back to the sheet, and the end of the run.
    static func typist(quit: String) -> String {
        """
        import fcntl, os, termios, time
        def type_(keys):
            for key in keys: fcntl.ioctl(0, termios.TIOCSTI, bytes([key]))
        deadline = time.monotonic() + 60
        while not os.path.exists('\(quit)') and time.monotonic() < deadline:
            type_(b'\\r'); time.sleep(0.5)
        type_(b'q'); time.sleep(0.3); type_(b'q')
        """
    }

    @Test(
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(1)))
    func inXtermTheEnlargedSixelImageFillsTheWindowInItsColours() throws {
        try enlargeOne(in: .xterm, render: "sixel")
    }

    @Test(
        .enabled(if: XTerminalSession.isAvailable(.kitty), Comment(rawValue: XTerminalSession.skipReason(.kitty))),
        .timeLimit(.minutes(1)))
    func inKittyTheEnlargedImageFillsTheWindowInItsColours() throws {
        try enlargeOne(in: .kitty, render: "kitty")
    }

    func enlargeOne(in program: XTerminalSession.Program, render: String) throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let png = PNGWriter.encode(Self.quarteredPicture())
        let names = (1...9).map { "q\($0).png" }
        for name in names { try folder.write(name, bytes: png) }
        let nginx = try Nginx(root: folder.url, locations: [])
        defer { nginx.stop() }
        let list = folder.url.appendingPathComponent("list.txt")
        try names.map { "\(nginx.baseURL)/\($0)" }.joined(separator: "\n").write(
            to: list, atomically: true, encoding: .utf8)
        let quit = folder.url.appendingPathComponent("quit").path
        let status = folder.url.appendingPathComponent("status").path
        let typist = folder.url.appendingPathComponent("typist.py")
        try Self.typist(quit: quit).write(to: typist, atomically: true, encoding: .utf8)
        // The terminal's answers decide --render auto: on a loaded machine they may come after the default wait.
        let command =
            "python3 '\(typist.path)' < /dev/tty & '\(ChildProcess.galleryExecutable)' -b --count 9 --render \(render)"
            + " --terminal-timeout 5 < '\(list.path)' 2> /dev/null; echo EXIT=$? > '\(status)'; sleep 30"
        let terminal = try XTerminalSession(
            program, columns: Self.columns, rows: Self.rows, command: command, directory: folder.url)
        defer { terminal.stop() }

        let cell = try XTerminalSession.cellSize(
            of: terminal.screenshot(), columns: Self.columns, rows: Self.rows)
        let shot = try terminal.settledScreenshot(seconds: 30) { shot in
            Self.coloured(shot.pixels).count >= 4 * Self.thumbnailArea(cell: cell)
                && Self.misplaced(shot.pixels).isEmpty
        }
        _ = FileManager.default.createFile(atPath: quit, contents: nil)
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gallery-browse-\(render)-\(getpid()).png")
        try Data(PNGWriter.encode(shot.pixels)).write(to: saved)
        print("RealTerminalBrowseTests screenshot: \(saved.path)")

        let drawn = Self.coloured(shot.pixels)
        #expect(drawn.count >= 4 * Self.thumbnailArea(cell: cell), "enlarged: \(drawn.count) coloured pixels")
        #expect(Self.misplaced(shot.pixels).isEmpty, "each quarter in its colour: \(Self.misplaced(shot.pixels))")
        let deadline = ContinuousClock.now + .seconds(20)
        var exit = ""
        while ContinuousClock.now < deadline, !exit.contains("EXIT=") {
            exit = (try? String(contentsOfFile: status, encoding: .utf8)) ?? ""
            usleep(100_000)
        }
        #expect(exit.contains("EXIT=0"), "q, q ends the run: \(exit)")
    }

    /// The quarters of the picture's bounding box whose middle is not the picture's colour there.
    static func misplaced(_ screen: Pixels) -> [String] {
        let box = coloured(screen).box
        var wrong: [String] = []
        for (index, colour) in quarters.enumerated() {
            let x = box.x + (index % 2 == 0 ? box.width / 8 : box.width * 5 / 8)
            let y = box.y + (index < 2 ? box.height / 8 : box.height * 5 / 8)
            let mean = meanColour(screen, x: x, y: y, width: box.width / 4, height: box.height / 4)
            if mean.distance(to: colour) >= 40 { wrong.append("quarter \(index): \(mean) for \(colour)") }
        }
        return wrong
    }

    /// A 3×3 sheet's thumbnail, in screen pixels: a third of the grid's width and of its height, at most.
    static func thumbnailArea(cell: (width: Int, height: Int)) -> Int {
        (columns * cell.width / 3) * (rows * cell.height / 3)
    }

    /// The saturated pixels (the picture's, not text or the black background), and their bounding box.
    static func coloured(_ screen: Pixels) -> (count: Int, box: (x: Int, y: Int, width: Int, height: Int)) {
        var count = 0
        var low = (x: Int.max, y: Int.max)
        var high = (x: 0, y: 0)
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let p = screen[x, y]
                guard Int(max(p.r, p.g, p.b)) - Int(min(p.r, p.g, p.b)) > 100 else { continue }
                count += 1
                low = (min(low.x, x), min(low.y, y))
                high = (max(high.x, x), max(high.y, y))
            }
        }
        guard count > 0 else { return (0, (0, 0, 0, 0)) }
        return (count, (low.x, low.y, high.x - low.x + 1, high.y - low.y + 1))
    }
}
