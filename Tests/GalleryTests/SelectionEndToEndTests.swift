import Foundation
import GalleryTestSupport
import Testing

/// Selection against a real server: which lines are probed with HEAD, how many, and what gets shown.
@Suite(.serialized)
struct SelectionEndToEndTests {
    /// Requests of one method in nginx's access log.
    static func requests(_ method: String, in server: JPEGServer) -> [String] {
        server.nginx.accessLog().split(separator: "\n").filter { $0.contains("\"\(method) ") }.map(String.init)
    }

    /// Lines are taken in list order and an unsized line is probed only when reached: behind sized lines that
    /// fill the count, it never is.
    @Test func sizedLinesAreNotProbedWhenTheyFillTheCount() async throws {
        let names = (1...6).map { "s\($0).jpg" }
        let server = try JPEGServer(names: names)
        defer { server.stop() }
        let size = server.jpeg.count
        let list =
            names.dropFirst().map { "\(size) \(server.url($0))" }.joined(separator: "\n")
            + "\n\(server.url("s1.jpg"))\n"
        let gallery = try run(gallery: ["--count", "3", "--min-bytes", "1000"], stdin: list)
        #expect(gallery.status == 0, "stderr: \(gallery.errorText)")
        #expect(Self.requests("HEAD", in: server).isEmpty)
        #expect(
            gallery.lines.dropLast().compactMap { $0.text.split(separator: " ").last.map(String.init) }
                .sorted() == ["s2.jpg", "s3.jpg", "s4.jpg"])
    }

    @Test func linesWithoutASizeAreProbedOnlyAsFarAsNeeded() async throws {
        // Two sized lines, then sizeless ones: one missing (404), then enough good ones.
        let names = (1...10).map { "u\($0).jpg" }
        let server = try JPEGServer(names: names)
        defer { server.stop() }
        let size = server.jpeg.count
        let list =
            ["\(size) \(server.url("u1.jpg"))", "\(size) \(server.url("u2.jpg"))", server.url("gone.jpg")]
            + names.dropFirst(2).map { server.url($0) }
        let gallery = try run(
            gallery: ["--count", "4", "--min-bytes", "1000", "--concurrency", "1"],
            stdin: list.joined(separator: "\n"))
        #expect(gallery.status == 0, "stderr: \(gallery.errorText)")
        // Need 2 more: gone.jpg (404, ineligible), u3, u4 — three HEADs, no more.
        let heads = Self.requests("HEAD", in: server)
        #expect(heads.count == 3, "\(heads)")
        #expect(gallery.errorText.contains("gone.jpg: size unknown (HTTP 404 Not Found)"))
        #expect(
            Set(Self.requests("GET", in: server).compactMap { $0.split(separator: " ").dropFirst(6).first })
                == ["/u1.jpg", "/u2.jpg", "/u3.jpg", "/u4.jpg"])
    }

    @Test func shuffleOverSizelessLinesProbesAtMostFourTimesCount() async throws {
        // Every line is sizeless and too small: the sample is probed and no more.
        let names = (1...30).map { "t\($0).jpg" }
        let server = try JPEGServer(names: names)
        defer { server.stop() }
        let gallery = try run(
            gallery: ["--count", "2", "--min-bytes", "100000000", "--shuffle", "--seed", "3"],
            stdin: names.map { server.url($0) }.joined(separator: "\n"))
        #expect(gallery.status == 2)
        #expect(Self.requests("HEAD", in: server).count == 8)
        #expect(Self.requests("GET", in: server).isEmpty)
        #expect(gallery.errorText.contains("no image in the list is at least 100_000_000 bytes"))
    }

    @Test func theSameSeedShowsTheSameImages() async throws {
        let names = (1...20).map { "r\($0).jpg" }
        let server = try JPEGServer(names: names)
        defer { server.stop() }
        let list = names.map { "\(server.jpeg.count) \(server.url($0))" }.joined(separator: "\n")
        func shown(seed: Int) throws -> Set<String> {
            let gallery = try run(gallery: ["--count", "4", "--shuffle", "--seed", String(seed)], stdin: list)
            #expect(gallery.status == 0, "stderr: \(gallery.errorText)")
            return Set(gallery.lines.dropLast().compactMap { $0.text.split(separator: " ").last.map(String.init) })
        }
        let first = try shown(seed: 11)
        #expect(first.count == 4)
        #expect(try shown(seed: 11) == first)
    }

    @Test func aFailedImageIsReplacedByASpareAndStillCounts() async throws {
        let server = try JPEGServer(names: ["a.jpg", "spare.jpg"])
        defer { server.stop() }
        let list = ["a.jpg", "missing.jpg", "spare.jpg"].map(server.url).joined(separator: "\n")
        let gallery = try run(gallery: ["--count", "2"], stdin: list)
        #expect(gallery.status == 1, "a failure is reported in the status even when a spare filled its slot")
        let names = gallery.lines.dropLast().compactMap { $0.text.split(separator: " ").last.map(String.init) }
        #expect(Set(names) == ["a.jpg", "spare.jpg"])
        #expect(gallery.lines.map { String($0.text.prefix(4)) }.dropLast() == ["( 1)", "( 2)"])
        #expect(gallery.errorText.contains("missing.jpg: HTTP 404 Not Found"))
    }

    @Test func noReplaceLeavesTheSlotEmpty() async throws {
        let server = try JPEGServer(names: ["a.jpg", "spare.jpg"])
        defer { server.stop() }
        let list = ["a.jpg", "missing.jpg", "spare.jpg"].map(server.url).joined(separator: "\n")
        let gallery = try run(gallery: ["--count", "2", "--no-replace"], stdin: list)
        #expect(gallery.status == 1)
        #expect(gallery.lines.count == 2)
        #expect(!server.nginx.accessLog().contains("spare.jpg"))
    }
}
