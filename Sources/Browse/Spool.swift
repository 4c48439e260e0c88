import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The bodies of shown images, kept so the enlarged view and `s` have them without `--save`: one nameless file
/// each (`UnlinkedFile`) in `$TMPDIR`, at most `capacity` bytes in all.
///
/// Past the cap the oldest bodies are dropped, whole, and their space is freed at once (the last descriptor to a
/// nameless file is its only reference). A body larger than the cap on its own is never kept. A dropped image
/// says so (`status`), and the caller fetches it again.
///
/// Images are known by the caller's number (the slot). A download writes through its own `SpoolWriter`, so the
/// lock is held only for the accounting, never during a write.
public final class Spool: Sendable {
    /// Where one image's body stands.
    public enum Status: Sendable, Equatable {
        /// Never spooled, or discarded.
        case absent
        /// Being written; `bytes` so far.
        case writing(bytes: Int64)
        /// Complete and readable.
        case sealed(bytes: Int64)
        /// Dropped to keep the spool under its cap; fetch it again.
        case evicted
        /// Larger than the whole cap, so never kept.
        case tooLarge
    }

    enum Entry {
        case writing(bytes: Int64)
        case sealed(bytes: Int64, fd: Int32)
        case evicted
        case tooLarge
    }

    struct State {
        var entries: [Int: Entry] = [:]
        /// Images holding bytes, oldest first.
        var order: [Int] = []
        var total: Int64 = 0
    }

    public let capacity: Int64
    public let path: String
    let directory: Int32
    let method: UnlinkedFile.Method
    let state = Mutex(State())

    /// The spool in `path` (`$TMPDIR`, else `/tmp`, by default), holding at most `capacity` bytes.
    public convenience init(path: String = Spool.defaultPath(), capacity: Int64) throws(BrowseFileError) {
        try self.init(path: path, capacity: capacity, method: .temporaryFile)
    }

    init(path: String, capacity: Int64, method: UnlinkedFile.Method) throws(BrowseFileError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BrowseFileError(path, call: "open") }
        self.path = path
        self.capacity = max(0, capacity)
        self.directory = fd
        self.method = method
    }

    deinit {
        for entry in state.withLock({ $0.entries.values }) {
            if case .sealed(_, let fd) = entry { close(fd) }
        }
        close(directory)
    }

    /// `$TMPDIR` when set and not empty, else `/tmp`.
    public static func defaultPath() -> String {
        guard let value = getenv("TMPDIR"), value.pointee != 0 else { return "/tmp" }
        return String(cString: value)
    }

    /// Starts (or restarts, for a fetch again) the body of image `id`; what it held before is dropped. Nil when
    /// `expectedBytes` is already over the cap: the image is `tooLarge` and nothing is written.
    public func writer(for id: Int, expectedBytes: Int64? = nil) throws(BrowseFileError) -> SpoolWriter? {
        discard(id)
        if let expectedBytes, expectedBytes > capacity {
            state.withLock { $0.entries[id] = .tooLarge }
            return nil
        }
        let fd = UnlinkedFile.open(in: directory, method: method)
        guard fd >= 0 else { throw BrowseFileError(path, call: "open") }
        state.withLock { state in
            state.entries[id] = .writing(bytes: 0)
            state.order.append(id)
        }
        return SpoolWriter(spool: self, id: id, fd: fd)
    }

    public func status(of id: Int) -> Status {
        switch state.withLock({ $0.entries[id] }) {
        case nil: .absent
        case .writing(let bytes): .writing(bytes: bytes)
        case .sealed(let bytes, _): .sealed(bytes: bytes)
        case .evicted: .evicted
        case .tooLarge: .tooLarge
        }
    }

    /// Bytes held now, sealed and being written.
    public var totalBytes: Int64 { state.withLock { $0.total } }

    /// A reader of image `id`'s complete body, or nil when it is not sealed. The reader has its own descriptor,
    /// so the body stays readable through it even if the spool drops it meanwhile.
    public func reader(for id: Int) -> BodyReader? {
        state.withLock { state -> BodyReader? in
            guard case .sealed(let bytes, let fd) = state.entries[id] else { return nil }
            let copy = duplicateClosedOnExec(fd)
            guard copy >= 0 else { return nil }
            return BodyReader(fd: copy, size: bytes, name: path + " (spool)")
        }
    }

    /// Drops image `id`'s body, whatever its state; its status becomes `absent`.
    public func discard(_ id: Int) {
        let fd = state.withLock { state -> Int32? in
            let fd = state.release(id)
            state.entries[id] = nil
            return fd
        }
        if let fd { close(fd) }
    }
}
