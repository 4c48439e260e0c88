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
