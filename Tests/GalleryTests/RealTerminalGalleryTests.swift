import Foundation
import GalleryTestSupport
import Imaging
import Render
import Testing

/// The real `gallery` binary in real pixel terminals under Xvfb: Debian's xterm in VT340 mode (sixel, 256
/// colour registers) and Debian's kitty (kitty graphics), against loopback nginx serving four flat-colour
/// JPEGs paced to finish in a known order. After the run a screenshot (`xwd`) must show each picture in the
/// slot of its completion, captions under the slots, the report under the grid, and no picture anywhere
/// else. The terminal's log of the bytes gallery wrote checks the text we cannot read off the pixels. The
/// screenshot is kept as a PNG (path printed).
@Suite(.serialized)
struct RealTerminalGalleryTests {
    struct Picture {
        var name: String
        var colour: RGB
        /// nginx location serving it; "/" is unpaced.
        var prefix: String
        var bytesPerSecond: Int
    }

    /// Every file is exactly this long (a comment pads the JPEG), so the captions and total are known.
    static let fileSize = 24_000

    /// In list order. Colours of xterm's 6×6×6 cube, so half-blocks in 256 colours show them exactly too.
    /// nginx sends the first second's worth at once and then paces, so a file of S bytes at R bytes/s ends
    /// after about S/R − 1 s: blue at once, red ≈ 1.5 s, yellow ≈ 3 s, green ≈ 5 s.
    static let pictures = [
        Picture(name: "red.jpg", colour: RGB(215, 0, 0), prefix: "/r/", bytesPerSecond: 9_600),
        Picture(name: "green.jpg", colour: RGB(0, 175, 0), prefix: "/g/", bytesPerSecond: 4_000),
        Picture(name: "blue.jpg", colour: RGB(0, 0, 215), prefix: "/", bytesPerSecond: 0),
        Picture(name: "yellow.jpg", colour: RGB(255, 215, 0), prefix: "/y/", bytesPerSecond: 6_000),
    ]
    static let completionOrder = ["blue.jpg", "red.jpg", "yellow.jpg", "green.jpg"]

    static let columns = 80
    static let rows = 24

    @Test(
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(1)))
    func autoDetectsSixelAndDrawsEachPictureInItsSlot() throws {
        let run = try Self.run(render: "auto", in: .xterm)
        #expect(
            run.errors.contains("drawing with sixel: DA1 lists sixel"),
            "--render auto in xterm -ti vt340 picks sixel from DA1:\n\(run.errors)")
        #expect(run.output.contains("\u{1B}P"), "sixel images (DCS) were written")
        #expect(!run.output.contains("▀"), "no half-blocks")
        try Self.checkScreen(run)
    }

    @Test(
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(1)))
    func halfBlocksDrawEachPictureInItsSlot() throws {
        let run = try Self.run(render: "blocks", in: .xterm)
        #expect(!run.output.contains("\u{1B}P"), "no sixel")
        #expect(!run.output.contains("\u{1B}_G"), "--render blocks asks the terminal nothing")
        #expect(Self.setsBackgrounds(run.output), "text cells: flat pictures are spaces on a background")
        try Self.checkScreen(run)
    }

    /// kitty with TERM=xterm-256color and no KITTY_WINDOW_ID, so nothing in the environment names it: the
    /// answer to the kitty graphics query must.
    @Test(
        .enabled(if: XTerminalSession.isAvailable(.kitty), Comment(rawValue: XTerminalSession.skipReason(.kitty))),
        .timeLimit(.minutes(1)))
    func autoDetectsKittyByItsGraphicsQueryAndDrawsEachPictureInItsSlot() throws {
        let run = try Self.run(
            render: "auto", in: .kitty, termName: "xterm-256color", prelude: "unset KITTY_WINDOW_ID; ")
        #expect(
            run.errors.contains("drawing with kitty: the terminal answered the kitty graphics query"),
            "--render auto in kitty picks kitty from its answer:\n\(run.errors)")
        #expect(run.output.contains("\u{1B}_Ga=T,f=24"), "kitty images were written")
        #expect(!run.output.contains("▀"), "no half-blocks")
        try Self.checkScreen(run)
    }

    /// tmux 3.3a (Debian's) with allow-passthrough on, in xterm VT340: tmux answers for itself and names its
    /// version, gallery draws half-blocks (passthrough sixel would land at the outer cursor), and nothing of
    /// the detection reaches xterm as garbage.
    @Test(
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(1)))
    func insideTmuxAutoDrawsHalfBlocksInEachSlot() throws {
        let run = try Self.run(render: "auto", in: .xterm, insideTmux: true)
        #expect(
            run.errors.contains("drawing with blocks: inside tmux 3.3a: before 3.4 passthrough images land"),
            "--render auto inside tmux 3.3a falls back to half-blocks:\n\(run.errors)")
        #expect(!run.output.contains("\u{1B}P"), "no sixel or passthrough reached xterm")
        #expect(!run.output.contains("\u{1B}_G"), "no kitty graphics reached xterm")
        #expect(Self.setsBackgrounds(run.output), "text cells: flat pictures are spaces on a background")
        try Self.checkScreen(run)
    }

    /// Whether `output` sets a background colour in any encoding (SGR 40–47, 100–107, 48;5;n or 48;2;r;g;b):
    /// text thumbnails do, whatever glyphs they pick, and flat pictures are all background.
    static func setsBackgrounds(_ output: String) -> Bool {
        output.split(separator: "\u{1B}[").contains { sequence in
            guard let end = sequence.firstIndex(of: "m") else { return false }
            let parameters = sequence[..<end].split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
            var i = 0
            while i < parameters.count {
                switch parameters[i] {
                case 48: return true
                case 38: i += parameters.dropFirst(i + 1).first == 5 ? 3 : 5
                case .some(40...47), .some(100...107): return true
                default: i += 1
                }
            }
            return false
        }
    }

    struct Run {
        var screen: Pixels
        /// One cell in screen pixels.
        var cell: (width: Int, height: Int)
        var status: String
        var errors: String
        /// Everything gallery (and the shell) wrote to the terminal.
        var output: String
    }

    /// Serves the pictures, runs `prelude` and `gallery --count 4 --render <render> --verbose` in `program`
    /// with the shell kept alive afterwards, waits for its exit status, and takes screenshots until two in a
    /// row agree.
    static func run(
        render: String, in program: XTerminalSession.Program, termName: String? = "xterm-256color",
        prelude: String = "", insideTmux: Bool = false
    ) throws -> Run {
        let folder = try TempFolder()
        defer { folder.remove() }
        for picture in pictures {
            try folder.write(
                picture.name,
                bytes: try SolidJPEG.make(
                    red: picture.colour.r, green: picture.colour.g, blue: picture.colour.b, width: 240, height: 160,
                    size: fileSize))
        }
        let paced = pictures.filter { $0.bytesPerSecond > 0 }.map {
            Nginx.Location(prefix: $0.prefix, bytesPerSecond: $0.bytesPerSecond)
        }
        let nginx = try Nginx(root: folder.url, locations: paced)
        defer { nginx.stop() }
        let list = folder.url.appendingPathComponent("list.txt")
        try pictures.map { nginx.baseURL + $0.prefix + $0.name }.joined(separator: "\n")
            .write(to: list, atomically: true, encoding: .utf8)

        let status = folder.url.appendingPathComponent("status")
        let errors = folder.url.appendingPathComponent("stderr")
        // The terminal's answers decide --render auto: on a loaded machine they may come after the default wait.
        var command =
            prelude + "'\(ChildProcess.galleryExecutable)' --count 4 --render \(render) --verbose --terminal-timeout 5"
            + " < '\(list.path)' 2> '\(errors.path)'; echo EXIT=$? > '\(status.path)'; sleep 30"
        // A tmux server of its own, with passthrough allowed and no status line (the screen under the report
        // must stay dark), running the command in its only pane.
        let socket = uniqueName("gallery-test")
        defer { if insideTmux { Tmux.killServer(socket: socket) } }
        if insideTmux {
            let config = folder.url.appendingPathComponent("tmux.conf")
            try "set -g allow-passthrough on\nset -g status off\nset -g default-terminal tmux-256color\n"
                .write(to: config, atomically: true, encoding: .utf8)
            let script = folder.url.appendingPathComponent("run.sh")
            try command.write(to: script, atomically: true, encoding: .utf8)
            command =
                "exec '\(Tmux.executable)' -L \(socket) -f '\(config.path)' new-session -x \(columns) -y \(rows) "
                + "sh '\(script.path)'"
        }
        let terminal = try XTerminalSession(
            program, columns: columns, rows: rows, termName: termName, command: command, directory: folder.url)
        defer { terminal.stop() }

        // The downloads take about five seconds; the deadline only guards against a hang.
        let deadline = ContinuousClock.now + .seconds(30)
        var exit = ""
        while ContinuousClock.now < deadline {
            exit = (try? String(contentsOf: status, encoding: .utf8)) ?? ""
            if exit.contains("EXIT=") { break }
            usleep(100_000)
        }
        let shot = try terminal.settledScreenshot(seconds: 5)
        let screen = shot.pixels
        let png = FileManager.default.temporaryDirectory
            .appendingPathComponent("gallery-\(program.rawValue)\(insideTmux ? "-tmux" : "")-\(render)-\(getpid()).png")
        try Data(PNGWriter.encode(screen)).write(to: png)
        print("RealTerminalGalleryTests \(program.rawValue) --render \(render) screenshot: \(png.path)")

        return Run(
            screen: screen, cell: XTerminalSession.cellSize(of: shot, columns: columns, rows: rows),
            status: exit.trimmingCharacters(in: .whitespacesAndNewlines),
            errors: (try? String(contentsOf: errors, encoding: .utf8)) ?? "",
            output: String(decoding: terminal.loggedOutput(), as: UTF8.self))
    }

    /// The checks both renderings share.
    static func checkScreen(_ run: Run) throws {
        #expect(run.status == "EXIT=0", "gallery's exit status (\(run.status)); stderr:\n\(run.errors)")
        let screen = run.screen
        let cell = run.cell
        // Whole cells and no padding (kitty's window has one spare pixel row and column).
        #expect(screen.width - columns * cell.width <= 1 && screen.height - rows * cell.height <= 1)
        let layout = GridLayout(terminal: CellSize(columns: columns, rows: rows), slotCount: 4)
        let colours = try completionOrder.map { name in try #require(pictures.first { $0.name == name }).colour }

        for (slot, colour) in colours.enumerated() {
            guard let rect = layout.thumbnailRect(slot), let caption = layout.captionRect(slot) else {
                Issue.record("slot \(slot) is not on screen in \(layout)")
                continue
            }
            let box = pixels(of: rect, cell: cell)
            // The middle of the thumbnail (a sixel picture sits on the caption, so lean low).
            let middle = meanColour(
                screen, x: box.x + box.width / 4, y: box.y + box.height * 3 / 10, width: box.width / 2,
                height: box.height / 2)
            #expect(
                middle.distance(to: colour) <= 10,
                "slot \(slot + 1) should show \(completionOrder[slot]) \(colour), its middle is \(middle)")
            let covered = count(screen, in: box) { $0.distance(to: colour) <= 24 }
            #expect(
                covered * 10 >= box.width * box.height * 7,
                "slot \(slot + 1): \(covered) of \(box.width * box.height) pixels are \(completionOrder[slot])'s colour"
            )
            // The picture stays inside its thumbnail: not over a neighbour, its caption, or the report.
            let everywhere = count(screen, in: (0, 0, screen.width, screen.height)) { $0.distance(to: colour) <= 24 }
            #expect(
                everywhere == covered,
                "\(everywhere - covered) pixels of \(completionOrder[slot])'s colour outside its slot")
            // Both caption lines have text on them ("( 1)      24_000" and the name).
            for line in 0..<GridLayout.captionLines {
                let row = pixels(
                    of: CellRect(
                        row: caption.origin.row + line, column: caption.origin.column, columns: caption.size.columns,
                        rows: 1),
                    cell: cell)
                let text = count(screen, in: row, where: isText)
                #expect(text >= 20, "slot \(slot + 1) caption line \(line + 1) looks blank (\(text) text pixels)")
            }
        }

        // Under the grid: the final tally, the four report lines and TOTAL BYTES, one per row, then the
        // cursor's row, then nothing at all (the screen below the report is clean).
        let top = layout.progressArea.origin.row
        for row in top..<(top + 6) {
            let text = count(
                screen, in: pixels(of: CellRect(row: row, column: 0, columns: columns, rows: 1), cell: cell),
                where: isText)
            #expect(text >= 20, "row \(row) under the grid should hold report text (\(text) text pixels)")
        }
        let below = pixels(of: CellRect(row: top + 7, column: 0, columns: columns, rows: rows - top - 7), cell: cell)
        let lit = count(screen, in: below) { $0.distance(to: RGB(0, 0, 0)) > 8 }
        #expect(lit == 0, "\(lit) pixels lit below the report, rows \(top + 7)…\(rows - 1)")

        // The text, from the bytes gallery wrote: the report in completion order and the total.
        var previous = run.output.startIndex
        for (index, name) in completionOrder.enumerated() {
            let line = "(\(index + 1 < 10 ? " " : "")\(index + 1))      24_000 bytes | \(name)"
            guard let found = run.output.range(of: line, range: previous..<run.output.endIndex) else {
                Issue.record("report line \"\(line)\" missing or out of order")
                continue
            }
            previous = found.upperBound
        }
        #expect(run.output.contains("TOTAL BYTES: 96_000"))
    }

    /// A cell rectangle in screen pixels.
    static func pixels(of rect: CellRect, cell: (width: Int, height: Int)) -> (
        x: Int, y: Int, width: Int, height: Int
    ) {
        (
            rect.origin.column * cell.width, rect.origin.row * cell.height, rect.size.columns * cell.width,
            rect.size.rows * cell.height
        )
    }

    /// Text is drawn in white (bold) or grey (dim); pictures here are saturated colours and the background black.
    static func isText(_ p: RGB) -> Bool {
        min(p.r, p.g, p.b) >= 100
    }

    static func count(
        _ screen: Pixels, in box: (x: Int, y: Int, width: Int, height: Int), where matches: (RGB) -> Bool
    ) -> Int {
        var n = 0
        for y in max(0, box.y)..<min(screen.height, box.y + box.height) {
            for x in max(0, box.x)..<min(screen.width, box.x + box.width) where matches(screen[x, y]) {
                n += 1
            }
        }
        return n
    }
}
