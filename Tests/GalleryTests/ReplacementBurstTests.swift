import Fetch
import Foundation
import GalleryTestSupport
import Selection
import Testing

@testable import GalleryCore

/// Replacements are read from the list one at a time, as failures ask for them: a long run of failing lines at
/// the head of a long list still ends soon, and reading stops once the images are shown.
@Suite(.serialized)
struct ReplacementBurstTests {
    let out = CapturedOutput()
    let err = CapturedOutput()

    /// `failing` lines naming a file that is not an image, then `count` good ones, then `tail` more good lines that
    /// are never needed. Without sizes (and `--min-bytes 1`), each line is probed with HEAD before it starts.
    func run(failing: Int, count: Int, tail: Int, sized: Bool) async throws -> (
        GalleryCore.ExitStatus, RecordingOutput, Duration
    ) {
        let server = try JPEGServer(names: ["a.jpg"])
        defer { server.stop() }
        let garbage = [UInt8](repeating: 0x42, count: 3000)
        try server.folder.write("bad.jpg", bytes: garbage)
        let folder = try TempFolder()
        defer { folder.remove() }
        let lines =
            (0..<failing).map { (sized ? "\(garbage.count) " : "") + server.url("bad.jpg?\($0)") }
            + (0..<(count + tail)).map { (sized ? "\(server.jpeg.count) " : "") + server.url("a.jpg?\($0)") }
        try folder.write("list.txt", bytes: Array(lines.joined(separator: "\n").utf8))
        var options = GalleryOptions()
        options.count = count
        options.minBytes = 1
        let lists = ListStream(
            paths: [folder.url.appendingPathComponent("list.txt").path], baseURL: server.nginx.baseURL, strict: false,
            watchedHosts: [])
        let fetcher = try Fetcher()
        let pipeline = Pipeline(options: options, reporter: Reporter(out: out.terminal, err: err.terminal))
        let recorder = RecordingOutput()
        let started = ContinuousClock.now
        let status = await pipeline.run(lists: lists, fetcher: fetcher, output: recorder, box: { Pipeline.defaultBox })
        let took = ContinuousClock.now - started
        await fetcher.shutdown()
        _ = (out.finish(), err.finish())
        return (status, recorder, took)
    }

    @Test(.timeLimit(.minutes(2)), arguments: [true, false])
    func manyFailuresAtTheHeadAreReplacedAndNoLinePastTheImagesStarts(sized: Bool) async throws {
        let (status, recorder, took) = try await run(failing: 300, count: 4, tail: 100_000, sized: sized)
        #expect(status == .partial)
        let events = recorder.events
        #expect(events.filter { $0.kind == "completed" }.count == 4)
        #expect(events.filter { $0.kind == "failed" }.count == 300)
        #expect(events.filter { $0.kind == "started" }.count == 304)
        // A hang deadline, not a speed target: well under a second here, debug build, loaded machine.
        #expect(took < .seconds(30), "took \(took)")
    }
}
