import Decode
import Fetch
import Figures
import Foundation
import GalleryTestSupport
import Imaging
import Render
import Selection
import Synchronization
import Testing

@testable import GalleryCore

/// The pipeline in-process, against nginx on loopback, with outputs that record what they are handed.
@Suite(.serialized)
struct PipelineTests {
    let out = CapturedOutput()
    let err = CapturedOutput()

    func run(
        _ paths: [String], on server: JPEGServer, count: Int, output: some RunOutput,
        box: @escaping @Sendable () -> PixelSize = { Pipeline.defaultBox }
    ) async throws -> GalleryCore.ExitStatus {
        var options = GalleryOptions()
        options.count = count
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("list.txt", bytes: Array(paths.map(server.url).joined(separator: "\n").utf8))
        let lists = ListStream(
            paths: [folder.url.appendingPathComponent("list.txt").path], baseURL: server.nginx.baseURL,
            strict: false, watchedHosts: [])
        let fetcher = try Fetcher()
        let pipeline = Pipeline(options: options, reporter: Reporter(out: out.terminal, err: err.terminal))
        let status = await pipeline.run(lists: lists, fetcher: fetcher, output: output, box: box)
        await fetcher.shutdown()
        return status
    }

    @Test func eventsFollowTheRunFromSelectionToTheSummary() async throws {
        let server = try JPEGServer(names: ["a.jpg", "spare.jpg"])
        defer { server.stop() }
        let recorder = RecordingOutput()
        let reporter = Reporter(out: out.terminal, err: err.terminal)
        let output = RunOutputs(outputs: [
            recorder, ReportLines(reporter: reporter), ImageMessages(reporter: reporter, saveFolder: nil),
        ])
        let status = try await run(["a.jpg", "missing.jpg", "spare.jpg"], on: server, count: 2, output: output)

        #expect(status == .partial, "an image failed, though a spare took its slot")
        let events = recorder.events
        // Each image is announced as it is read from the list, before it starts.
        #expect(events.first?.kind == "selected")
        for (index, event) in events.enumerated() {
            guard case .started(let candidate) = event else { continue }
            let announced = events[..<index].contains { if case .selected(candidate, _) = $0 { true } else { false } }
            #expect(announced, "\(candidate.url) started before it was selected")
        }
        #expect(events.filter { $0.kind == "started" }.count == 3)
        let indices = events.compactMap { event -> Int? in
            if case .completed(_, let index, _, _) = event { index } else { nil }
        }
        #expect(indices == [1, 2])
        let failure = events.firstIndex { $0.kind == "failed" }
        let replacement = events.firstIndex { if case .selected(_, true) = $0 { true } else { false } }
        // The replacement is read while other images go on, so another image's event may come between them.
        #expect(
            failure != nil && replacement != nil && failure! < replacement!, "the spare is announced after the failure")
        guard case .summary(let shown, let failed, let bytes, _)? = events.last else {
            Issue.record("the last event is not the summary: \(events.map(\.kind))")
            return
        }
        #expect(shown == 2 && failed == 1 && bytes == Int64(2 * server.jpeg.count))
        let calls = recorder.recorded
        let begin = calls.firstIndex { if case .begin = $0 { true } else { false } }
        let firstStart = calls.firstIndex { if case .event(.started) = $0 { true } else { false } }
        let end = calls.firstIndex { if case .end(interrupted: false) = $0 { true } else { false } }
        #expect(begin != nil && firstStart != nil && begin! < firstStart!, "begun before any download starts")
        #expect(end == calls.count - 2, "ended just before the summary")

        let lines = out.finish().split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("( 1)") && lines[1].hasPrefix("( 2)"))
        #expect(lines.last == "TOTAL BYTES: \(grouped(Int64(2 * server.jpeg.count)))")
        #expect(err.finish() == "gallery: \(server.url("missing.jpg")): HTTP 404 Not Found\n")
    }

    /// Each decoder reads the box when it is made, so a window resized during the run reaches the images not yet
    /// decoded.
    @Test func eachImageIsDecodedToTheBoxReadWhenItsDecoderIsMade() async throws {
        let server = try JPEGServer(names: ["a.jpg", "b.jpg"])
        defer { server.stop() }
        let boxes = [PixelSize(width: 48, height: 36), PixelSize(width: 16, height: 12)]
        let reads = Mutex(0)
        let box: @Sendable () -> PixelSize = {
            reads.withLock { count in
                defer { count += 1 }
                return boxes[min(count, boxes.count - 1)]
            }
        }
        let recorder = RecordingOutput()
        let status = try await run(["a.jpg", "b.jpg"], on: server, count: 2, output: recorder, box: box)
        #expect(status == .success)
        #expect(reads.withLock { $0 } == 2, "read once per image, as its decoder is made")
        let sizes = recorder.events.compactMap { event -> PixelSize? in
            guard case .completed(let image, _, _, _) = event else { return nil }
            return PixelSize(width: image.thumbnail.pixels.width, height: image.thumbnail.pixels.height)
        }
        #expect(sizes.count == 2)
        #expect(sizes.contains { $0.width <= 16 && $0.height <= 12 }, "\(sizes)")
        #expect(sizes.contains { $0.width > 16 && $0.width <= 48 && $0.height <= 36 }, "\(sizes)")
        _ = (out.finish(), err.finish())
    }

    /// With the gallery on stdout, the report lines and stderr's messages wait until the sheet is finished, and
    /// progress is drawn meanwhile.
    @Test func theLiveGalleryHoldsItsTerminalsLinesUntilItIsFinished() async throws {
        let server = try JPEGServer(
            names: ["a.jpg", "slow.jpg"], slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 40_000)])
        defer { server.stop() }
        let view = LiveView(
            terminal: out.terminal, count: 2, encoder: HalfBlockEncoder(colorMode: .trueColor), graphics: nil,
            textStyle: .styled)
        let reporter = Reporter(out: out.terminal, err: err.terminal)
        let recorder = RecordingOutput(showsProgress: true)
        let output = RunOutputs(outputs: [
            LiveGallery(view: view, reporter: reporter, keepImages: false), recorder, ReportLines(reporter: reporter),
            ImageMessages(reporter: reporter, saveFolder: nil),
        ])
        let status = try await run(
            ["a.jpg", "missing.jpg", "slow/slow.jpg"], on: server, count: 2, output: output, box: { view.pixelBox })
        #expect(status == .partial)
        #expect(recorder.recorded.contains { if case .progress = $0 { true } else { false } })

        let screen = out.finish()
        let restored = try #require(screen.range(of: String(decoding: Terminal.restoreBytes, as: UTF8.self)))
        let after = screen[restored.upperBound...].split(separator: "\n")
        #expect(after.map { $0.prefix(4) } == ["( 1)", "( 2)", "TOTA"], "every report line after the sheet")
        #expect(screen[restored.upperBound...].allSatisfy { $0 != "\u{1B}" }, "nothing drawn after the lines")
        #expect(err.finish() == "gallery: \(server.url("missing.jpg")): HTTP 404 Not Found\n")
    }

    /// A font change (the kernel reports another cell pixel size with SIGWINCH) remakes the encoder, so images
    /// decoded from then on fit the slots in the new pixels; the same cell size keeps the encoder.
    @Test func anotherCellPixelSizeRemakesTheEncoderForImagesNotYetDecoded() async throws {
        let remade = Mutex<[CellPixels]>([])
        let view = LiveView(
            terminal: out.terminal, count: 4, encoder: KittyEncoder(cellPixels: CellPixels(width: 8, height: 16)),
            graphics: nil, textStyle: .styled,
            remake: { cells in
                remade.withLock { $0.append(cells) }
                return KittyEncoder(cellPixels: cells)
            })
        let size = CellSize(columns: 80, rows: 24)
        await view.relayout(to: size, cellPixels: CellPixels(width: 8, height: 16))
        let small = view.pixelBox
        await view.relayout(to: size, cellPixels: CellPixels(width: 8, height: 16))
        #expect(remade.withLock { $0 }.isEmpty, "the same cell size keeps the encoder")
        await view.relayout(to: size, cellPixels: CellPixels(width: 16, height: 32))
        #expect(remade.withLock { $0 } == [CellPixels(width: 16, height: 32)])
        #expect(view.pixelBox == PixelSize(width: small.width * 2, height: small.height * 2))
        _ = (out.finish(), err.finish())
    }

    /// Ctrl-C cancels the run: downloads cut short are no failures, the outputs end as interrupted, and the summary
    /// still comes last.
    @Test func cancellingTheRunEndsItInterruptedWithTheSummaryLast() async throws {
        let server = try JPEGServer(
            names: ["a.jpg", "slow.jpg"], slow: [Nginx.Location(prefix: "/slow/", bytesPerSecond: 4096)])
        defer { server.stop() }
        let recorder = RecordingOutput()
        let run = Task { try await self.run(["a.jpg", "slow/slow.jpg"], on: server, count: 2, output: recorder) }
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, !recorder.events.contains(where: { $0.kind == "completed" }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        run.cancel()
        #expect(try await run.value == .interrupted)
        let calls = recorder.recorded
        #expect(calls.contains { if case .end(interrupted: true) = $0 { true } else { false } })
        #expect(!recorder.events.contains { $0.kind == "failed" }, "the cancelled download is not a failure")
        guard case .summary(let shown, let failed, _, _)? = recorder.events.last else {
            Issue.record("the last event is not the summary")
            return
        }
        #expect(shown == 1 && failed == 0)
        _ = (out.finish(), err.finish())
    }

    /// A resized window gives the images decoded from then on the new slots' box; shown ones are redrawn, not
    /// decoded again.
    @Test func aRelayoutChangesTheBoxForImagesNotYetDecoded() async throws {
        let view = LiveView(
            terminal: out.terminal, count: 4, encoder: HalfBlockEncoder(colorMode: .trueColor), graphics: nil,
            textStyle: .styled)
        await view.relayout(to: CellSize(columns: 80, rows: 24))
        let small = view.pixelBox
        await view.relayout(to: CellSize(columns: 240, rows: 72))
        let large = view.pixelBox
        #expect(large.width > small.width && large.height > small.height, "\(small) → \(large)")
        _ = (out.finish(), err.finish())
    }
}
