import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// One image's body going into the spool while it downloads: `append` each chunk, then `seal`.
///
/// Not Sendable: it belongs to the one task that consumes the download. Dropped unsealed (a failed or cancelled
/// download), it takes its bytes out of the spool.
public final class SpoolWriter {
    let spool: Spool
    public let id: Int
    private var fd: Int32

    init(spool: Spool, id: Int, fd: Int32) {
        self.spool = spool
        self.id = id
        self.fd = fd
    }

    deinit {
        guard fd >= 0 else { return }
        close(fd)
        spool.state.withLock { state in
            guard case .writing = state.entries[id] else { return }
            _ = state.release(id)
            state.entries[id] = nil
        }
    }

    /// Whether the writer still takes bytes: false once sealed, dropped or found too large.
    public var isOpen: Bool { fd >= 0 }

    /// Adds a chunk. Returns false, and writes nothing more, once the body has been dropped (to make room for
    /// newer ones) or has grown past the whole cap.
    @discardableResult
    public func append(_ bytes: UnsafeRawBufferPointer) throws(BrowseFileError) -> Bool {
        guard fd >= 0 else { return false }
        guard spool.state.withLock({ $0.reserve(bytes.count, for: id, capacity: spool.capacity) }) else {
            closeWithoutSealing()
            return false
        }
        if let failure = UnlinkedFile.writeAll(fd, bytes) {
            closeWithoutSealing()
            spool.discard(id)
            throw BrowseFileError(spool.path, call: "write", errno: failure)
        }
        return true
    }

    @discardableResult
    public func append(_ bytes: [UInt8]) throws(BrowseFileError) -> Bool {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(BrowseFileError) -> Bool in try append(buffer) }
        }
        return try result.get()
    }

    /// The body is complete: from now on `Spool.reader(for:)` reads it. False when it was dropped meanwhile.
    @discardableResult
    public func seal() -> Bool {
        guard fd >= 0 else { return false }
        let handed = fd
        fd = -1
        let kept = spool.state.withLock { state -> Bool in
            guard case .writing(let bytes) = state.entries[id] else { return false }
            state.entries[id] = .sealed(bytes: bytes, fd: handed)
            return true
        }
        if !kept { close(handed) }
        return kept
    }

    private func closeWithoutSealing() {
        close(fd)
        fd = -1
    }
}

/// A complete spooled body, read through its own descriptor (closed when the reader goes).
///
/// Not Sendable on purpose: one task reads it, in order or at offsets (`pread`, so no shared file offset).
public final class SpoolReader {
    public let size: Int64
    /// The nameless file; valid while the reader lives.
    public let fileDescriptor: Int32

    init(fd: Int32, size: Int64) {
        self.fileDescriptor = fd
        self.size = size
    }

    deinit { close(fileDescriptor) }

    /// Hands the body to `consume` in chunks of at most `chunkSize` bytes, from the start.
    public func forEachChunk(
        chunkSize: Int = 256 * 1024, _ consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var chunk = [UInt8](repeating: 0, count: max(1, chunkSize))
        var offset: Int64 = 0
        while offset < size {
            let count = chunk.withUnsafeMutableBytes { buffer in
                retryingOnInterrupt { pread(fileDescriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
            }
            guard count > 0 else { throw BrowseFileError("spool", call: "pread", errno: count < 0 ? errno : EIO) }
            try chunk.withUnsafeBytes { try consume(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            offset += Int64(count)
        }
    }

    /// The whole body in memory, for small images and tests.
    public func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        try forEachChunk { bytes.append(contentsOf: $0) }
        return bytes
    }
}
