import Foundation
import GalleryTestSupport
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
}
