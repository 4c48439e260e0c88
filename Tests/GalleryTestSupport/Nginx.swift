import Foundation
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's nginx on a free loopback port, with a private prefix and config from `Fixtures/nginx/nginx.conf.in`.
///
/// Started by tests and stopped by them (`stop()`, also from `deinit`), so the suite needs no system site.
public final class Nginx: @unchecked Sendable {
    // Justification: every stored property is a `let` except `stopped`, which only `stop()` touches under `lock`.

    /// A location served at another pace: `/<prefix>/NAME` serves `root/NAME` at `bytesPerSecond`.
    public struct Location: Sendable {
        public var prefix: String
        public var bytesPerSecond: Int
        public init(prefix: String, bytesPerSecond: Int) {
            self.prefix = prefix
            self.bytesPerSecond = bytesPerSecond
        }
    }

    public let port: Int
    public let root: URL
    /// True when serving HTTPS (and HTTP/2) with a certificate from `TestCertificates`.
    public let isTLS: Bool
    public let prefix: URL
    private let pid: pid_t
    private let lock = NSLock()
    private var stopped = false

    /// `http://127.0.0.1:PORT`, or `https://…` with `tls`.
    public var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }

    /// Starts nginx serving `root`, every response at `bytesPerSecond` (0 = unlimited), plus slower `locations`;
    /// over TLS with HTTP/2 (`Fixtures/nginx/nginx-tls.conf.in`) when `tls` gives a certificate.
    /// `sendTimeout` is nginx's `send_timeout` (it closes a connection whose writes made no progress that long;
    /// nil keeps its 60 s), and `sendBuffer` the listening socket's `sndbuf` in bytes, small so the kernel cannot
    /// hold a response its client is not reading.
    public init(
        root: URL, bytesPerSecond: Int = 0, locations: [Location] = [], tls: TestCertificates? = nil,
        sendTimeout: Duration? = nil, sendBuffer: Int? = nil
    ) throws {
        self.root = root
        isTLS = tls != nil
        prefix = FileManager.default.temporaryDirectory
            .appendingPathComponent(uniqueName("gallery-nginx"))
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        port = try Self.freePort()
        let locationBlocks = locations.map { location in
            """
                    location \(location.prefix) {
                        alias \(root.path)/;
                        limit_rate \(location.bytesPerSecond);
                    }
            """
        }.joined(separator: "\n")
        let timeout =
            sendTimeout.map { duration in
                let milliseconds =
                    duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
                return "        send_timeout \(max(1, milliseconds))ms;\n"
            } ?? ""
        let templateName = tls == nil ? "nginx/nginx.conf.in" : "nginx/nginx-tls.conf.in"
        let template = try String(contentsOf: Fixtures.url(templateName), encoding: .utf8)
        let config =
            template
            .replacingOccurrences(of: "@PORT@;", with: sendBuffer.map { "@PORT@ sndbuf=\($0);" } ?? "@PORT@;")
            .replacingOccurrences(of: "@PORT@ ssl", with: sendBuffer.map { "@PORT@ sndbuf=\($0) ssl" } ?? "@PORT@ ssl")
            .replacingOccurrences(of: "@USER@", with: getuid() == 0 ? "user root;" : "")
            .replacingOccurrences(of: "@PREFIX@", with: prefix.path)
            .replacingOccurrences(of: "@PORT@", with: String(port))
            .replacingOccurrences(of: "@ROOT@", with: root.path)
            .replacingOccurrences(of: "@RATE@", with: String(bytesPerSecond))
            .replacingOccurrences(of: "@LOCATIONS@", with: timeout + locationBlocks)
            .replacingOccurrences(of: "@CERT@", with: tls?.serverCertificate ?? "")
            .replacingOccurrences(of: "@KEY@", with: tls?.serverKey ?? "")
        let configFile = prefix.appendingPathComponent("nginx.conf")
        try config.write(to: configFile, atomically: true, encoding: .utf8)

        // posix_spawn and waitpid, not Foundation's Process: nginx daemonises, and Process's exit monitoring was
        // seen to hang on that here.
        let arguments = [
            Self.executable, "-p", prefix.path, "-c", configFile.path, "-e",
            prefix.appendingPathComponent("error.log").path,
        ]
        let status = try Self.run(arguments)
        guard status == 0 else {
            let log = (try? String(contentsOf: prefix.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
            throw SupportError("nginx failed to start (status \(status)): \(log)")
        }
        let pidFile = prefix.appendingPathComponent("nginx.pid")
        var pid: pid_t = 0
        for _ in 0..<200 {
            if let text = try? String(contentsOf: pidFile, encoding: .utf8),
                let value = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                pid = value
                if Self.canConnect(port: port) { break }
            }
            usleep(10_000)
        }
        guard pid > 0 else { throw SupportError("nginx wrote no pid file in \(prefix.path)") }
        self.pid = pid
    }

    deinit { stop() }

    /// Stops nginx and waits until its master process is gone. Idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGTERM)
        for _ in 0..<500 where Self.isRunning(pid) { usleep(10_000) }
        try? FileManager.default.removeItem(at: prefix)
    }

    /// The access log so far (one line per request), to count requests or connections.
    public func accessLog() -> String {
        (try? String(contentsOf: prefix.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
    }

    /// The access log's lines once it holds at least `count`, or whatever it holds at `deadline`. nginx writes a
    /// request's line when it finalises the request, which can be after the client has read the last byte, so a
    /// test that counts lines as soon as its transfers end must wait for them.
    public func accessLogLines(atLeast count: Int, within deadline: Duration = .seconds(10)) async -> [Substring] {
        let end = ContinuousClock.now + deadline
        while true {
            let lines = accessLog().split(separator: "\n")
            guard lines.count < count, ContinuousClock.now < end else { return lines }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// True while `pid` is alive and not a zombie (the daemonised master is not our child, so we cannot reap it).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    /// Runs a program to its end and returns its exit status; `quiet` sends its output to /dev/null.
    static func run(_ arguments: [String], quiet: Bool = false) throws -> Int32 {
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let spawned = withCleanSignals { posix_spawn(&pid, arguments[0], &actions, $0, argv, environ) }
        guard spawned == 0 else { throw SupportError("posix_spawn \(arguments[0]): \(spawned)") }
        var status: Int32 = 0
        _ = retryingOnInterrupt { waitpid(pid, &status, 0) }
        return (status >> 8) & 0xff
    }

    static var executable: String {
        installedProgram("nginx") ?? "/usr/sbin/nginx"
    }

    /// A port that was free a moment ago (bind to 0, read it back, close).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SupportError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw SupportError("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// An error of the test support code, with its reason in words.
public struct SupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
