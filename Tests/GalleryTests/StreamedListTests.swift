import Foundation
import GalleryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built binary over lists read as a stream: a producer that never stops, a list of a million lines, an input
/// that is not a list, and `--save` names a rerun finds again.
@Suite(.serialized)
struct StreamedListTests {
    static func requests(_ method: String, in server: JPEGServer) -> [String] {
        server.nginx.accessLog().split(separator: "\n").filter { $0.contains("\"\(method) ") }.map(String.init)
    }

    /// `awk 'BEGIN{for(;;) print …}' | gallery --count 3`: the pipeline ends, because gallery stops reading once its
    /// images are shown and awk then dies of SIGPIPE.
    @Test func aNeverEndingProducerGivesCountImagesAndExitZero() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let producer = "awk 'BEGIN{for(;;) print \"\(server.url("a.jpg"))?\" n++}'"
        let child = try ChildProcess(
            ["/bin/sh", "-c", "\(producer) | '\(ChildProcess.galleryExecutable)' --count 3"], stdin: "")
        let status = child.wait(timeout: .seconds(120))
        #expect(status == 0, "stderr: \(child.errorText)")
        #expect(child.lines.filter { $0.text.hasPrefix("(") }.count == 3)
        #expect(Self.requests("GET", in: server).count == 3)
    }

    /// A million `BYTES URL` lines, every URL distinct, all pointing at `a.jpg`.
    static func millionLineList(server: JPEGServer, in folder: TempFolder) throws -> String {
        let path = folder.url.appendingPathComponent("million.txt").path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown) }
        defer { try? file.close() }
        let prefix = "\(server.jpeg.count) \(server.url("a.jpg"))?"
        for block in 0..<100 {
            let lines = (0..<10_000).map { "\(prefix)\(block * 10_000 + $0)\n" }.joined()
            try file.write(contentsOf: Data(lines.utf8))
        }
        return path
    }

    /// Runs gallery under a forked (not vforked) Python that reports the child's `ru_maxrss` in KiB: a child
    /// started with posix_spawn shares the test process's memory until exec, and its peak would then be ours.
    static let peakProbe = """
        import os, sys
        pid = os.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:])
        _, status, usage = os.wait4(pid, 0)
        print("peak-kib", usage.ru_maxrss, os.waitstatus_to_exitcode(status))
        """

    /// Memory follows the count, not the list: the bound is generous (a whole-list reader needed several times
    /// the list's 50 MB); the bench measures the real figure.
    @Test func aMillionLineListIsReadInBoundedMemoryInEveryMode() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let folder = try TempFolder()
        defer { folder.remove() }
        let list = try Self.millionLineList(server: server, in: folder)
        let size = "\(server.jpeg.count)"
        for mode in [[], ["--shuffle", "--seed", "1"], ["--near", "--min-bytes", size]] {
            let gallery = [ChildProcess.galleryExecutable, "--count", "10", "--render", "none"] + mode + [list]
            let child = try ChildProcess(["/usr/bin/python3", "-c", Self.peakProbe] + gallery, stdin: "")
            #expect(child.wait(timeout: .seconds(300)) == 0, "\(mode): \(child.errorText)")
            let report = child.lines.last?.text.split(separator: " ") ?? []
            #expect(report.count == 3 && report[0] == "peak-kib" && report[2] == "0", "\(mode): \(report)")
            let peak = report.count == 3 ? Int(report[1]) ?? .max : .max
            #expect(peak < 100 * 1024, "\(mode): peak \(peak) KiB")
        }
    }

    @Test func aBinaryInputIsSkippedWithOneLineAndTheGoodListStillShows() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg"])
        defer { server.stop() }
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("photo.jpg", bytes: server.jpeg)
        try folder.write("list.txt", bytes: Array(["a.jpg", "b.jpg"].map(server.url).joined(separator: "\n").utf8))
        let paths = ["photo.jpg", "list.txt"].map { folder.url.appendingPathComponent($0).path }
        let child = try run(gallery: ["--count", "2"] + paths)
        #expect(child.status == 1, "a skipped input makes the run partial")
        let lines = child.errorText.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("photo.jpg") && lines[0].contains("not a URL list"), "\(lines)")
        #expect(child.texts.filter { $0.hasPrefix("(") }.count == 2)
    }

    /// Two URLs with the same last segment: the names depend only on the URL and the folder, so a rerun, even with
    /// the lines the other way round, finds both files and downloads nothing.
    @Test func rerunsWithSaveFindTheirEarlierFiles() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let out = try TempFolder()
        defer { out.remove() }
        let dir = out.url.appendingPathComponent("saved").path
        let lines = ["a.jpg?one", "a.jpg?two"].map { "\(server.jpeg.count) \(server.url($0))" }
        let first = try run(gallery: ["--count", "2", "--save", dir], stdin: lines.joined(separator: "\n"))
        #expect(first.status == 0, "stderr: \(first.errorText)")
        let saved = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(saved.count == 2 && saved.contains("a.jpg"), "\(saved)")
        let gets = Self.requests("GET", in: server).count
        let rerun = try run(gallery: ["--count", "2", "--save", dir], stdin: lines.reversed().joined(separator: "\n"))
        #expect(rerun.status == 0, "stderr: \(rerun.errorText)")
        #expect(Self.requests("GET", in: server).count == gets, "nothing downloaded again")
        for name in saved { #expect(rerun.errorText.contains("cached as \(dir)/\(name)\n"), "\(rerun.errorText)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == saved)
    }

    /// A profiled host's notice comes when its first URL is read, once, and not at all when no URL names it. Its
    /// lines here are too small to be chosen, so nothing is fetched from it.
    @Test func aHostsNoticeIsPrintedOnceWhenItsFirstURLIsRead() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let size = server.jpeg.count
        let wikimedia = (1...2).map { "1 https://upload.wikimedia.org/x/\($0).jpg" }
        let good = "\(size) \(server.url("a.jpg"))"
        let arguments = ["--count", "1", "--min-bytes", "100"]
        let touched = try run(gallery: arguments, stdin: (wikimedia + [good]).joined(separator: "\n"))
        #expect(touched.status == 0, "stderr: \(touched.errorText)")
        let notices = touched.errorText.split(separator: "\n").filter { $0.contains("upload.wikimedia.org:") }
        #expect(notices.count == 1 && notices[0].contains("Wikimedia's robot policy"), "\(touched.errorText)")
        let untouched = try run(gallery: arguments, stdin: good)
        #expect(untouched.status == 0 && untouched.errorText.isEmpty, "stderr: \(untouched.errorText)")
    }

    /// A producer that wrote one line and then says nothing more, without closing: gallery waits in read(2) for the
    /// second image, and Ctrl-C still ends it (the hang guard kills it otherwise, and the status says so).
    @Test func ctrlCEndsARunWaitingForASilentProducer() async throws {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { for fd in fds { close(fd) } }
        let line = Array((server.url("a.jpg") + "\n").utf8)
        #expect(line.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == line.count)
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "--count", "2", "--render", "none", "/dev/fd/\(fds[0])"], stdin: "")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, Self.requests("GET", in: server).isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        child.signal(SIGINT)
        #expect(child.wait(timeout: .seconds(30)) == 130, "stderr: \(child.errorText)")
    }
}
