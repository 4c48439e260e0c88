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
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "3", "--save", dir.path], stdin: list)
        #expect(child.wait() == 1)
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
        let arguments = [ChildProcess.galleryExecutable, "--count", "2", "--save", dir.path, "--json"]

        let first = try ChildProcess(arguments, stdin: list)
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
        let second = try ChildProcess(arguments, stdin: list)
        #expect(second.wait(timeout: .seconds(60)) == 0, "stderr: \(second.errorText)")
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
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "2", "--save", out.url.path], stdin: list)
        #expect(child.wait() == 0, "stderr: \(child.errorText)")
        let files = Self.files(in: out.url)
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.hasPrefix("photo-") && $0.hasSuffix(".jpg") })
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
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "2", "--no-replace", "--save", dir.path], stdin: list)
        #expect(child.wait() == 1, "b.jpg cannot be saved through a symlink")
        #expect(try String(contentsOf: outside.url.appendingPathComponent("victim-a"), encoding: .utf8) == "keep me")
        #expect(
            try String(contentsOf: outside.url.appendingPathComponent("victim-b"), encoding: .utf8) == "keep me too")
        // a.jpg: the symlink was replaced by the downloaded file, not written through.
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("a.jpg").path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
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
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "3", "--save", dir.path], stdin: list)
        _ = child.wait()
        #expect(Self.files(in: out.url) == ["inner"], "nothing written next to the folder")
        #expect(Self.files(in: dir).allSatisfy { !$0.contains("/") })
    }
}
