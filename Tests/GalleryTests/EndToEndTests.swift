import Foundation
import GalleryTestSupport
import Testing

/// The built `gallery` binary, stdout to a pipe, against nginx on loopback.
@Suite(.serialized)
struct EndToEndTests {
    /// Names as on disk, and as they must appear in the output (the URL's own spelling).
    static let images = [
        ("USS_Akron_(ZRS-4)_in_flight.jpg", "USS_Akron_%28ZRS-4%29_in_flight.jpg"),
        ("Chehel_Sotoun_Inside,_Isfahan.jpg", "Chehel_Sotoun_Inside%2C_Isfahan.jpg"),
        ("Meripilus_giganteus_(Karst_1882).jpg", "Meripilus_giganteus_%28Karst_1882%29.jpg"),
        ("Zaandam2.jpg", "Zaandam2.jpg"),
    ]

    /// Input order is slowest first, so the images finish in reverse input order. nginx's `limit_rate` lets a
    /// second's worth of bytes go at once and then paces by whole seconds, so the locations are one second apart:
    /// the file takes 4.5, 3.5, 2.5 and 1.5 seconds' worth of rate (finishing near 3.5, 2.5, 1.5 and 0.5 s).
    @Test func linesStreamInCompletionOrderWithTheTalksFormat() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let jpeg = try Fixtures.bytes("jpeg/good/baseline-420.jpg")
        for (name, _) in Self.images { try folder.write(name, bytes: jpeg) }
        let locations = (0..<4).map { i in
            Nginx.Location(prefix: "/r\(i)/", bytesPerSecond: jpeg.count * 2 / (9 - 2 * i))
        }
        let nginx = try Nginx(root: folder.url, locations: locations)
        defer { nginx.stop() }
        let list = Self.images.enumerated().map { i, image in
            "\(jpeg.count)\t\(nginx.baseURL)/r\(i)/\(image.1)"
        }.joined(separator: "\n")

        let child = try run(
            gallery: ["--count", "4", "--min-bytes", "1000"], stdin: "# demo\n\n" + list, timeout: .seconds(40))
        let status = child.status

        #expect(status == 0, "stderr: \(child.errorText)")
        let expected =
            Self.images.reversed().enumerated().map { i, image in
                "(\(padded(i + 1, 2)))\(padded(grouped(jpeg.count), 12)) bytes | \(image.1)"
            } + ["TOTAL BYTES: \(grouped(jpeg.count * 4))"]
        #expect(child.lines.map(\.text) == expected)
        #expect(!child.lines.contains { $0.text.contains("\u{1B}") }, "no escape sequences into a pipe")
        // Streamed: the first line arrives as its image finishes (~0.4 s), long before the last one (~3.2 s).
        let first = try #require(child.lines.first?.at)
        let last = try #require(child.lines.last?.at)
        #expect(first < last / 2, "first line at \(first) s, last at \(last) s")
    }

    @Test func failedImagesTakeNoNumberAndAreReportedOnStderr() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let jpeg = try Fixtures.bytes("jpeg/good/baseline-420.jpg")
        try folder.write("good.jpg", bytes: jpeg)
        try folder.write("page.jpg", bytes: Array("<!DOCTYPE html><html><body>Not here</body></html>".utf8))
        let nginx = try Nginx(root: folder.url)
        defer { nginx.stop() }
        let list = ["good.jpg", "missing.jpg", "page.jpg"].map { "\(nginx.baseURL)/\($0)" }.joined(separator: "\n")

        let child = try run(gallery: ["--count", "3"], stdin: list, timeout: .seconds(30))
        let status = child.status

        #expect(status == 1)
        #expect(
            child.lines.map(\.text) == [
                "( 1)\(padded(grouped(jpeg.count), 12)) bytes | good.jpg",
                "TOTAL BYTES: \(grouped(jpeg.count))",
            ])
        #expect(child.errorText.contains("\(nginx.baseURL)/missing.jpg: HTTP 404 Not Found"))
        #expect(child.errorText.contains("\(nginx.baseURL)/page.jpg: not a supported image (looks like an HTML page)"))
    }

    @Test func emptyListIsAnErrorWithExitStatus2() async throws {
        let child = try run(gallery: [], stdin: "# nothing\n")
        #expect(child.status == 2)
        #expect(child.errorText.contains("no image"))
    }

    @Test func nonsenseOptionsAreRejected() async throws {
        let child = try run(gallery: ["--count", "0"], stdin: "")
        #expect(child.status == 2)
        #expect(child.errorText == "gallery: '--count' must be at least 1\n")
    }
}

/// Right-aligned in `width` columns, as Python's `{:N}` prints numbers.
func padded(_ value: some CustomStringConvertible, _ width: Int) -> String {
    let text = value.description
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

func grouped(_ value: Int) -> String {
    let digits = Array(String(value))
    var out = ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append("_") }
        out.append(digit)
    }
    return out
}
