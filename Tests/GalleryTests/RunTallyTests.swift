import Decode
import Imaging
import Selection
import Testing

@testable import GalleryCore

/// The tally's rules as plain values: numbers in completion order, a replacement asked for each failure, the exit status.
struct RunTallyTests {
    static func candidate(_ name: String, line: Int = 1) -> Candidate {
        Candidate(line: line, url: "http://127.0.0.1/\(name)", size: nil)
    }

    static func shown(_ name: String, bytes: Int64) -> ImageOutcome {
        let pixels = Pixels(width: 2, height: 2, filledWith: RGB(0, 0, 0))
        let thumbnail = Thumbnail(pixels: pixels, imageSize: PixelSize(width: 2, height: 2))
        return .shown(
            ShownImage(
                candidate: candidate(name), bytes: bytes, thumbnail: thumbnail, seconds: 0, lastByte: nil,
                response: nil, savedAs: nil, cached: false))
    }

    @Test func shownImagesAreNumberedInCompletionOrderAndTheirBytesAdded() {
        var tally = RunTally(wanted: 2)
        let first = tally.record(Self.shown("b.jpg", bytes: 10), cancelled: false)
        let second = tally.record(Self.shown("a.jpg", bytes: 5), cancelled: false)
        guard case .completed(let image, let index, _, _) = first.events.first,
            case .completed(_, let secondIndex, _, _) = second.events.first
        else {
            Issue.record("not completed events: \(first.events), \(second.events)")
            return
        }
        #expect(image.candidate.name == "b.jpg" && index == 1 && secondIndex == 2)
        #expect(tally.bytes == 15 && tally.shown == 2 && tally.failed == 0)
        guard case .summary(let shown, let failed, let bytes, _) = tally.summary() else {
            Issue.record("not a summary")
            return
        }
        #expect(shown == 2 && failed == 0 && bytes == 15)
    }

    @Test func aFailureAsksForAReplacementUnlessReplacingIsOff() {
        var tally = RunTally(wanted: 2)
        let (events, replace) = tally.record(
            .failed(Self.candidate("x.jpg"), reason: "HTTP 404 Not Found"), cancelled: false)
        #expect(replace)
        guard events.count == 1, case .failed(let failed, let reason) = events.first else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(failed.name == "x.jpg" && reason == "HTTP 404 Not Found")
        var keeping = RunTally(wanted: 2, replacesFailures: false)
        #expect(!keeping.record(.failed(Self.candidate("y.jpg"), reason: "r"), cancelled: false).replace)
        #expect(tally.failed == 1 && keeping.failed == 1)
    }

    @Test func aDownloadCutShortByCancellationIsNoFailure() {
        var tally = RunTally(wanted: 1)
        let cut = tally.record(.failed(Self.candidate("x.jpg"), reason: "cancelled"), cancelled: true)
        #expect(cut.events.isEmpty && !cut.replace)
        #expect(tally.failed == 0)
    }

    @Test(arguments: [
        (2, 0, false, false, GalleryCore.ExitStatus.success),
        (1, 0, false, false, .partial),
        (2, 1, false, false, .partial),
        (0, 2, false, false, .failure),
        (2, 0, true, false, .interrupted),
        (2, 0, true, true, .brokenPipe),
        (0, 0, false, true, .brokenPipe),
    ])
    func exitStatusFollowsTheIssuesTable(
        shown: Int, failed: Int, interrupted: Bool, brokenPipe: Bool, expected: GalleryCore.ExitStatus
    ) {
        var tally = RunTally(wanted: 2)
        for i in 0..<shown { _ = tally.record(Self.shown("\(i).jpg", bytes: 1), cancelled: false) }
        for i in 0..<failed { _ = tally.record(.failed(Self.candidate("f\(i).jpg"), reason: "r"), cancelled: false) }
        #expect(tally.exitStatus(interrupted: interrupted, brokenPipe: brokenPipe) == expected)
    }
}
