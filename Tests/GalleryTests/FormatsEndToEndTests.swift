import Foundation
import GalleryTestSupport
import Imaging
import Testing

/// The built `gallery` binary over a mixed list served by nginx: every supported format is shown, whatever the
/// names say, and everything else gets one line naming what it is.
@Suite(.serialized)
struct FormatsEndToEndTests {
    /// Served name, fixture (nil: the bytes given).
    static let shown = [
        ("photo.jpg", "jpeg/good/baseline-420.jpg"),
        ("diagram.png", "png/good/interlaced-rgba8.png"),
        ("animation.gif", "gif/good/animated.gif"),
        ("animation.webp", "webp/good/animated.webp"),
        ("named-wrongly.jpg", "png/good/palette4-trns.png"),
    ]

    @Test func aMixedListShowsEverySupportedImageAndNamesTheRest() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var sizes: [String: Int] = [:]
        for (name, fixture) in Self.shown {
            let bytes = try Fixtures.bytes(fixture)
            try folder.write(name, bytes: bytes)
            sizes[name] = bytes.count
        }
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg/>\n"
        try folder.write("drawing.svg", bytes: Array(svg.utf8))
        try folder.write("page.png", bytes: Array("<!DOCTYPE html><html><body>Moved</body></html>".utf8))
        let nginx = try Nginx(root: folder.url)
        defer { nginx.stop() }
        let names = Self.shown.map(\.0) + ["drawing.svg", "page.png"]
        let list = names.map { "\(nginx.baseURL)/\($0)" }.joined(separator: "\n")

        let child = try ChildProcess([ChildProcess.galleryExecutable, "--count", "\(names.count)"], stdin: list)
        let status = child.wait(timeout: .seconds(60))

        #expect(status == 1, "stderr: \(child.errorText)")
        let lines = child.lines.map(\.text)
        // Shown in completion order: each with its whole size (animations are downloaded whole), then the total.
        for (name, size) in sizes {
            #expect(
                lines.contains { $0.hasSuffix("\(padded(grouped(size), 12)) bytes | \(name)") }, "\(name): \(lines)")
        }
        #expect(lines.count == sizes.count + 1)
        #expect(lines.last == "TOTAL BYTES: \(grouped(sizes.values.reduce(0, +)))")
        let errors = child.errorText.split(separator: "\n").map(String.init)
        #expect(errors.contains { $0.hasSuffix("\(nginx.baseURL)/drawing.svg: SVG is not supported") }, "\(errors)")
        #expect(
            errors.contains {
                $0.hasSuffix("\(nginx.baseURL)/page.png: not a supported image (looks like an HTML page)")
            }, "\(errors)")
        #expect(errors.count == 2, "\(errors)")
    }

    /// `--json` names each image's format as its bytes said, not as its name does.
    @Test func jsonNamesTheFormatOfEachImage() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        for (name, fixture) in Self.shown { try folder.write(name, bytes: try Fixtures.bytes(fixture)) }
        let nginx = try Nginx(root: folder.url)
        defer { nginx.stop() }
        let list = Self.shown.map { "\(nginx.baseURL)/\($0.0)" }.joined(separator: "\n")

        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--json", "--count", "\(Self.shown.count)"], stdin: list)
        #expect(child.wait(timeout: .seconds(60)) == 0, "stderr: \(child.errorText)")
        var formats: [String: String] = [:]
        for line in child.lines {
            let event = try JSONSerialization.jsonObject(with: Data(line.text.utf8)) as? [String: Any] ?? [:]
            guard event["event"] as? String == "completed", let name = event["name"] as? String else { continue }
            formats[name] = event["format"] as? String
        }
        #expect(
            formats == [
                "photo.jpg": "jpeg", "diagram.png": "png", "animation.gif": "gif", "animation.webp": "webp",
                "named-wrongly.jpg": "png",
            ])
    }

    /// `--save` keeps an animation whole, every frame byte for byte as served, while its thumbnail, drawn in a real
    /// terminal (tmux, truecolor half-blocks), shows its first frame: the quadrants, never the second frame's greys.
    @Test func savedAnimationsAreTheServedFilesWholeWhileTheThumbnailsShowTheFirstFrame() throws {
        let served = ["animation.gif": "gif/good/animated.gif", "animation.webp": "webp/good/animated.webp"]
        let folder = try TempFolder()
        defer { folder.remove() }
        for (name, fixture) in served { try folder.write(name, bytes: try Fixtures.bytes(fixture)) }
        let nginx = try Nginx(root: folder.url)
        defer { nginx.stop() }
        let list = folder.url.appendingPathComponent("list.txt")
        try served.keys.sorted().map { "\(nginx.baseURL)/\($0)" }.joined(separator: "\n").write(
            to: list, atomically: true, encoding: .utf8)
        let saved = folder.url.appendingPathComponent("saved")
        let tmux = try Tmux(
            columns: 80, rows: 24,
            command: "'\(ChildProcess.galleryExecutable)' --count 2 --save '\(saved.path)' --render blocks"
                + " --symbols half --colors truecolor < '\(list.path)'; echo EXIT=$?")
        defer { tmux.kill() }

        let done = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("EXIT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        for (name, fixture) in served {
            let bytes = try? [UInt8](Data(contentsOf: saved.appendingPathComponent(name)))
            #expect(bytes == (try Fixtures.bytes(fixture)), "\(name) is saved whole")
        }
        // Two slots side by side, 39 columns each; each must show the four quadrant colours and no grey.
        let slots = HalfBlockColours.byColumn(try tmux.capture(escapes: true), split: 40)
        for (index, colours) in slots.enumerated() {
            for quadrant in Self.quadrants {
                #expect(colours.contains { Self.near($0, quadrant) }, "slot \(index + 1) shows \(quadrant)")
            }
            let greys = colours.filter { max($0.r, $0.g, $0.b) - min($0.r, $0.g, $0.b) <= 4 }
            #expect(greys.isEmpty, "slot \(index + 1) shows no grey of the second frame: \(greys)")
        }
    }

    /// The first frame's quadrants (Fixtures/png/good/rgb8.png); the second frame is their greys.
    static let quadrants = [RGB(220, 40, 40), RGB(40, 180, 60), RGB(40, 60, 200), RGB(230, 210, 50)]

    static func near(_ a: RGB, _ b: RGB) -> Bool {
        abs(Int(a.r) - Int(b.r)) <= 12 && abs(Int(a.g) - Int(b.g)) <= 12 && abs(Int(a.b) - Int(b.b)) <= 12
    }
}

/// The colours of the half-block cells (`▀`, foreground over background) in a screen captured with its escape
/// sequences (`tmux capture-pane -e`), gathered separately left and right of a column.
enum HalfBlockColours {
    static func byColumn(_ screen: String, split: Int) -> [Set<RGB>] {
        var sides: [Set<RGB>] = [[], []]
        for line in screen.split(separator: "\n", omittingEmptySubsequences: false) {
            var column = 0
            var foreground: RGB?
            var background: RGB?
            var rest = Substring(line)
            while let character = rest.first {
                if character == "\u{1B}", let end = rest.firstIndex(of: "m") {
                    let parameters = rest[rest.index(rest.startIndex, offsetBy: 2)..<end].split(separator: ";")
                    apply(parameters.map { Int($0) ?? 0 }, foreground: &foreground, background: &background)
                    rest = rest[rest.index(after: end)...]
                    continue
                }
                if character == "▀" {
                    let side = column < split ? 0 : 1
                    if let foreground { sides[side].insert(foreground) }
                    if let background { sides[side].insert(background) }
                }
                column += 1
                rest = rest.dropFirst()
            }
        }
        return sides
    }

    /// One SGR sequence: 38;2;R;G;B and 48;2;R;G;B set the colours, 0, 39 and 49 reset them.
    private static func apply(_ codes: [Int], foreground: inout RGB?, background: inout RGB?) {
        var i = 0
        while i < codes.count {
            switch codes[i] {
            case 0:
                foreground = nil
                background = nil
            case 39: foreground = nil
            case 49: background = nil
            case 38,
                48 where i + 4 < codes.count && codes[i + 1] == 2:
                let colour = RGB(
                    UInt8(clamping: codes[i + 2]), UInt8(clamping: codes[i + 3]), UInt8(clamping: codes[i + 4]))
                if codes[i] == 38 { foreground = colour } else { background = colour }
                i += 4
            default: break
            }
            i += 1
        }
    }
}
