import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server of our own on a free loopback port that misbehaves on purpose: one path per fault.
///
/// Plain POSIX sockets and one thread per connection, one request per connection (`Connection: close`), so every
/// fault is a few readable lines. It counts requests per path and keeps their methods and headers, so tests can pin
/// how many attempts a client made and what it asked for (`HEAD`, `Range`, `If-Range`). A HEAD gets the headers a
/// GET would get, without the body.
///
/// Paths (every good body is `body`, served with `Accept-Ranges: bytes` and `ETag: "v1"` unless said otherwise):
/// - `/ok`, `/wrong-type` (Content-Type text/html): the body.
/// - `/404`, `/500`: that status, always. `/503-twice`: 503 twice, then the body. `/429`: 429 with
///   `Retry-After: 1` once, then the body; `/429-date`: the same with an HTTP date about 1 s ahead.
/// - `/redirect-loop` (to itself), `/redirect-file` (to `file:///etc/passwd`), `/redirect-ok` (to `/ok`).
/// - `/stall-headers`: headers, then nothing. `/stall-body`: headers and half the body, then nothing.
/// - `/trickle`: the body at `trickleBytesPerSecond`.
/// - `/reset`: the first request gets half the body and a TCP reset; later ones honour `Range: bytes=N-` with a
///   matching `If-Range` (206). `/reset-norange`: the same without `Accept-Ranges`/ETag, later requests get the
///   whole body. `/reset-changed`: like `/reset`, but the file "changed": a range request gets 200, ETag "v2".
/// - `/short`: Content-Length 1000 more than it sends. `/long`: sends 1000 bytes more than its Content-Length.
/// - `/endless`: no Content-Length, bytes until the client hangs up.
/// - `/no-head`: 405 to HEAD; a GET with `Range: bytes=S-E` gets 206 and `Content-Range: bytes S-E/TOTAL`, other
///   GETs the body. `/no-head-501`, `/no-head-403`: the same with 501 or 403 to HEAD. `/no-head-no-range`: 405 to
///   HEAD, and every GET gets 200 with the whole body at `trickleBytesPerSecond`, Range or not (`earlyHangUps`
///   tells whether the client stopped reading).
/// - `/shared/NAME` (any NAME, so a test can list several images): the body through `sharedLink`, the one token
///   bucket every connection draws from; `Range: bytes=N-` gets 206 from N. Needs `sharedLink` (404 without).
///   With the link's `sendTimeout`, a connection whose client stops reading for that long is closed
///   (`sendTimeouts` counts them).
public final class FaultServer: @unchecked Sendable {
    // Justification: `listener` and `port` are lets; everything mutable lives in `state`, guarded by `lock`.

    private struct State {
        var counts: [String: Int] = [:]
        var headers: [String: [[String: String]]] = [:]
        var methods: [String: [String]] = [:]
        var earlyHangUps: [String: [Int]] = [:]
        var sendTimeouts: [String: Int] = [:]
        var connections: Set<Int32> = []
        var stopped = false
    }

    public let port: Int
    public let body: [UInt8]
    public let trickleBytesPerSecond: Int
    /// The link `/shared/` paths are served through, when the server emulates one.
    public let sharedLink: SharedLink?
    private let listener: Int32
    private let lock = NSLock()
    private var state = State()
    private let threads = DispatchGroup()

    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public init(body: [UInt8], trickleBytesPerSecond: Int = 1000, sharedLink: SharedLink? = nil) throws {
        self.body = body
        self.trickleBytesPerSecond = trickleBytesPerSecond
        self.sharedLink = sharedLink
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SupportError("socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound, listen(fd, 256) == 0 else {
            close(fd)
            throw SupportError("bind/listen: \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        threads.enter()
        Thread.detachNewThread { [self] in
            acceptLoop()
            threads.leave()
        }
    }

    deinit { stop() }

    /// Requests received for `path` so far.
    public func requests(_ path: String) -> Int {
        lock.withLock { state.counts[path, default: 0] }
    }

    /// The headers of every request for `path` so far (names lower-cased), in arrival order.
    public func headers(_ path: String) -> [[String: String]] {
        lock.withLock { state.headers[path, default: []] }
    }

    /// The method of every request for `path` so far ("GET", "HEAD"), in arrival order.
    public func methods(_ path: String) -> [String] {
        lock.withLock { state.methods[path, default: []] }
    }

    /// For each connection to `path` whose client hung up before the whole body was sent (paths that trickle: the
    /// server notices between steps), how many body bytes had been sent by then.
    public func earlyHangUps(_ path: String) -> [Int] {
        lock.withLock { state.earlyHangUps[path, default: []] }
    }

    /// Connections to `path` closed because their client read nothing for the shared link's `sendTimeout`.
    public func sendTimeouts(_ path: String) -> Int {
        lock.withLock { state.sendTimeouts[path, default: 0] }
    }

    /// Closes the listener and every connection, and waits for their threads to end. Idempotent.
    public func stop() {
        let open: Set<Int32>? = lock.withLock {
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.connections
        }
        guard let open else { return }
        // shutdown(2) wakes a thread blocked in accept, recv or send on that socket; each thread closes its own.
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        for fd in open { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        threads.wait()
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { state.stopped } }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let admitted = lock.withLock {
                guard !state.stopped else { return false }
                state.connections.insert(fd)
                return true
            }
            guard admitted else {
                close(fd)
                return
            }
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(fd)
                lock.withLock { _ = state.connections.remove(fd) }
                close(fd)
                threads.leave()
            }
        }
    }

    // MARK: One connection

    private func serve(_ fd: Int32) {
        guard let (method, path, headers) = readRequest(fd) else { return }
        let count = lock.withLock {
            state.counts[path, default: 0] += 1
            state.headers[path, default: []].append(headers)
            state.methods[path, default: []].append(method)
            return state.counts[path, default: 0]
        }
        let connection = Connection(fd: fd, server: self, headOnly: method == "HEAD")
        if path.hasPrefix("/shared/"), let sharedLink {
            return serveShared(connection, path: path, headers: headers, link: sharedLink)
        }
        switch path {
        case "/ok": connection.sendBody(body)
        case "/wrong-type": connection.sendBody(body, type: "text/html")
        case "/404": connection.sendStatus(404, "Not Found")
        case "/500": connection.sendStatus(500, "Internal Server Error")
        case "/503-twice":
            if count <= 2 { connection.sendStatus(503, "Service Unavailable") } else { connection.sendBody(body) }
        case "/429":
            if count == 1 {
                connection.sendStatus(429, "Too Many Requests", extra: ["Retry-After: 1"])
            } else {
                connection.sendBody(body)
            }
        case "/429-date":
            if count == 1 {
                let date = Self.httpDate(Date().addingTimeInterval(1.5))
                connection.sendStatus(429, "Too Many Requests", extra: ["Retry-After: \(date)"])
            } else {
                connection.sendBody(body)
            }
        case "/redirect-loop": connection.sendStatus(302, "Found", extra: ["Location: /redirect-loop"])
        case "/redirect-file": connection.sendStatus(302, "Found", extra: ["Location: file:///etc/passwd"])
        case "/redirect-ok": connection.sendStatus(302, "Found", extra: ["Location: /ok"])
        case "/stall-headers":
            connection.sendHead(200, "OK", length: body.count)
            connection.waitForHangUp()
        case "/stall-body":
            connection.sendHead(200, "OK", length: body.count)
            connection.send(body[..<(body.count / 2)])
            connection.waitForHangUp()
        case "/trickle":
            connection.sendHead(200, "OK", length: body.count)
            connection.trickle(body[...], bytesPerSecond: trickleBytesPerSecond)
        case "/reset": serveResumable(connection, headers: headers, first: count == 1, ranges: true, changed: false)
        case "/reset-norange":
            serveResumable(connection, headers: headers, first: count == 1, ranges: false, changed: false)
        case "/reset-changed":
            serveResumable(connection, headers: headers, first: count == 1, ranges: true, changed: true)
        case "/short":
            connection.sendHead(200, "OK", length: body.count + 1000)
            connection.send(body[...])
        case "/long":
            connection.sendHead(200, "OK", length: body.count)
            connection.send(body[...] + [UInt8](repeating: 0x55, count: 1000))
        case "/endless":
            connection.sendHead(200, "OK", length: nil)
            let chunk = [UInt8](repeating: 0xAB, count: 16 * 1024)
            while connection.send(chunk[...]) {}
        case "/no-head", "/no-head-501", "/no-head-403":
            guard method == "HEAD" else { return serveRange(connection, headers: headers) }
            switch path {
            case "/no-head-501": connection.sendStatus(501, "Not Implemented")
            case "/no-head-403": connection.sendStatus(403, "Forbidden")
            default: connection.sendStatus(405, "Method Not Allowed", extra: ["Allow: GET"])
            }
        case "/no-head-no-range":
            if method == "HEAD" {
                connection.sendStatus(405, "Method Not Allowed", extra: ["Allow: GET"])
                return
            }
            connection.sendHead(200, "OK", length: body.count)
            let sent = connection.trickle(body[...], bytesPerSecond: trickleBytesPerSecond)
            if sent < body.count && !isStopped {
                lock.withLock { state.earlyHangUps[path, default: []].append(sent) }
            }
        default: connection.sendStatus(404, "Not Found")
        }
    }

    /// The first request dies mid-body with a TCP reset; later ones resume (or not) as `ranges`/`changed` say.
    private func serveResumable(
        _ connection: Connection, headers: [String: String], first: Bool, ranges: Bool, changed: Bool
    ) {
        let validators = ranges ? ["Accept-Ranges: bytes", "ETag: \"v1\""] : []
        if first {
            connection.sendHead(200, "OK", length: body.count, extra: validators)
            connection.send(body[..<(body.count / 2)])
            // Let the half arrive before the reset, which would otherwise discard it from the client's queue.
            connection.waitForHangUp(upTo: .milliseconds(100))
            connection.reset()
            return
        }
        if ranges, let range = headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
            let start = Int(range.dropFirst(6).dropLast()), start < body.count
        {
            if changed || headers["if-range"] != "\"v1\"" {
                connection.sendBody(body, extra: ["Accept-Ranges: bytes", "ETag: \"v2\""])
                return
            }
            connection.sendHead(
                206, "Partial Content", length: body.count - start,
                extra: validators + ["Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)"])
            connection.send(body[start...])
            return
        }
        connection.sendBody(body, extra: validators)
    }

    /// The body, or from `Range: bytes=N-` on, through the shared link, in pieces of at most a send buffer.
    private func serveShared(_ connection: Connection, path: String, headers: [String: String], link: SharedLink) {
        var size = Int32(link.sendBufferBytes)
        setsockopt(connection.fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        if let timeout = link.sendTimeout {
            let (seconds, attoseconds) = timeout.components
            var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            setsockopt(connection.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        let validators = ["Accept-Ranges: bytes", "ETag: \"v1\""]
        var start = 0
        if let range = headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
            let from = Int(range.dropFirst(6).dropLast()), from < body.count
        {
            start = from
            connection.sendHead(
                206, "Partial Content", length: body.count - start,
                extra: validators + ["Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)"])
        } else {
            connection.sendHead(200, "OK", length: body.count, extra: validators)
        }
        var rest = body[start...]
        while !rest.isEmpty {
            let granted = link.take(upTo: min(rest.count, link.sendBufferBytes)) { isStopped }
            guard granted > 0 else { return }
            guard connection.send(rest.prefix(granted)) else {
                // SO_SNDTIMEO ran out: the send made no progress for `sendTimeout`.
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    lock.withLock { state.sendTimeouts[path, default: 0] += 1 }
                }
                return
            }
            rest = rest.dropFirst(granted)
        }
    }

    /// `Range: bytes=S-E` (both given, within the body) gets 206 with those bytes; any other request the body.
    private func serveRange(_ connection: Connection, headers: [String: String]) {
        let bounds = headers["range"].flatMap { range -> (Int, Int)? in
            guard range.hasPrefix("bytes=") else { return nil }
            let parts = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]), start <= end,
                end < body.count
            else { return nil }
            return (start, end)
        }
        guard let (start, end) = bounds else {
            connection.sendBody(body)
            return
        }
        connection.sendHead(
            206, "Partial Content", length: end - start + 1,
            extra: ["Accept-Ranges: bytes", "ETag: \"v1\"", "Content-Range: bytes \(start)-\(end)/\(body.count)"])
        connection.send(body[start...end])
    }

    /// Reads up to the blank line; returns the method, the path and the headers, lower-cased names.
    private func readRequest(_ fd: Int32) -> (String, String, [String: String])? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while !Self.contains(data, end) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0, data.count < 64 * 1024 else { return nil }
            data += buffer[..<count]
        }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        return (String(requestLine[0]), String(requestLine[1]), headers)
    }

    private static func contains(_ data: [UInt8], _ needle: [UInt8]) -> Bool {
        guard data.count >= needle.count else { return false }
        for start in 0...(data.count - needle.count) where data[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// An IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    public static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// Writes to one client socket; every write stops quietly once the client has gone or the server stops.
    private struct Connection {
        let fd: Int32
        let server: FaultServer
        /// Answering a HEAD: `sendHead` writes, body writes are skipped (and report the client gone).
        let headOnly: Bool

        func sendStatus(_ status: Int, _ text: String, extra: [String] = []) {
            let page = Array("\(status) \(text)\n".utf8)
            sendHead(status, text, length: page.count, type: "text/plain", extra: extra)
            send(page[...])
        }

        func sendBody(_ body: [UInt8], type: String = "image/jpeg", extra: [String]? = nil) {
            sendHead(
                200, "OK", length: body.count, type: type, extra: extra ?? ["Accept-Ranges: bytes", "ETag: \"v1\""])
            send(body[...])
        }

        func sendHead(_ status: Int, _ text: String, length: Int?, type: String = "image/jpeg", extra: [String] = []) {
            var lines = ["HTTP/1.1 \(status) \(text)", "Content-Type: \(type)", "Connection: close"]
            if let length { lines.append("Content-Length: \(length)") }
            lines += extra
            write(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)[...])
        }

        /// Body bytes (none for a HEAD). Returns false once the client is gone.
        @discardableResult
        func send(_ bytes: ArraySlice<UInt8>) -> Bool {
            headOnly ? false : write(bytes)
        }

        /// Returns false once the client is gone.
        @discardableResult
        private func write(_ bytes: ArraySlice<UInt8>) -> Bool {
            var rest = bytes
            while !rest.isEmpty {
                let sent = rest.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { return false }
                rest = rest.dropFirst(sent)
            }
            return true
        }

        /// Sends `bytes` in tenths of a second's worth, pausing between them. Returns how many were sent before the
        /// client hung up (all of them if it did not).
        @discardableResult
        func trickle(_ bytes: ArraySlice<UInt8>, bytesPerSecond: Int) -> Int {
            var rest = bytes
            let step = max(1, bytesPerSecond / 10)
            while !rest.isEmpty {
                guard send(rest.prefix(step)) else { break }
                rest = rest.dropFirst(step)
                if waitForHangUp(upTo: .milliseconds(100)) { break }
            }
            return bytes.count - rest.count
        }

        /// Holds the connection open, sending nothing, until the client hangs up, the server stops, or `upTo`
        /// passes. Returns true when the client hung up or the server stopped.
        @discardableResult
        func waitForHangUp(upTo limit: Duration = .seconds(3600)) -> Bool {
            let deadline = ContinuousClock.now + limit
            var scratch = [UInt8](repeating: 0, count: 4096)
            while ContinuousClock.now < deadline {
                if server.isStopped { return true }
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let left = deadline - ContinuousClock.now
                let slice = min(
                    50,
                    max(1, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
                let ready = poll(&entry, 1, Int32(slice))
                if ready > 0 {
                    let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { return true }
                }
            }
            return false
        }

        /// Ends the connection with a TCP reset (SO_LINGER with a zero timeout makes close(2) send RST).
        func reset() {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }
}
