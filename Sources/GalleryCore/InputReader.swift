import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// One URL list as read: its bytes and where they came from.
public struct ListInput: Sendable {
    /// The file name for messages (`list.txt: line 7: …`); nil for standard input.
    public var source: String?
    public var bytes: [UInt8]

    public init(source: String?, bytes: [UInt8]) {
        self.source = source
        self.bytes = bytes
    }
}

/// Reads URL lists without blocking the cooperative pool: each read runs on a Dispatch thread.
public enum InputReader {
    /// A list too large to be a URL list is refused rather than read into memory without bound.
    public static let maxBytes = 256 * 1024 * 1024

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// All bytes of `path` (`-` is stdin).
    public static func read(_ path: String) async throws -> ListInput {
        let bytes = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try readSynchronously(path) })
            }
        }
        return ListInput(source: path == "-" ? nil : path, bytes: bytes)
    }

    private static func readSynchronously(_ path: String) throws -> [UInt8] {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(path == "-" ? "stdin" : path): \(String(cString: strerror(errno)))")
            }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maxBytes { throw Failure(description: "\(path): larger than \(maxBytes) bytes") }
        }
    }
}
