import Foundation
import GalleryTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `browse-probe`, started with a pipe on its stdin and stdout, for tests that end a process and look at what it
/// left behind.
final class Probe {
    let pid: pid_t
    private let output: Int32
    private let input: Int32

    static var executable: String { builtProduct("browse-probe") }

    /// `environment` is added to the test's own.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([Self.executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let added = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { for pointer in added { free(pointer) } }
        var inherited: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while let variable = entry.pointee {
            inherited.append(variable)
            entry += 1
        }
        let envp = added + inherited + [nil]
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Self.executable, &actions, nil, argv, envp)
        close(toChild[0])
        close(fromChild[1])
        guard spawned == 0 else { throw CocoaError(.executableLoad) }
        self.pid = pid
        output = fromChild[0]
        input = toChild[1]
    }

    deinit {
        close(output)
        close(input)
    }

    /// The next line of its output, or nil at end of output or after `timeout` (a hang guard).
    func readLine(timeout: Duration) throws -> String? {
        var line: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var waiter = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&waiter, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard Glibc.read(output, &byte, 1) == 1 else { return nil }
            if byte == 10 { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return nil
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
    }

    func kill(_ signal: Int32) { Glibc.kill(pid, signal) }

    /// Its exit status, 128 + N for a signal; kills it after `timeout`, a hang guard.
    func wait(timeout: Duration = .seconds(30)) -> Int32 {
        let deadline = ContinuousClock.now + timeout
        var raw: Int32 = 0
        while waitpid(pid, &raw, WNOHANG) != pid {
            if ContinuousClock.now > deadline { Glibc.kill(pid, SIGKILL) }
            usleep(2_000)
        }
        return (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }
}
