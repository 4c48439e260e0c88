import Foundation
import GalleryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--save DIR` through the built binary: atomic names, cached reruns, and nothing written outside DIR.
@Suite(.serialized)
struct SaveTests {
    static func files(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    static func size(_ url: URL) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
    }

    @Test func savesUnderTheURLsNameAndLeavesNoPartFiles() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg"])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let dir = out.url.appendingPathComponent("saved")
        let list = ["a.jpg", "b.jpg", "missing.jpg"].map(server.url).joined(separator: "\n")
        let child = try run(gallery: ["--count", "3", "--save", dir.path], stdin: list)
        #expect(child.status == 1)
        #expect(Self.files(in: dir) == ["a.jpg", "b.jpg"])
        #expect(
            try Fixtures.bytes("jpeg/good/baseline-420.jpg")
                == [UInt8](try Data(contentsOf: dir.appendingPathComponent("a.jpg"))))
    }

    /// SIGKILL mid-download: no file under a final name is partial; a rerun finishes and skips the finished ones.
    @Test func killedMidDownloadLeavesNoPartialFinalFileAndARerunCompletes() async throws {
        let server = try JPEGServer(
            names: ["fast.jpg", "slow.jpg"],
            slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 4096)])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let dir = out.url.appendingPathComponent("saved")
        let size = server.jpeg.count
        let list = "\(size) \(server.url("fast.jpg"))\n\(size) \(server.url("slow/slow.jpg"))\n"
        let arguments = ["--count", "2", "--save", dir.path, "--json"]

        let first = try ChildProcess([ChildProcess.galleryExecutable] + arguments, stdin: list)
        let part = dir.appendingPathComponent(".slow.jpg.part")
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if Self.size(dir.appendingPathComponent("fast.jpg")) == size, (Self.size(part) ?? 0) > 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((Self.size(part) ?? 0) > 0, "the slow image is being written to its part file")
        first.signal(SIGKILL)
        #expect(first.wait() == 128 + SIGKILL)
        for name in Self.files(in: dir) where !name.hasPrefix(".") {
            #expect(Self.size(dir.appendingPathComponent(name)) == size, "\(name) is complete")
        }
        #expect(!Self.files(in: dir).contains("slow.jpg"))

        let gets = server.nginx.accessLog().components(separatedBy: "GET /fast.jpg").count - 1
        let second = try run(gallery: arguments, stdin: list)
        #expect(second.status == 0, "stderr: \(second.errorText)")
        #expect(Self.files(in: dir) == ["fast.jpg", "slow.jpg"], "complete, and the part file is gone")
        #expect(Self.size(dir.appendingPathComponent("slow.jpg")) == size)
        #expect(
            server.nginx.accessLog().components(separatedBy: "GET /fast.jpg").count - 1 == gets, "not downloaded again")
        let events = try second.lines.map {
            try JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? [String: Any] ?? [:]
        }
        let completed = events.filter { $0["event"] as? String == "completed" }
        #expect(completed.first { $0["name"] as? String == "fast.jpg" }?["cached"] as? Bool == true)
        #expect(completed.first { $0["name"] as? String == "slow.jpg" }?["cached"] as? Bool == false)
    }

    /// Runs gallery on `list` with `--save dir` and SIGKILLs it once `.slow.jpg.part` has bytes.
    static func killMidDownload(_ list: String, dir: URL) async throws {
        let first = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "1", "--save", dir.path, "--json"], stdin: list)
        let part = dir.appendingPathComponent(".slow.jpg.part")
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, (size(part) ?? 0) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        first.signal(SIGKILL)
        #expect(first.wait() == 128 + SIGKILL)
    }

    /// The nginx access log's status codes for `GET path`, in order.
    static func statuses(of path: String, in log: String) -> [Int] {
        log.split(separator: "\n").compactMap { line in
            guard let request = line.range(of: "\"GET \(path) HTTP/") else { return nil }
            let rest = line[request.upperBound...]
            guard let close = rest.firstIndex(of: "\"") else { return nil }
            return Int(rest[rest.index(after: close)...].split(separator: " ").first ?? "")
        }
    }

    static func completedEvents(_ child: ProcessOutcome) throws -> [[String: Any]] {
        try child.lines.map {
            try JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? [String: Any] ?? [:]
        }.filter { $0["event"] as? String == "completed" }
    }

    /// A part left by SIGKILL keeps its validator beside it; the rerun asks for the rest (a 206) and the saved file
    /// is the server's, byte for byte.
    @Test func killedMidDownloadResumesThePartWithARangeRequest() async throws {
        let server = try JPEGServer(names: ["slow.jpg"], slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 4096)])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let dir = out.url.appendingPathComponent("saved")
        let size = server.jpeg.count
        try await Self.killMidDownload("\(size) \(server.url("slow/slow.jpg"))\n", dir: dir)
        let left = Self.size(dir.appendingPathComponent(".slow.jpg.part")) ?? 0
        #expect(left > 0 && left < size)
        let validator = try String(contentsOf: dir.appendingPathComponent(".slow.jpg.part.validator"), encoding: .utf8)
        #expect(validator.hasPrefix("\""), "nginx's ETag: \(validator)")

        // The same name from the unpaced location: the same file and ETag, so the rerun need not wait.
        let second = try run(
            gallery: ["--count", "1", "--save", dir.path, "--json"],
            stdin: "\(size) \(server.url("slow.jpg"))\n")
        #expect(second.status == 0, "stderr: \(second.errorText)")
        #expect(Self.files(in: dir) == ["slow.jpg"], "the part and its validator are gone")
        #expect([UInt8](try Data(contentsOf: dir.appendingPathComponent("slow.jpg"))) == server.jpeg)
        #expect(Self.statuses(of: "/slow.jpg", in: server.nginx.accessLog()) == [206])
        let completed = try Self.completedEvents(second)
        #expect(completed.count == 1)
        #expect((completed.first?["resumedFrom"] as? Int).map { $0 > 0 } == true, "\(completed)")
        #expect(completed.first?["bytes"] as? Int == size)
    }

    /// The file changed between the runs: If-Range no longer matches, nginx sends the whole new file (200), and the
    /// part starts over.
    @Test func aPartOfAFileThatChangedSinceIsDownloadedAgain() async throws {
        let server = try JPEGServer(names: ["slow.jpg"], slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 4096)])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let dir = out.url.appendingPathComponent("saved")
        try await Self.killMidDownload("\(server.url("slow/slow.jpg"))\n", dir: dir)
        #expect((Self.size(dir.appendingPathComponent(".slow.jpg.part")) ?? 0) > 0)
        #expect(Self.files(in: dir).contains(".slow.jpg.part.validator"))

        let changed = try Fixtures.bytes("jpeg/good/panorama-12000x300.jpg")
        #expect(changed.count != server.jpeg.count, "a new size makes a new ETag")
        try server.folder.write("slow.jpg", bytes: changed)
        let second = try run(
            gallery: ["--count", "1", "--save", dir.path, "--json"],
            stdin: "\(server.url("slow.jpg"))\n")
        #expect(second.status == 0, "stderr: \(second.errorText)")
        #expect(Self.files(in: dir) == ["slow.jpg"])
        #expect([UInt8](try Data(contentsOf: dir.appendingPathComponent("slow.jpg"))) == changed)
        #expect(Self.statuses(of: "/slow.jpg", in: server.nginx.accessLog()) == [200])
        let completed = try Self.completedEvents(second)
        #expect(completed.count == 1)
        #expect(completed.first?["resumedFrom"] is NSNull, "\(completed)")
    }

    @Test func interruptedBySIGINTRemovesThePartFileAndExits130() async throws {
        let server = try JPEGServer(names: ["slow.jpg"], slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 4096)])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "1", "--save", out.url.path], stdin: server.url("slow/slow.jpg")
        )
        let part = out.url.appendingPathComponent(".slow.jpg.part")
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, (Self.size(part) ?? 0) == 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        child.signal(SIGINT)
        #expect(child.wait() == 130)
        #expect(Self.files(in: out.url).isEmpty, "\(Self.files(in: out.url))")
        #expect(child.lines.map(\.text) == ["TOTAL BYTES: 0"])
    }

    @Test func sameNameFromTwoURLsIsSavedTwiceUnderDistinctNames() async throws {
        let server = try JPEGServer(names: ["photo.jpg"], slow: [Nginx.Location(prefix: "/other/", bytesPerSecond: 0)])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let list = "\(server.url("photo.jpg"))\n\(server.url("other/photo.jpg"))\n"
        let child = try run(gallery: ["--count", "2", "--save", out.url.path], stdin: list)
        #expect(child.status == 0, "stderr: \(child.errorText)")
        let files = Self.files(in: out.url)
        // The first URL read takes the plain name; the other gets its URL's hash.
        #expect(files.count == 2 && files.last == "photo.jpg", "\(files)")
        #expect(files.first.map { $0.hasPrefix("photo-") && $0.hasSuffix(".jpg") } == true)
    }

    /// A symlink planted in DIR under the image's name or its part file's name is never written through.
    @Test func symlinksInTheFolderAreNotFollowed() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg"])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let outside = try TempFolder()
        defer { outside.remove() }
        try outside.write("victim-a", bytes: Array("keep me".utf8))
        try outside.write("victim-b", bytes: Array("keep me too".utf8))
        let dir = out.url.appendingPathComponent("saved")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("a.jpg").path,
            withDestinationPath: outside.url.appendingPathComponent("victim-a").path)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent(".b.jpg.part").path,
            withDestinationPath: outside.url.appendingPathComponent("victim-b").path)
        let list = ["a.jpg", "b.jpg"].map(server.url).joined(separator: "\n")
        let child = try run(gallery: ["--count", "2", "--no-replace", "--save", dir.path], stdin: list)
        #expect(child.status == 1, "b.jpg cannot be saved through a symlink")
        #expect(try String(contentsOf: outside.url.appendingPathComponent("victim-a"), encoding: .utf8) == "keep me")
        #expect(
            try String(contentsOf: outside.url.appendingPathComponent("victim-b"), encoding: .utf8) == "keep me too")
        // a.jpg: the name is taken by something not saved from this URL, so the image went to a name of its own.
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("a.jpg").path)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        let saved = Self.files(in: dir).filter { $0.hasPrefix("a-") && $0.hasSuffix(".jpg") }
        #expect(saved.count == 1, "\(Self.files(in: dir))")
        #expect(child.errorText.contains(".b.jpg.part: open: Too many levels of symbolic links"))
    }

    @Test func namesFromTheURLCannotEscapeTheFolder() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let dir = out.url.appendingPathComponent("inner")
        // nginx serves these at the same file only if the path normalises there; the names must be safe either way.
        let list = ["a.jpg?x=/../../escaped.jpg", "x/..%2F..%2Fescaped.jpg", ".%2E/a.jpg"].map(server.url)
            .joined(separator: "\n")
        _ = try run(gallery: ["--count", "3", "--save", dir.path], stdin: list)
        #expect(Self.files(in: out.url) == ["inner"], "nothing written next to the folder")
        #expect(Self.files(in: dir).allSatisfy { !$0.contains("/") })
    }
}
