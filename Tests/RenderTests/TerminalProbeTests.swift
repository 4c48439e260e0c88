import Dispatch
import Foundation
import Glibc
import Render
import Synchronization
import Testing

/// A pseudo-terminal whose master side plays a terminal: it reads our queries and, once DA1 (`CSI c`)
/// arrives, answers with `reply` (in pieces, to exercise reassembly) after `delay`, or says nothing at all.
final class FakeTerminal: Sendable {
    let master: Int32
    let slave: Int32
    private let heard = Mutex<[UInt8]>([])
    private let done = DispatchSemaphore(value: 0)

    init(reply: [UInt8]?, pixels: (width: UInt16, height: UInt16) = (0, 0), delay: Duration = .zero) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: pixels.width, ws_ypixel: pixels.height)
        try #require(openpty(&master, &slave, nil, nil, &size) == 0)
        self.master = master
        self.slave = slave
        // A thread of its own: the global queues can be busy with other tests' blocking work.
        Thread { [self] in
            serve(reply: reply, delay: delay)
            done.signal()
        }.start()
    }

    private func serve(reply: [UInt8]?, delay: Duration) {
        var buffer = [UInt8](repeating: 0, count: 512)
        var received: [UInt8] = []
        let da1: [UInt8] = [0x1b, UInt8(ascii: "["), UInt8(ascii: "c")]
        for _ in 0..<100 {  // at most ~1 s
            var waiter = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&waiter, 1, 10) > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return }
            received.append(contentsOf: buffer[0..<count])
            heard.withLock { $0 = received }
            guard received.count >= 3, Array(received.suffix(3)) == da1 else { continue }
            guard let reply else { return }
            usleep(UInt32(delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000))
            let half = reply.count / 2
            _ = write(master, reply, half)
            usleep(5000)
            _ = reply[half...].withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
            return
        }
    }

    /// What the fake read, once it has answered (or given up).
    var queriesHeard: [UInt8] {
        done.wait()
        return heard.withLock { $0 }
    }

    deinit {
        close(slave)
        close(master)
    }
}

/// Serialized: the late-answer tests share `QuietInput`'s one process-wide hold.
@Suite(.serialized)
struct TerminalProbeTests {
    static let environment = ["TERM": "xterm-256color"]

    static func localFlags(_ fd: Int32) -> tcflag_t {
        var settings = termios()
        _ = tcgetattr(fd, &settings)
        return settings.c_lflag
    }

    @Test func sixelTerminalIsDetectedWithItsCellSizeAndRegisters() throws {
        let reply = "\u{1b}[?1;0;16S\u{1b}[6;17;9t\u{1b}[4;408;720t\u{1b}[?63;1;2;4;6;9;15;22c"
        let fake = try FakeTerminal(reply: Array(reply.utf8))
        let before = Self.localFlags(fake.slave)
        let support = TerminalProbe.detect(
            environment: Self.environment, fileDescriptor: fake.slave, budget: .seconds(1))
        #expect(support.graphics == .sixel)
        #expect(support.cellPixels == CellPixels(width: 9, height: 17))
        #expect(support.colorRegisters == 16)
        #expect(Self.localFlags(fake.slave) == before, "terminal mode restored")
        #expect(fake.queriesHeard == TerminalPalette.queries + GraphicsDetection.queries)
    }

    @Test func kittyIsDetectedAndTheKernelPixelFieldsGiveTheCellSize() throws {
        let fake = try FakeTerminal(
            reply: Array("\u{1b}_Gi=31;OK\u{1b}\\\u{1b}[?62;c".utf8), pixels: (width: 1440, height: 864))
        let support = TerminalProbe.detect(
            environment: Self.environment, fileDescriptor: fake.slave, budget: .seconds(1))
        #expect(support.graphics == .kitty)
        #expect(support.cellPixels == CellPixels(width: 18, height: 36))
        #expect(TerminalProbe.kernelCellPixels(of: fake.slave) == CellPixels(width: 18, height: 36))
    }

    @Test func silentTerminalFallsBackWithinTheBudget() throws {
        let fake = try FakeTerminal(reply: nil)
        let before = Self.localFlags(fake.slave)
        let clock = ContinuousClock()
        let start = clock.now
        let support = TerminalProbe.detect(
            environment: Self.environment, fileDescriptor: fake.slave, budget: TerminalProbe.defaultBudget)
        let elapsed = clock.now - start
        #expect(support.graphics == .blocks)
        #expect(support.cellPixels == .fallback)
        // It waits out the budget, and gives up then: the upper bound is 10× the budget, to catch a hang
        // without timing a loaded machine.
        #expect(elapsed >= .milliseconds(190) && elapsed < TerminalProbe.defaultBudget * 10, "took \(elapsed)")
        #expect(QuietInput.isHolding, "echo stays off in case the answers are only late")
        QuietInput.settle()
        #expect(Self.localFlags(fake.slave) == before, "terminal mode restored")
    }

    /// DA1 alone ends the wait early: from a terminal without graphics, and from a tmux too old to answer
    /// XTVERSION.
    @Test(arguments: [
        (environment, "the terminal claims no pixel graphics"),
        (tmuxEnvironment, "inside tmux, which did not say its version"),
    ])
    func anAnswerOfDA1AloneGetsHalfBlocksAtOnce(environment: [String: String], reason: String) throws {
        let fake = try FakeTerminal(reply: Array("\u{1b}[?1;2c".utf8))
        let clock = ContinuousClock()
        let start = clock.now
        let support = TerminalProbe.detect(environment: environment, fileDescriptor: fake.slave, budget: .seconds(3))
        #expect(support.graphics == .blocks)
        #expect(support.reason.hasPrefix(reason))
        #expect(clock.now - start < .milliseconds(1500), "DA1 ends the wait early")
    }

    @Test func aPipeIsNeverQueried() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        #expect(TerminalProbe.query(fileDescriptor: fds[1], budget: .milliseconds(50)) == nil)
        #expect(
            TerminalProbe.detect(environment: Self.environment, fileDescriptor: fds[1], budget: .milliseconds(50))
                .graphics == .blocks)
    }

    /// `--render sixel` inside GNU screen: not asked (the fake hears nothing), but measured through the kernel.
    @Test func forcedModeInsideScreenIsMeasuredButNotQueried() throws {
        let fake = try FakeTerminal(reply: Array("\u{1b}[?62;4c".utf8), pixels: (width: 800, height: 480))
        let support = TerminalProbe.detect(
            environment: ["TERM": "screen-256color", "STY": "1234.pts-0.host"], forcing: .sixel,
            fileDescriptor: fake.slave, budget: .milliseconds(100))
        #expect(support.graphics == .sixel)
        #expect(support.cellPixels == CellPixels(width: 10, height: 20))
        #expect(support.reason.hasPrefix("--render sixel (detection said blocks: inside GNU screen"))
        #expect(fake.queriesHeard.isEmpty)
    }

    /// GNU screen is never asked: its DCS passthrough (768-byte chunks) cannot place images at the window's
    /// cursor, so even a sixel terminal outside gets half-blocks.
    @Test func screenIsNeverQueriedAndDrawsHalfBlocks() throws {
        let fake = try FakeTerminal(reply: Array("\u{1b}[?62;4c".utf8))
        let support = TerminalProbe.detect(
            environment: ["TERM": "screen", "STY": "1234.pts-0.host", "KITTY_WINDOW_ID": "1"],
            fileDescriptor: fake.slave, budget: .milliseconds(100))
        #expect(support.graphics == .blocks)
        #expect(support.reason.contains("GNU screen"))
        #expect(fake.queriesHeard.isEmpty)
    }

    static let tmuxEnvironment = ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"]

    /// Inside tmux 3.3a (Debian's) only tmux is asked (no kitty APC, which tmux takes for a pane title, and
    /// no passthrough), and the answer is half-blocks.
    @Test func tmux33aIsAskedItselfAndGetsHalfBlocks() throws {
        let fake = try FakeTerminal(reply: Array("\u{1b}P>|tmux 3.3a\u{1b}\\\u{1b}[?1;2c".utf8))
        let support = TerminalProbe.detect(
            environment: Self.tmuxEnvironment, fileDescriptor: fake.slave, budget: .seconds(1))
        #expect(support.graphics == .blocks)
        #expect(support.reason.hasPrefix("inside tmux 3.3a: before 3.4 passthrough images land at the outer cursor"))
        let heard = fake.queriesHeard
        #expect(heard == TerminalPalette.queries + GraphicsDetection.tmuxQueries)
        #expect(!String(decoding: heard, as: UTF8.self).contains("\u{1b}_"), "no APC")
        #expect(!String(decoding: heard, as: UTF8.self).contains("\u{1b}P"), "no passthrough")
    }

    /// tmux 3.4 built with sixel lists 4 in its own DA1 and draws the images itself: plain sixel, measured
    /// through the kernel fields tmux fills in.
    @Test func tmux34WithSixelGetsSixel() throws {
        let fake = try FakeTerminal(
            reply: Array("\u{1b}P>|tmux 3.4\u{1b}\\\u{1b}[?1;2;4c".utf8), pixels: (width: 640, height: 384))
        let support = TerminalProbe.detect(
            environment: Self.tmuxEnvironment, fileDescriptor: fake.slave, budget: .seconds(1))
        #expect(support.graphics == .sixel)
        #expect(support.reason == "tmux 3.4 draws sixel itself (its DA1 lists 4)")
        #expect(support.cellPixels == CellPixels(width: 8, height: 16))
    }

    /// A reply later than the budget must not be echoed onto the screen: echo stays off until the run ends
    /// (`QuietInput.settle()`, called by `Terminal.restore`), which discards it.
    @Test func aReplyAfterTheBudgetIsDiscardedNotEchoed() throws {
        let reply = Array("\u{1b}[?62;4c".utf8)
        let fake = try FakeTerminal(reply: reply, delay: .milliseconds(300))
        let before = Self.localFlags(fake.slave)
        let support = TerminalProbe.detect(
            environment: Self.environment, fileDescriptor: fake.slave, budget: .milliseconds(100))
        #expect(support.graphics == .blocks)
        #expect(QuietInput.isHolding)
        #expect(Self.localFlags(fake.slave) & tcflag_t(ECHO) == 0, "no echo while the answer may still come")
        #expect(Self.localFlags(fake.slave) & tcflag_t(ISIG) != 0, "Ctrl-C still signals")

        _ = fake.queriesHeard  // the fake has written its late answer
        let arrived = ContinuousClock.now + .seconds(10)
        while Self.pendingInput(fake.slave) < reply.count, ContinuousClock.now < arrived { usleep(10_000) }
        #expect(Self.pendingInput(fake.slave) == reply.count, "the late answer waits in the input queue")

        QuietInput.settle()
        #expect(!QuietInput.isHolding)
        #expect(Self.localFlags(fake.slave) == before, "terminal mode restored")
        #expect(Self.pendingInput(fake.slave) == 0, "the late answer was discarded")
        // Everything the screen got up to a marker written after the restore: no echo of the answer.
        let marker = Array("END".utf8)
        _ = write(fake.slave, marker, marker.count)
        let screen = Self.readMaster(fake.master, until: marker)
        #expect(screen == marker, "the screen shows only the marker: \(String(decoding: screen, as: UTF8.self))")
    }

    /// Bytes waiting to be read on `fd` (`FIONREAD`).
    static func pendingInput(_ fd: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &count) == 0 ? Int(count) : -1
    }

    /// What the terminal side has been sent, up to and including `marker` (at most ten seconds: a hang guard).
    static func readMaster(_ master: Int32, until marker: [UInt8]) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        let deadline = ContinuousClock.now + .seconds(10)
        while !received.ends(with: marker), ContinuousClock.now < deadline {
            var waiter = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&waiter, 1, 100) > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        return received
    }

    @Test func tmuxWithoutATerminalGetsHalfBlocks() {
        let support = TerminalProbe.detect(environment: Self.tmuxEnvironment, ttyPath: "/nonexistent")
        #expect(support.graphics == .blocks)
        #expect(support.reason.contains("tmux"))
    }
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
