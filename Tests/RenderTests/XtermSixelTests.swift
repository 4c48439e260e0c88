import Foundation
import Imaging
import Render
import Testing

/// Sixel on a real terminal: Debian's xterm in VT340 mode with 256 colour registers, on an Xvfb display.
/// We draw one known image, take a screenshot with `xwd`, and check the mean colour of each region.
/// The screenshot is kept as a PNG (path printed) so a person can look at it.
struct XtermSixelTests {
    static let tools = ["Xvfb", "xterm", "xwd"].map { name in
        ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static let available = tools.allSatisfy { $0 != nil }

    /// 240×100: four flat quadrants on the left (red, green / blue, yellow), our gradient on the right.
    /// 100 rows end in a part-filled sixel band, so the rows under the image show whether padding leaked.
    static let image: Pixels = {
        var image = Pixels(width: 240, height: 100, filledWith: RGB(0, 0, 0))
        let quadrants = [RGB(230, 20, 20), RGB(20, 200, 40), RGB(30, 40, 220), RGB(240, 220, 30)]
        let gradient = TestImages.gradient(width: 120, height: 100)
        for y in 0..<100 {
            for x in 0..<120 {
                image[x, y] = quadrants[(y / 50) * 2 + x / 60]
                image[120 + x, y] = gradient[x, y]
            }
        }
        return image
    }()

    @Test(
        .enabled(if: available, "needs Xvfb, xterm and xwd (apt-get install xvfb xterm x11-apps xfonts-base)"),
        .timeLimit(.minutes(1)))
    func sixelImageAppearsInXterm() throws {
        let display = ":\(90 + Int(getpid()) % 100)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gallery-xterm-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let drawing = directory.appendingPathComponent("sixel.bin")
        var bytes: [UInt8] = Escape.hideCursor.bytes + Escape.eraseScreen.bytes
        bytes += SixelEncoder(colorRegisters: 256).encode(Self.image, at: CellPosition(row: 1, column: 2))
        try Data(bytes).write(to: drawing)

        let server = try Self.start(Self.tools[0]!, ["\(display)", "-screen", "0", "640x400x24", "-nolisten", "tcp"])
        defer { Self.stop(server) }
        try Self.waitFor { FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(display.dropFirst())") }
        let terminal = try Self.start(
            Self.tools[1]!,
            [
                "-display", display, "-ti", "vt340", "-xrm", "XTerm*numColorRegisters: 256",
                "-xrm", "XTerm*decTerminalID: vt340", "-bg", "black", "-fg", "white", "-b", "0", "-bw", "0",
                "-geometry", "80x24+0+0", "-e", "sh", "-c", "cat '\(drawing.path)'; sleep 60",
            ])
        defer { Self.stop(terminal) }

        // Screenshots until the red quadrant shows up (xterm takes a moment to map and draw).
        var screen: Pixels?
        var origin: (x: Int, y: Int)?
        try Self.waitFor(seconds: 15) {
            let dump = directory.appendingPathComponent("screen.xwd")
            guard Self.run(Self.tools[2]!, ["-display", display, "-root", "-silent", "-out", dump.path]) == 0,
                let data = try? Data(contentsOf: dump), let pixels = try? XWDReader.decode(Array(data))
            else { return false }
            screen = pixels
            origin = Self.topLeft(of: RGB(230, 20, 20), in: pixels)
            return origin != nil
        }
        let shot = try #require(screen)
        let png = directory.appendingPathComponent("xterm-sixel.png")
        try Data(PNGWriter.encode(shot)).write(to: png)
        print("xterm sixel screenshot: \(png.path)")
        let (x0, y0) = try #require(origin)

        // Flat quadrants, inset so edge pixels do not matter.
        let expected = [RGB(230, 20, 20), RGB(20, 200, 40), RGB(30, 40, 220), RGB(240, 220, 30)]
        for (index, colour) in expected.enumerated() {
            let x = x0 + (index % 2) * 60 + 5
            let y = y0 + (index / 2) * 50 + 5
            let mean = Self.mean(shot, x: x, y: y, width: 50, height: 40)
            #expect(TestImages.distance(mean, colour) <= 6, "quadrant \(index): \(mean) vs \(colour)")
        }
        // The gradient half, quantized to 256 colours, averages like the source in each of four bands.
        for band in 0..<4 {
            let mean = Self.mean(shot, x: x0 + 120 + band * 30, y: y0, width: 30, height: 100)
            let source = Self.mean(Self.image, x: 120 + band * 30, y: 0, width: 30, height: 100)
            #expect(TestImages.distance(mean, source) <= 8, "gradient band \(band): \(mean) vs \(source)")
        }
        // Under the image (the last band's two padding rows and below): still the black background.
        let below = Self.mean(shot, x: x0, y: y0 + 100, width: 240, height: 2)
        #expect(TestImages.distance(below, RGB(0, 0, 0)) <= 2, "rows under the image: \(below)")
        #expect(x0 > 0 && y0 > 0, "the image starts at cell (1, 2), not at the window's corner")
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("screen.xwd"))
    }

    /// The first pixel (row-major) of a 20×20 block of `colour`.
    static func topLeft(of colour: RGB, in pixels: Pixels) -> (x: Int, y: Int)? {
        for y in 0..<(pixels.height - 20) {
            for x in 0..<(pixels.width - 20) where TestImages.distance(pixels[x, y], colour) <= 6 {
                if TestImages.distance(pixels[x + 19, y + 19], colour) <= 6 {
                    return (x, y)
                }
            }
        }
        return nil
    }

    static func mean(_ pixels: Pixels, x: Int, y: Int, width: Int, height: Int) -> RGB {
        var sums = (0, 0, 0)
        for row in y..<(y + height) {
            for column in x..<(x + width) {
                let p = pixels[column, row]
                sums = (sums.0 + Int(p.r), sums.1 + Int(p.g), sums.2 + Int(p.b))
            }
        }
        let n = width * height
        return RGB(UInt8(sums.0 / n), UInt8(sums.1 / n), UInt8(sums.2 / n))
    }

    static func start(_ path: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGTERM, then SIGKILL if it is still there after two seconds; never an unbounded wait.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        if !waitForExit(process, seconds: 2) {
            kill(process.processIdentifier, SIGKILL)
            _ = waitForExit(process, seconds: 2)
        }
    }

    /// Runs a short command to completion (at most ten seconds) and returns its exit status, -1 if it hung.
    static func run(_ path: String, _ arguments: [String]) -> Int32 {
        guard let process = try? start(path, arguments) else { return -1 }
        guard waitForExit(process, seconds: 10) else {
            stop(process)
            return -1
        }
        return process.terminationStatus
    }

    static func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline {
            usleep(20_000)
        }
        return !process.isRunning
    }

    struct Timeout: Error {}

    static func waitFor(seconds: Double = 5, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(200_000)
        }
        throw Timeout()
    }
}
