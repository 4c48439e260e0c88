import Dispatch
import Render
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the terminal's input on a thread of its own and publishes `KeyEvent`s as a stream a task consumes.
///
/// The blocking `poll` and `read` never run on the cooperative pool. A lone ESC becomes `.escape` once the parser's
/// escape timeout passes with nothing after it. While gallery is in the background (`Terminal.isForeground`), the
/// input belongs to the foreground job, and reading it would stop us with SIGTTIN: the reader does not read then,
/// and looks again every `backgroundRecheck`. The stream ends on `stop()`, at end of input, or on a read error
/// (the terminal went away). Keys read before the reader started (`TypedAhead`) come first.
public final class KeyReader: Sendable {
    /// Keys read but not consumed yet, at most; later ones are dropped, so a flood cannot grow memory.
    public static let bufferedEvents = 1024

    public let events: AsyncStream<KeyEvent>
    private let wakeWrite: Int32
    private let stopped = Atomic(false)

    public init(
        fileDescriptor fd: Int32, escapeTimeout: Duration = .milliseconds(50),
        backgroundRecheck: Duration = .milliseconds(250), typedAhead: [UInt8] = []
    ) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: KeyEvent.self, bufferingPolicy: .bufferingOldest(Self.bufferedEvents))
        events = stream
        // A socket pair, not a pipe: `stop()` may write after the thread has closed its end, and `send` with
        // MSG_NOSIGNAL then fails quietly where a pipe's `write` would raise SIGPIPE.
        var ends: [Int32] = [-1, -1]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends)
        wakeWrite = ends[1]
        let wakeRead = ends[0]
        DispatchQueue(label: "gallery.keys").async {
            var loop = ReadLoop(
                fd: fd, wake: wakeRead, parser: KeyParser(escapeTimeout: escapeTimeout),
                backgroundRecheck: backgroundRecheck)
            for event in loop.parser.feed(typedAhead, at: .now) { continuation.yield(event) }
            loop.run { continuation.yield($0) }
            continuation.finish()
            close(wakeRead)
        }
    }

    /// Ends the stream and the thread. Idempotent.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = send(wakeWrite, &byte, 1, Int32(MSG_NOSIGNAL))
        close(wakeWrite)
    }

    deinit { stop() }
}

/// The reader thread's loop: poll the terminal and the wake pipe, feed the parser, hand out events.
private struct ReadLoop {
    let fd: Int32
    let wake: Int32
    var parser: KeyParser
    let backgroundRecheck: Duration

    mutating func run(_ emit: (KeyEvent) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let foreground = Terminal.isForeground(fd)
            var waits = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            if foreground { waits.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&waits, nfds_t(waits.count), timeout(foreground: foreground))
            if ready < 0 && errno != EINTR { return }
            if waits[0].revents != 0 { return }
            if foreground, waits[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { bytes in
                    retryingOnInterrupt { read(fd, bytes.baseAddress, bytes.count) }
                }
                // A non-blocking descriptor another program left behind: poll said readable, someone was quicker.
                if count < 0 && errno == EAGAIN { continue }
                guard count > 0 else { return }
                for event in parser.feed(buffer[..<count], at: .now) { emit(event) }
            }
            for event in parser.expire(at: .now) { emit(event) }
        }
    }

    /// Milliseconds `poll` may wait: until a pending ESC's deadline, at most `backgroundRecheck` in the background,
    /// otherwise for ever (-1).
    private func timeout(foreground: Bool) -> Int32 {
        var limit: Duration? = foreground ? nil : backgroundRecheck
        if let deadline = parser.deadline {
            let left = max(.zero, deadline - .now)
            limit = min(limit ?? left, left)
        }
        guard let limit else { return -1 }
        let (seconds, attoseconds) = limit.components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
