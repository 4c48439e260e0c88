import Foundation
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program with stdin from a file and stdout/stderr to pipes, timestamping each stdout line as it arrives.
///
/// posix_spawn and waitpid rather than Foundation's Process, whose exit monitoring was seen to hang here.
public final class ChildProcess: @unchecked Sendable {
    // Justification: `lines`, `errorText` and `status` are written by the reader threads and `wait()` only, and read
    // after `wait()` has joined them (DispatchGroup gives the happens-before).

    public struct Line: Sendable {
        public var text: String
        /// Seconds since the process started.
        public var at: Double
    }

    public let pid: pid_t
    public private(set) var lines: [Line] = []
    public private(set) var errorText = ""
    public private(set) var status: Int32 = -1
    public private(set) var seconds: Double = 0
    private let started = ContinuousClock.now
    private let readers = DispatchGroup()

    /// The built `gallery` executable, for tests that talk to it while it runs; `run(gallery:)` for the rest.
    public static var galleryExecutable: String { builtProduct("gallery") }

    /// - Parameter terminal: a terminal device (a pseudo-terminal's) to make the child's controlling terminal and
    ///   its standard output, as when it runs in a terminal window; its output is then read from the terminal,
    ///   not `lines`. nil: standard output goes to a pipe and the child has no terminal.
    public init(
        _ arguments: [String], stdin input: String, environment: [String: String] = [:], terminal: String? = nil
    ) throws {
        let inputPath = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("gallery-stdin")).path
        try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
        defer { unlink(inputPath) }
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SupportError("pipe: \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        if let terminal {
            posix_spawn_file_actions_addopen(&actions, 1, terminal, O_RDWR, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        }
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = withCleanSignals(newSession: terminal != nil) {
            posix_spawn(&pid, arguments[0], &actions, $0, argv, envp)
        }
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else { throw SupportError("posix_spawn \(arguments[0]): \(spawned)") }
        self.pid = pid
        read(outPipe[0]) { [self] text in
            lines.append(Line(text: text, at: Self.seconds(ContinuousClock.now - started)))
        }
        read(errPipe[0]) { [self] text in errorText += text + "\n" }
    }

    private func read(_ fd: Int32, onLine: @escaping @Sendable (String) -> Void) {
        readers.enter()
        Thread.detachNewThread { [readers] in
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = retryingOnInterrupt {
                    buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                }
                if count <= 0 { break }
                pending += buffer[..<count]
                while let newline = pending.firstIndex(of: 10) {
                    onLine(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            close(fd)
            readers.leave()
        }
    }

    /// Waits for the process to exit (killing it after `timeout`, a hang guard) and for its output to be read.
    @discardableResult
    public func wait(timeout: Duration = .seconds(60)) -> Int32 {
        let deadline = ContinuousClock.now + timeout
        var raw: Int32 = 0
        while true {
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid { break }
            if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
            usleep(5_000)
        }
        seconds = Self.seconds(ContinuousClock.now - started)
        readers.wait()
        status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return status
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
