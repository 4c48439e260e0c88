import Render
import Testing

@testable import GalleryCore

struct ReportTests {
    @Test func lineMatchesPythonsFormat() {
        #expect(
            Report.line(index: 1, bytes: 14_739_448, name: "USS_Akron_%28ZRS-4%29_in_flight.jpg")
                == "( 1)  14_739_448 bytes | USS_Akron_%28ZRS-4%29_in_flight.jpg")
        #expect(
            Report.line(index: 10, bytes: 15_479_621, name: "Meripilus_giganteus_%28Karst_1882%29.jpg")
                == "(10)  15_479_621 bytes | Meripilus_giganteus_%28Karst_1882%29.jpg")
        #expect(Report.line(index: 3, bytes: 0, name: "a.jpg") == "( 3)           0 bytes | a.jpg")
        #expect(Report.line(index: 100, bytes: 1_234_567_890_123, name: "b") == "(100)1_234_567_890_123 bytes | b")
    }

    @Test func totalIsGrouped() {
        #expect(Report.total(149_841_550) == "TOTAL BYTES: 149_841_550")
    }
}

/// What the reporter holds while the live gallery is up, and in which order it lets it go.
struct ReporterTests {
    @Test func heldLinesFollowInOrderStdoutsFirstAndOnlyStdoutsWhenTheGalleryIsThere() {
        let out = CapturedOutput()
        let err = CapturedOutput()
        let reporter = Reporter(out: out.terminal, err: err.terminal, verbose: true)
        reporter.hold(stdout: false)
        reporter.line("( 1) streamed")
        reporter.error("held 1")
        reporter.detail("held 2")
        err.terminal.write(Array("[sheet]".utf8))
        reporter.release()
        reporter.error("after")
        #expect(out.finish() == "( 1) streamed\n")
        #expect(err.finish() == "[sheet]gallery: held 1\ngallery: held 2\ngallery: after\n")
    }

    @Test func withTheGalleryOnStdoutItsLinesWaitForTheRelease() {
        let out = CapturedOutput()
        let reporter = Reporter(out: out.terminal, err: out.terminal)
        reporter.hold(stdout: true)
        reporter.error("a failure")
        reporter.line("( 1) a.jpg")
        out.terminal.write(Array("[sheet]".utf8))
        reporter.release()
        reporter.line("TOTAL")
        #expect(out.finish() == "[sheet]( 1) a.jpg\ngallery: a failure\nTOTAL\n")
    }

    @Test func quietHidesWarningsAndNoticesButNotErrors() {
        let err = CapturedOutput()
        let reporter = Reporter(out: err.terminal, err: err.terminal, quiet: true)
        reporter.warning("skipped")
        reporter.notice("gallery: polite")
        reporter.detail("detail")
        reporter.error("failed")
        #expect(err.finish() == "gallery: failed\n")
    }
}
