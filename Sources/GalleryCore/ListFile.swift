import Selection

#if canImport(Glibc)
    import Glibc
#endif

/// One URL list being read: its descriptor and its `ListScanner`. Blocks in read(2), so it is used only on
/// `ListStream`'s queue, never on the cooperative pool.
struct ListFile {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The name for messages: the path, or `stdin` for `-`.
    let name: String
    private let fd: Int32
    var scanner: ListScanner

    /// Opens `path` (`-` is standard input).
    init(path: String, baseURL: String, strict: Bool) throws(Unreadable) {
        let isStdin = path == "-"
        let fd = isStdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Unreadable(description: "\(path): \(String(cString: strerror(errno)))") }
        // A directory opens, and would fail only at its first read, after the downloads began.
        var status = stat()
        if fstat(fd, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
            if !isStdin { _ = Glibc.close(fd) }
            throw Unreadable(description: "\(path): \(String(cString: strerror(EISDIR)))")
        }
        let name = isStdin ? "stdin" : path
        self.fd = fd
        self.name = name
        scanner = ListScanner(source: isStdin ? nil : path, baseURL: baseURL, strict: strict) { into, wait in
            try Self.read(fd, into: into, wait: wait, name: name)
        }
    }

    func close() {
        if fd != STDIN_FILENO { _ = Glibc.close(fd) }
    }

    /// read(2), retried on EINTR; without `wait`, nil when poll(2) says no byte is ready.
    private static func read(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, wait: Bool, name: String
    ) throws -> Int? {
        if !wait {
            var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&waiter, 1, 0) > 0 else { return nil }
        }
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw Unreadable(description: "\(name): \(String(cString: strerror(errno)))")
        }
    }
}
