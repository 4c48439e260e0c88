import Dispatch
import Glibc
import Render
import Synchronization
import Testing

/// Runs a real `Terminal` against a pipe and reads back exactly what it wrote.
struct TerminalTests {
    /// A pipe whose write end is the terminal's descriptor; the bytes are read after `body` has finished.
    static func capture(_ body: (Terminal) -> Void) throws -> String {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let terminal = Terminal(fileDescriptor: fds[1])
        body(terminal)
        terminal.drain()
        close(fds[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        close(fds[0])
        return String(decoding: output, as: UTF8.self)
    }

    @Test func aPipeIsNotATerminal() throws {
        _ = try Self.capture { #expect(!$0.isTTY) }
    }

    @Test func framesArriveWholeAndInOrder() throws {
        // 40 frames of ~1 kB stay under a pipe's 64 kB buffer, since the bytes are read only afterwards.
        let frames = (0..<40).map { index in
            Array("[frame \(index)]".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1000)
        }
        let output = try Self.capture { terminal in
            terminal.enter()
            for frame in frames { terminal.draw(frame) }
        }
        let expected = "\u{1B}[?25l" + frames.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(output == expected)
    }

    /// A frame far larger than the pipe buffer is written in many short writes while a slow reader drains it.
    @Test func aLargeFrameSurvivesShortWrites() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let readEnd = fds[0]
        let received = Mutex<[UInt8]>([])
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count <= 0 { break }
                received.withLock { $0.append(contentsOf: buffer[0..<count]) }
            }
        }
        let frame = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let terminal = Terminal(fileDescriptor: fds[1])
        terminal.draw(frame)
        terminal.drain()
        close(fds[1])
        reading.wait()
        close(readEnd)
        #expect(received.withLock { $0 } == frame)
        #expect(terminal.writeError == nil)
    }

    @Test func restoreShowsTheCursorOnceAndStopsFrames() throws {
        let output = try Self.capture { terminal in
            terminal.enter()
            terminal.draw(Array("frame".utf8))
            terminal.restore(leaving: Array("<below>".utf8))
            terminal.restore(leaving: Array("<again>".utf8))
            terminal.draw(Array("late frame".utf8))
            terminal.write(Array("( 1)  14_739_448 bytes | a.jpg\n".utf8))
        }
        #expect(output == "\u{1B}[?25lframe<below>\u{1B}[0m\u{1B}[?25h( 1)  14_739_448 bytes | a.jpg\n")
    }

    @Test func restoreWithoutEnterWritesNothing() throws {
        let output = try Self.capture { $0.restore() }
        #expect(output.isEmpty)
    }

    @Test func aClosedReaderIsReportedNotFatal() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        signal(SIGPIPE, SIG_IGN)
        let terminal = Terminal(fileDescriptor: fds[1])
        terminal.draw(Array("nobody reads this".utf8))
        terminal.drain()
        #expect(terminal.writeError == EPIPE)
        close(fds[1])
    }

    @Test func sizeFallsBackFromKernelToEnvironmentToEightyByTwentyFour() {
        let kernel = CellSize(columns: 132, rows: 43)
        #expect(Terminal.resolveSize(kernel: kernel, environment: ["COLUMNS": "100", "LINES": "30"]) == kernel)
        #expect(
            Terminal.resolveSize(kernel: nil, environment: ["COLUMNS": "100", "LINES": "30"])
                == CellSize(columns: 100, rows: 30))
        #expect(Terminal.resolveSize(kernel: nil, environment: ["COLUMNS": "100"]) == CellSize(columns: 80, rows: 24))
        #expect(Terminal.resolveSize(kernel: nil, environment: ["COLUMNS": "0", "LINES": "x"]) == .fallback)
    }

    @Test func restoreBytesShowTheCursorAndResetAttributes() {
        #expect(String(decoding: Terminal.restoreBytes, as: UTF8.self) == "\u{1B}[0m\u{1B}[?25h")
    }
}

struct FrameThrottleTests {
    @Test func allowsAboutFifteenFramesASecond() {
        var throttle = FrameThrottle()
        let start = ContinuousClock.now
        let decisions = [0, 30, 70, 100, 140].map { throttle.shouldDraw(at: start + .milliseconds($0)) }
        #expect(decisions == [true, false, true, false, true])
    }
}
