import Foundation
import GalleryTestSupport
import Testing

/// `--json`, `--quiet`, `--verbose`, `--help` and usage errors, through the built binary.
@Suite(.serialized)
struct OutputTests {
    static func parse(_ lines: [ChildProcess.Line]) throws -> [[String: Any]] {
        try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.text.utf8))
            return try #require(object as? [String: Any], "not an object: \(line.text)")
        }
    }

    @Test func jsonPrintsOneParsableEventPerLineAndNoReportLines() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b \"quoted\".jpg", "spare.jpg"])
        defer { server.stop() }
        let list = ["a.jpg", "b%20%22quoted%22.jpg", "missing.jpg", "spare.jpg"].map(server.url)
            .joined(separator: "\n")
        let child = try run(gallery: ["--json", "--count", "3"], stdin: list)
        #expect(child.status == 1, "stderr: \(child.errorText)")
        let events = try Self.parse(child.lines)
        let kinds = events.map { $0["event"] as? String ?? "?" }
        #expect(kinds.filter { $0 == "selected" }.count == 4, "three at first, one replacement")
        #expect(kinds.filter { $0 == "started" }.count == 4)
        #expect(kinds.filter { $0 == "completed" }.count == 3)
        #expect(kinds.filter { $0 == "failed" }.count == 1)
        #expect(kinds.last == "summary")

        let completed = events.filter { $0["event"] as? String == "completed" }
        #expect(completed.map { $0["index"] as? Int } == [1, 2, 3])
        #expect(Set(completed.compactMap { $0["name"] as? String }) == ["a.jpg", "b%20%22quoted%22.jpg", "spare.jpg"])
        for event in completed {
            #expect(event["bytes"] as? Int == server.jpeg.count)
            #expect((event["width"] as? Int ?? 0) > 0 && (event["height"] as? Int ?? 0) > 0)
            #expect((event["seconds"] as? Double).map { $0 >= 0 } == true)
            #expect((event["url"] as? String)?.hasPrefix(server.nginx.baseURL) == true)
        }
        let failed = try #require(events.first { $0["event"] as? String == "failed" })
        #expect(failed["url"] as? String == server.url("missing.jpg"))
        #expect(failed["reason"] as? String == "HTTP 404 Not Found")
        let replacement = events.first { $0["event"] as? String == "selected" && $0["replacement"] as? Bool == true }
        #expect(replacement?["url"] as? String == server.url("spare.jpg"))
        let summary = try #require(events.last)
        #expect(summary["shown"] as? Int == 3)
        #expect(summary["failed"] as? Int == 1)
        #expect(summary["bytes"] as? Int == 3 * server.jpeg.count)
        #expect(summary["elapsed"] is Double || summary["elapsed"] is Int)
        // Each image starts before it completes.
        for event in completed {
            let url = event["url"] as? String
            let startedAt = kinds.indices.first { kinds[$0] == "started" && events[$0]["url"] as? String == url }
            let completedAt = kinds.indices.first { kinds[$0] == "completed" && events[$0]["url"] as? String == url }
            #expect(startedAt! < completedAt!)
        }
    }

    @Test func quietLeavesOnlyErrorsOnStderr() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let list = "ftp://h/skipped.jpg\n\(server.url("a.jpg"))\n\(server.url("missing.jpg"))\n"
        let child = try run(gallery: ["--quiet", "--count", "3"], stdin: list)
        #expect(child.status == 1)
        #expect(child.errorText == "gallery: \(server.url("missing.jpg")): HTTP 404 Not Found\n")
        #expect(child.lines.count == 2)
    }

    @Test func verboseDescribesEachTransfer() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg", "c.jpg"])
        defer { server.stop() }
        let list = ["a.jpg", "b.jpg", "c.jpg"].map(server.url).joined(separator: "\n")
        let child = try run(gallery: ["--verbose", "--count", "3", "--concurrency", "1"], stdin: list)
        #expect(child.status == 0, "stderr: \(child.errorText)")
        let details = child.errorText.split(separator: "\n").filter { $0.contains(": HTTP/1.1, ") }
        #expect(details.count == 3, "\(child.errorText)")
        #expect(details.filter { $0.contains("new connection") }.count == 1, "one connection, reused")
        #expect(details.filter { $0.contains("reused connection") }.count == 2)
        #expect(details.allSatisfy { $0.contains(" bytes in ") && $0.contains(" s, decoded after ") })
    }

    @Test(arguments: [
        (["--count", "0"], "gallery: '--count' must be at least 1"),
        (["--min-bytes=-5"], "gallery: '--min-bytes' must not be negative"),
        (["--shuffle", "--near"], "gallery: '--shuffle' and '--near' cannot be used together"),
        (["--seed", "4"], "gallery: '--seed' only applies to '--shuffle' or '--near'"),
        (["--quiet", "--verbose"], "gallery: '--quiet' and '--verbose' cannot be used together"),
        (
            ["--render", "sideways"],
            "gallery: The value 'sideways' is invalid for '--render <mode>'; use one of: auto, blocks, kitty, sixel, "
                + "iterm, none"
        ),
        (["--frobnicate"], "gallery: Unknown option '--frobnicate'"),
        (["--base-url", "file:///etc/"], "gallery: '--base-url' must be an http:// or https:// URL"),
    ])
    func usageErrorsExitWith2AndOneLine(arguments: [String], message: String) async throws {
        let child = try run(gallery: arguments, stdin: "")
        #expect(child.status == 2)
        #expect(child.errorText == message + "\n")
        #expect(child.lines.isEmpty)
    }

    /// The help text is part of the interface: a change to it shows up here and in review.
    /// Regenerate with `GALLERY_UPDATE_GOLDEN=1 swift test --filter helpTextIsPinned`.
    @Test func helpTextIsPinned() async throws {
        let child = try run(gallery: ["--help"], stdin: "", environment: ["COLUMNS": "100", "LINES": "40"])
        #expect(child.status == 0)
        let help = child.lines.map(\.text).joined(separator: "\n") + "\n"
        let golden = Fixtures.url("golden/help.txt")
        if ProcessInfo.processInfo.environment["GALLERY_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try help.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(help == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func versionPrintsTheVersion() async throws {
        let child = try run(gallery: ["--version"], stdin: "")
        #expect(child.status == 0)
        #expect(child.lines.map(\.text) == ["0.1.0"])
    }
}
