import Foundation
import GalleryTestSupport
import Testing

/// `gallery --browse` in a tmux pane, ended or stopped in the ways that skip `q`: the terminal must come back
/// exactly (cursor, echo, mouse reporting, alternate screen) each time, and keys must reach the view from the
/// moment its first image is shown.
@Suite(.serialized)
struct BrowseExitTests {
    typealias Pane = BrowseTerminalTests

    /// SIGTERM and SIGHUP end the run in order (exit status 130, the report printed); SIGQUIT (Ctrl-\) ends it at
    /// once, by the signal, with the Swift runtime's crash report on as it is by default. All three arrive in the
    /// enlarged view, with mouse reporting and the alternate screen on.
    @Test(arguments: [SIGTERM, SIGHUP, SIGQUIT])
    func aSignalInTheEnlargedViewRestoresTheTerminal(_ signal: Int32) throws {
        let (served, tmux) = try Pane.browse("-b --count 2 --render blocks", shown: "2 of 2 shown")
        defer {
            tmux.kill()
            served.stop()
        }
        _ = try Pane.enlarge(tmux)
        #expect(try Pane.paneFlag(tmux, "mouse_sgr_flag"), "mouse reporting is on")
        #expect(try Pane.paneFlag(tmux, "alternate_on"), "the enlarged view is on the alternate screen")
        kill(try Pane.galleryPID(tmux), signal)
        let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
        let status = signal == SIGQUIT ? 128 + signal : 130
        #expect(done.contains("EXIT=\(status)"), "\(done)")
        try Pane.expectRestored(tmux)
    }

    /// Ctrl-Z gives the shell its terminal back; `fg` brings the sheet back, drawn again, with keys working.
    @Test func ctrlZThenFgRedrawsTheSheetAndKeysWorkAgain() throws {
        let served = try Pane.serve(count: 2, rate: 200_000)
        defer { served.stop() }
        // An interactive shell with job control, without line editing of its own, so the terminal's echo is what
        // shows typed text.
        let tmux = try Tmux(
            columns: 80, rows: 30, command: "PS1='$ ' exec bash --norc --noprofile --noediting -i")
        defer { tmux.kill() }
        try Pane.tmux(
            tmux,
            [
                "send-keys", "-t", tmux.session, "-l",
                "cd '\(served.workDirectory.url.path)'; '\(ChildProcess.galleryExecutable)' -b --count 2"
                    + " --render blocks < '\(served.list)'\n",
            ])
        _ = try tmux.waitFor(timeout: .seconds(30)) { $0.contains("2 of 2 shown") }
        #expect(try Pane.waitForHighlight(tmux, on: 1) == 1)

        try tmux.sendKeys("C-z")
        let stopped = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("Stopped") }
        #expect(stopped.contains("Stopped"), "\(stopped)")
        try Pane.expectRestored(tmux)
        try Pane.tmux(tmux, ["send-keys", "-t", tmux.session, "-l", "clear; echo typed-while-stopped\n"])
        let cleared = try tmux.waitFor(timeout: .seconds(20)) { !$0.contains("Stopped") }
        #expect(cleared.contains("typed-while-stopped"), "echo is on:\n\(cleared)")

        try Pane.tmux(tmux, ["send-keys", "-t", tmux.session, "-l", "fg\n"])
        let back = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("2 of 2 shown") }
        #expect(back.contains("2 of 2 shown"), "the sheet is drawn again:\n\(back)")
        #expect(try Pane.waitForHighlight(tmux, on: 1) == 1, "with its highlight")
        #expect(try Pane.paneFlag(tmux, "mouse_sgr_flag"), "mouse reporting is on again")
        try tmux.sendKeys("l")
        #expect(try Pane.waitForHighlight(tmux, on: 2) == 2, "keys work again")
        try tmux.sendKeys("q")
        _ = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("TOTAL BYTES") }
        try Pane.tmux(tmux, ["send-keys", "-t", tmux.session, "-l", "echo EXIT=$?\n"])
        let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("EXIT=") }
        #expect(done.contains("EXIT=0"), "\(done)")
        try Pane.expectRestored(tmux)
    }

    /// A key typed the instant the first thumbnail is drawn takes effect: Enter shows it enlarged. Several runs,
    /// each with the first image slow enough that the key comes while the rest still download.
    @Test func aKeyTypedAsTheFirstImageAppearsIsNotLost() throws {
        for run in 1...3 {
            let served = try Pane.serve(count: 3, rate: 100_000)
            defer { served.stop() }
            let tmux = try Tmux(
                columns: 80, rows: 30, command: Pane.command(served, "-b --count 3 --render blocks"))
            defer { tmux.kill() }
            let deadline = ContinuousClock.now + .seconds(30)
            while try Pane.highlighted(tmux) == nil, ContinuousClock.now < deadline {
                usleep(5_000)
            }
            try tmux.sendKeys("Enter")
            let enlarged = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("n p: next") }
            #expect(enlarged.contains("n p: next"), "run \(run): Enter was not lost:\n\(enlarged)")
            try tmux.sendKeys("q")
            try tmux.sendKeys("q")
            let done = try tmux.waitFor(timeout: .seconds(20)) { $0.contains("LEFT=") }
            #expect(done.contains("LEFT=[]"), "run \(run): no key was left over:\n\(done)")
        }
    }

}
