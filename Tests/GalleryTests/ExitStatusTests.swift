import Foundation
import GalleryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// gallery's exit statuses, one test per case: 0, 1, 2, 130.
@Suite(.serialized)
struct ExitStatusTests {
    @Test func zeroWhenCountImagesWereShownAndNoneFailed() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg"])
        defer { server.stop() }
        let child = try run(gallery: ["--count", "2"], stdin: "\(server.url("a.jpg"))\n\(server.url("b.jpg"))")
        #expect(child.status == 0, "stderr: \(child.errorText)")
    }

    @Test func oneWhenFewerThanCountCouldBeShown() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let child = try run(gallery: ["--count", "3"], stdin: server.url("a.jpg"))
        #expect(child.status == 1)
        #expect(child.errorText == "gallery: only 1 of 3 images qualify; showing those\n")
    }

    @Test func oneWhenAnImageFailedEvenThoughASpareTookItsSlot() async throws {
        let server = try JPEGServer(names: ["a.jpg", "spare.jpg"])
        defer { server.stop() }
        let list = ["missing.jpg", "a.jpg", "spare.jpg"].map(server.url).joined(separator: "\n")
        let child = try run(gallery: ["--count", "2"], stdin: list)
        #expect(child.status == 1)
        #expect(child.lines.count == 3, "both slots filled")
    }

    @Test func twoWhenNoImageAtAllCouldBeFetched() async throws {
        let server = try JPEGServer(names: [])
        defer { server.stop() }
        let list = ["gone1.jpg", "gone2.jpg"].map(server.url).joined(separator: "\n")
        let child = try run(gallery: ["--count", "2"], stdin: list)
        #expect(child.status == 2)
        #expect(child.lines.map(\.text) == ["TOTAL BYTES: 0"])
    }

    @Test func twoForAUsageError() async throws {
        #expect(try run(gallery: ["--count", "many"], stdin: "").status == 2)
    }

    @Test func twoForUnreadableInput() async throws {
        #expect(try run(gallery: ["/nonexistent/list"], stdin: "").status == 2)
    }

    @Test func oneThirtyWhenInterruptedWithThePartialSummaryPrinted() async throws {
        let server = try JPEGServer(
            names: ["fast.jpg", "slow.jpg"], slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 4096)])
        defer { server.stop() }
        let list = "\(server.url("fast.jpg"))\n\(server.url("slow/slow.jpg"))"
        let child = try ChildProcess([ChildProcess.galleryExecutable, "--count", "2", "--json"], stdin: list)
        // Wait until nginx has served the fast image, then interrupt while the slow one is still coming.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, !server.nginx.accessLog().contains("GET /fast.jpg") {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))
        child.signal(SIGINT)
        #expect(child.wait() == 130)
        let summary = try #require(child.lines.last?.text)
        let object = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "summary")
        #expect(object?["shown"] as? Int == 1)
        #expect(object?["failed"] as? Int == 0, "the cancelled download is not a failure")
    }
}
