import Foundation
import GalleryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// gallery in a terminal that answers late, as one at the end of a slow ssh link does: the test plays the terminal
/// on a pseudo-terminal and answers DA1 with sixel (attribute 4) `delay` after the questions arrive. Within
/// `--terminal-timeout` the answer decides the drawing; past it, gallery draws text cells, and the late answer is
/// swallowed while the run goes on rather than echoed onto the screen.
@Suite(.serialized)
struct TerminalTimeoutTests {
    static let delay = Duration.milliseconds(700)

    @Test(arguments: [
        ([], "drawing with blocks: no answer to DA1 within the budget"),
        (["--terminal-timeout", "5"], "drawing with sixel: DA1 lists sixel"),
    ])
    func lateAnswerCountsOnlyWithinTheTerminalTimeout(options: [String], expected: String) throws {
        let jpeg = try SolidJPEG.make(red: 0, green: 0, blue: 215, width: 64, height: 48)
        // About two seconds to download: the late answer arrives while the run still owns the terminal.
        let server = try FaultServer(body: jpeg, trickleBytesPerSecond: jpeg.count / 2)
        defer { server.stop() }
        let terminal = try PseudoTerminal(pixels: (800, 480))
        let environment = [
            "TERM": "xterm-256color", "COLORTERM": "truecolor", "TMUX": "", "STY": "", "KITTY_WINDOW_ID": "",
            "TERM_PROGRAM": "", "WEZTERM_PANE": "",
        ]
        let child = try ChildProcess(
            [ChildProcess.galleryExecutable, "-v", "--count", "1", "--render", "auto"] + options,
            stdin: "\(server.baseURL)/trickle\n", environment: environment, terminal: terminal.devicePath)
        terminal.releaseDevice()
        let screen = terminal.play(answer: "\u{1B}[?62;4c", after: Self.delay)
        #expect(child.wait(timeout: .seconds(30)) == 0, "\(child.errorText)")
        #expect(child.errorText.contains(expected), "\(child.errorText)")
        let drawn = String(decoding: screen.wait(), as: UTF8.self)
        #expect(drawn.contains("TOTAL BYTES: \(jpeg.count)"), "the run finished on the terminal:\n\(drawn)")
        #expect(!drawn.contains("62;4c"), "the answer was echoed onto the screen:\n\(drawn)")
    }
}

/// The terminal's side of the exchange: answers DA1 (`CSI c`) once, late, and keeps everything the child writes.
extension PseudoTerminal {
    /// Reads the child's output on a thread of its own, and writes `answer` `delay` after DA1 arrives.
    func play(answer: String, after delay: Duration) -> Screen {
        let screen = Screen()
        let controller = controller
        Thread.detachNewThread {
            var seen: [UInt8] = []
            var answered = false
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(controller, &chunk, chunk.count)
                guard count > 0 else { break }
                seen += chunk[..<count]
                if !answered, seen.firstRange(of: Array("\u{1B}[c".utf8)) != nil {
                    answered = true
                    let (seconds, attoseconds) = delay.components
                    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
                    _ = Array(answer.utf8).withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
                }
            }
            screen.finish(seen)
        }
        return screen
    }

    /// Everything the child wrote, once it closed the terminal.
    final class Screen: @unchecked Sendable {
        // Justification: `bytes` is written once, before `done` is signalled, and read after waiting for it.
        private var bytes: [UInt8] = []
        private let done = DispatchSemaphore(value: 0)

        fileprivate func finish(_ seen: [UInt8]) {
            bytes = seen
            done.signal()
        }

        func wait() -> [UInt8] {
            _ = done.wait(timeout: .now() + 30)
            return bytes
        }
    }
}
