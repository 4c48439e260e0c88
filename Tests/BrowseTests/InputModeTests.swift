import Foundation
import GalleryTestSupport
import Render
import Testing

@testable import Browse

#if canImport(Glibc)
    import Glibc
#endif

/// The browse mode on a real pseudo-terminal: signals kept, echo off, and put back on every exit path.
/// Serialized: the mode is one per process.
@Suite(.serialized) struct InputModeTests {
    @Test func keysAreRawButSignalsAndOutputProcessingStay() throws {
        let terminal = try PseudoTerminal()
        let before = ModeFlags(terminal.settings)
        #expect(BrowseInputMode.enter(terminal.device))
        defer { BrowseInputMode.restoreActive() }
        let during = terminal.settings
        #expect(during.c_lflag & tcflag_t(ECHO | ICANON) == 0)
        #expect(during.c_lflag & tcflag_t(ISIG) != 0)
        #expect(during.c_oflag == before.output)
        #expect(BrowseInputMode.isActive)
        #expect(!BrowseInputMode.enter(terminal.device), "one mode at a time")
        BrowseInputMode.restoreActive()
        #expect(ModeFlags(terminal.settings) == before)
        BrowseInputMode.restoreActive()
        #expect(!BrowseInputMode.isActive)
    }

    @Test func notATerminalIsRefused() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let fd = try folder.descriptor(holding: [1], name: "plain")
        defer { close(fd) }
        #expect(!BrowseInputMode.enter(fd))
        #expect(!BrowseInputMode.isActive)
    }

    @Test func escapeBytesTurnOnWhatRestoreTurnsOff() {
        let on = String(decoding: BrowseInputMode.enterBytes, as: UTF8.self)
        #expect(on == "\u{1B}[?1000h\u{1B}[?1006h\u{1B}[?2004h")
        let off = String(decoding: BrowseInputMode.leaveBytes, as: UTF8.self)
        #expect(off == "\u{1B}[?1006l\u{1B}[?1000l\u{1B}[?2004l")
    }

    /// How a process that browses may end without restoring the terminal itself: an `exit` from anywhere, a signal
    /// whose default action ends it, or a crash (here sent with kill, which takes the same path).
    enum Ending: Sendable, CustomTestStringConvertible {
        case exit
        /// A Swift runtime trap: a fault the kernel raises (SIGILL or SIGTRAP, by machine), not a sent signal.
        case crash
        case signal(Int32)

        var testDescription: String {
            switch self {
            case .exit: "exit"
            case .crash: "crash"
            case .signal(let number): String(cString: strsignal(number))
            }
        }
    }

    /// The hook puts everything back, whatever the ending: the settings, and, after a string a cut-off image frame
    /// may have left open, the main screen, no mouse reporting or bracketed paste, default colours and the cursor, on
    /// a line of its own.
    @Test(
        arguments: [Ending.exit, Ending.crash]
            + [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV].map(Ending.signal))
    func everyEndingRestoresTheTerminal(_ ending: Ending) throws {
        let terminal = try PseudoTerminal()
        let before = ModeFlags(terminal.settings)
        // Without the Swift runtime's crash report, which lets a process that was sent a crash signal go on.
        let probe = try Probe(["input-mode", terminal.devicePath], environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(try probe.readLine(timeout: .seconds(30)) == "ready")
        #expect(terminal.settings.c_lflag & tcflag_t(ECHO) == 0)
        let entered = terminal.output()
        #expect(entered == Escape.hideCursor.bytes + BrowseInputMode.enterBytes + Escape.alternateScreenOn.bytes)
        switch ending {
        case .exit:
            probe.send("\n")
            #expect(probe.wait() == 0)
        case .crash:
            probe.send("crash\n")
            #expect([128 + SIGILL, 128 + SIGTRAP].contains(probe.wait()), "ended by the trap")
        case .signal(let number):
            probe.kill(number)
            #expect(probe.wait() == 128 + number, "still ended by the signal")
        }
        #expect(ModeFlags(terminal.settings) == before)
        let restore =
            Escape.stringTerminator.bytes + Escape.alternateScreenOff.bytes + BrowseInputMode.leaveBytes
            + Terminal.restoreBytes + Array("\r\n".utf8)
        #expect(terminal.output() == restore)
    }
}

/// The reader thread over a pseudo-terminal: keys typed come out as events, a lone Esc after its timeout.
@Suite struct KeyReaderTests {
    @Test func typedKeysArriveInOrder() async throws {
        let terminal = try PseudoTerminal()
        var raw = BrowseInputMode.rawSettings(from: terminal.settings)
        tcsetattr(terminal.device, TCSANOW, &raw)
        let reader = KeyReader(fileDescriptor: terminal.device, escapeTimeout: .milliseconds(20))
        terminal.type("j\u{1B}[B\u{1B}[<0;3;2M")
        terminal.type("\u{1B}")
        var events: [KeyEvent] = []
        for await event in reader.events {
            events.append(event)
            if events.count == 4 { break }
        }
        #expect(events == [.character("j"), .down, .click(CellPosition(row: 1, column: 2)), .escape])
        reader.stop()
    }

    /// Keys detection read before the reader started come before those typed since.
    @Test func keysTypedAheadComeFirst() async throws {
        let terminal = try PseudoTerminal()
        var raw = BrowseInputMode.rawSettings(from: terminal.settings)
        tcsetattr(terminal.device, TCSANOW, &raw)
        let reader = KeyReader(fileDescriptor: terminal.device, typedAhead: Array("q\u{1B}[A".utf8))
        terminal.type("l")
        var events: [KeyEvent] = []
        for await event in reader.events {
            events.append(event)
            if events.count == 3 { break }
        }
        #expect(events == [.character("q"), .up, .character("l")])
        reader.stop()
    }

    @Test func stopEndsTheStreamAndAPasteFloodIsBounded() async throws {
        let terminal = try PseudoTerminal()
        var raw = BrowseInputMode.rawSettings(from: terminal.settings)
        tcsetattr(terminal.device, TCSANOW, &raw)
        let reader = KeyReader(fileDescriptor: terminal.device)
        terminal.type("\u{1B}[200~" + String(repeating: "qqqqqqqqq\n", count: 1000) + "\u{1B}[201~k")
        var events: [KeyEvent] = []
        for await event in reader.events {
            events.append(event)
            reader.stop()
        }
        #expect(events == [.character("k")])
    }
}

/// Started in the background, gallery leaves the terminal's mode and its input to the foreground job, and reads
/// keys once it is brought to the foreground.
@Suite struct BackgroundTests {
    @Test func backgroundReadsNoKeysUntilForeground() throws {
        let terminal = try PseudoTerminal()
        let before = ModeFlags(terminal.settings)
        let probe = try Probe(["background", terminal.devicePath])
        #expect(try probe.readLine(timeout: .seconds(30)) == "background enter=false")
        #expect(ModeFlags(terminal.settings) == before)
        // A whole line: the terminal is still in the shell's line mode, which holds back a line until Enter.
        terminal.type("j\n")
        probe.send("\n")
        #expect(try probe.readLine(timeout: .seconds(30)) == "pending 2", "the keys are left for the foreground job")
        #expect(try probe.readLine(timeout: .seconds(30)) == "foreground character(\"j\")")
        #expect(probe.wait() == 0)
    }
}
