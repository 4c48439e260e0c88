import Foundation
import GalleryTestSupport
import Imaging
import Render
import Testing

/// Sixel on a real terminal: Debian's xterm in VT340 mode with 256 colour registers, on an Xvfb display.
/// We draw one known image, take a screenshot with `xwd`, and check the mean colour of each region.
/// The screenshot is kept as a PNG (path printed) so a person can look at it. Serialized: one X display.
@Suite(.serialized)
struct XtermSixelTests {

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
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(1)))
    func sixelImageAppearsInXterm() throws {
        var bytes: [UInt8] = Escape.hideCursor.bytes + Escape.eraseScreen.bytes
        bytes += SixelEncoder(colorRegisters: 256).encode(Self.image, at: CellPosition(row: 1, column: 2))
        var origin: (x: Int, y: Int)?
        let shot = try Self.screenshot(of: bytes, name: "xterm-sixel") { pixels in
            origin = Self.topLeft(of: RGB(230, 20, 20), in: pixels)
            return origin != nil
        }
        let (x0, y0) = try #require(origin)

        // Flat quadrants, inset so edge pixels do not matter.
        let expected = [RGB(230, 20, 20), RGB(20, 200, 40), RGB(30, 40, 220), RGB(240, 220, 30)]
        for (index, colour) in expected.enumerated() {
            let x = x0 + (index % 2) * 60 + 5
            let y = y0 + (index / 2) * 50 + 5
            let mean = meanColour(shot, x: x, y: y, width: 50, height: 40)
            #expect(mean.distance(to: colour) <= 6, "quadrant \(index): \(mean) vs \(colour)")
        }
        // The gradient half, quantized to 256 colours, averages like the source in each of four bands.
        for band in 0..<4 {
            let mean = meanColour(shot, x: x0 + 120 + band * 30, y: y0, width: 30, height: 100)
            let source = meanColour(Self.image, x: 120 + band * 30, y: 0, width: 30, height: 100)
            #expect(mean.distance(to: source) <= 8, "gradient band \(band): \(mean) vs \(source)")
        }
        // Under the image (the last band's two padding rows and below): still the black background.
        let below = meanColour(shot, x: x0, y: y0 + 100, width: 240, height: 2)
        #expect(below.distance(to: RGB(0, 0, 0)) <= 2, "rows under the image: \(below)")
        #expect(x0 == 2 * 6 && y0 == 1 * 13, "the image starts at cell (1, 2) of a 6×13 font: \(x0), \(y0)")
    }

    /// The whole contact sheet, as `GalleryScreen` draws it with the sixel encoder: four slots filled with
    /// flat colours (captions under them), then the final frame. xterm's `6x13` font fixes the cell size.
    @Test(
        .enabled(if: XTerminalSession.isAvailable(.xterm), Comment(rawValue: XTerminalSession.skipReason(.xterm))),
        .timeLimit(.minutes(1)))
    func contactSheetInXterm() throws {
        let cell = CellPixels(width: 6, height: 13)
        var screen = GalleryScreen(
            layout: GridLayout(terminal: CellSize(columns: 80, rows: 24), slotCount: 4),
            encoder: SixelEncoder(cellPixels: cell, colorRegisters: 256))
        var bytes = Escape.hideCursor.bytes + screen.begin()
        let colours = [RGB(200, 30, 30), RGB(30, 180, 60), RGB(40, 60, 210), RGB(230, 200, 40)]
        let box = screen.pixelBox
        for (slot, colour) in colours.enumerated() {
            bytes += screen.fill(
                slot: slot, pixels: Pixels(width: box.width, height: box.height, filledWith: colour),
                caption: Caption(title: "(\(slot + 1))  1_000 bytes", name: "slot-\(slot + 1).jpg"))
        }
        bytes += screen.finish()
        let layout = screen.layout
        let lastRect = try #require(layout.thumbnailRect(3))
        let lastCentre = (
            x: (lastRect.origin.column + lastRect.size.columns / 2) * cell.width,
            y: (lastRect.origin.row + lastRect.size.rows / 2) * cell.height
        )
        let shot = try Self.screenshot(of: bytes, name: "xterm-contact-sheet") { pixels in
            pixels[lastCentre.x, lastCentre.y].distance(to: colours[3]) <= 6
        }
        for (slot, colour) in colours.enumerated() {
            let rect = try #require(layout.thumbnailRect(slot))
            let mean = meanColour(
                shot, x: rect.origin.column * cell.width + 2, y: rect.origin.row * cell.height + 2,
                width: rect.size.columns * cell.width - 4, height: rect.size.rows * cell.height - 4)
            #expect(mean.distance(to: colour) <= 6, "slot \(slot): \(mean) vs \(colour)")
            // The caption row right under the thumbnail is text, not image.
            let caption = meanColour(
                shot, x: rect.origin.column * cell.width, y: rect.endRow * cell.height,
                width: rect.size.columns * cell.width, height: cell.height)
            #expect(caption.distance(to: colour) > 60, "slot \(slot) caption looks like image: \(caption)")
        }
    }

    /// Has xterm (VT340, 256 colour registers, 6x13 font, no borders) print `bytes`, and takes screenshots
    /// until `ready` accepts one, which is kept as `<name>.png` (path printed).
    static func screenshot(
        of bytes: [UInt8], name: String, columns: Int = 80, rows: Int = 24, until ready: (Pixels) -> Bool
    ) throws -> Pixels {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gallery-xterm-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let drawing = directory.appendingPathComponent("\(name).bin")
        try Data(bytes).write(to: drawing)
        let xterm = try XTerminalSession(
            .xterm, columns: columns, rows: rows, command: "cat '\(drawing.path)'; sleep 60", directory: directory)
        defer { xterm.stop() }
        let pixels = try xterm.settledScreenshot(seconds: 30) { ready($0.pixels) }.pixels
        let png = directory.appendingPathComponent("\(name).png")
        try Data(PNGWriter.encode(pixels)).write(to: png)
        print("\(name) screenshot: \(png.path)")
        return pixels
    }

    /// The first pixel (row-major) of a 20×20 block of `colour`.
    static func topLeft(of colour: RGB, in pixels: Pixels) -> (x: Int, y: Int)? {
        for y in 0..<(pixels.height - 20) {
            for x in 0..<(pixels.width - 20) where pixels[x, y].distance(to: colour) <= 6 {
                if pixels[x + 19, y + 19].distance(to: colour) <= 6 {
                    return (x, y)
                }
            }
        }
        return nil
    }
}
