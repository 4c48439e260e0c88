import Dispatch
import Fetch
import Render
import Synchronization
import SystemCalls

@testable import GalleryCore

#if canImport(Glibc)
    import Glibc
#endif

/// A run output that keeps what the pipeline hands it, for in-process tests of the pipeline.
final class RecordingOutput: RunOutput {
    enum Call: Sendable {
        case begin
        case event(RunEvent)
        case progress
        case end(interrupted: Bool)
    }

    let showsProgress: Bool
    private let calls = Mutex<[Call]>([])

    init(showsProgress: Bool = false) {
        self.showsProgress = showsProgress
    }

    var recorded: [Call] { calls.withLock { $0 } }

    /// The events in the order recorded.
    var events: [RunEvent] {
        recorded.compactMap { call in
            if case .event(let event) = call { event } else { nil }
        }
    }

    func begin() async { calls.withLock { $0.append(.begin) } }
    func record(_ event: RunEvent) async { calls.withLock { $0.append(.event(event)) } }
    func progress(_ transfers: [TransferProgress], tally: RunTally) async { calls.withLock { $0.append(.progress) } }
    func end(_ tally: RunTally, interrupted: Bool) async {
        calls.withLock { $0.append(.end(interrupted: interrupted)) }
    }
}

extension RunEvent {
    /// The event's name as in `--json`.
    var kind: String {
        switch self {
        case .selected: "selected"
        case .started: "started"
        case .completed: "completed"
        case .failed: "failed"
        case .summary: "summary"
        }
    }
}

/// A `Terminal` writing into a pipe, read on a thread of its own so a large frame never blocks the writer.
final class CapturedOutput: Sendable {
    let terminal: Terminal
    private let writeEnd: Int32
    private let bytes = Mutex<[UInt8]>([])
    private let finished = DispatchSemaphore(value: 0)

    init() {
        var ends: [Int32] = [-1, -1]
        // Close-on-exec: a server a test starts later must not hold the write end open, or EOF never comes. A child
        // spawned by a test running in parallel, between `pipe` and `fcntl`, could still: `finish` waits only so long.
        precondition(pipe(&ends) == 0, "pipe: errno \(errno)")
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let readEnd = ends[0]
        writeEnd = ends[1]
        terminal = Terminal(fileDescriptor: writeEnd)
        DispatchQueue.global().async { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = retryingOnInterrupt {
                    buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                }
                guard count > 0 else { break }
                bytes.withLock { $0 += buffer.prefix(count) }
            }
            close(readEnd)
            finished.signal()
        }
    }

    /// Everything written, once the terminal's queue is drained; call once.
    func finish() -> String {
        terminal.drain()
        close(writeEnd)
        _ = finished.wait(timeout: .now() + .seconds(30))
        return String(decoding: bytes.withLock { $0 }, as: UTF8.self)
    }
}
