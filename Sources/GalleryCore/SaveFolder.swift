#if canImport(Glibc)
    import Glibc
#endif

/// The `--save` folder, held open: every file in it is reached relative to this descriptor (`openat`,
/// `renameat`, `fstatat`) and never through a path, so a name can never reach outside it, and no symlink inside it
/// is followed (`O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`).
///
/// The file calls here are short, blocking system calls made from the task that consumes a download; each
/// writes or reads one chunk (at most a few hundred KiB), which a local disk absorbs in well under a
/// millisecond, so they are acceptable on the cooperative pool. The slow one, `fsync`, runs once per image.
public final class SaveFolder: Sendable {
    public let path: String
    let descriptor: Int32

    /// Opens `path`, creating it (one level) if it does not exist.
    public init(path: String) throws(SaveError) {
        self.path = path
        var fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 && errno == ENOENT {
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw SaveError(path, call: "mkdir") }
            fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        guard fd >= 0 else { throw SaveError(path, call: "open") }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The size of `name` if it is a regular file (a symlink or anything else does not count).
    func sizeOfFile(named name: String) -> Int64? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return nil
        }
        return Int64(info.st_size)
    }

    /// Starts `.NAME.part`, replacing one left by an interrupted run.
    func startPart(for name: String) throws(SaveError) -> PartFile {
        let partName = "." + name + ".part"
        let fd = openat(descriptor, partName, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SaveError(display(partName), call: "open") }
        return PartFile(folder: self, fd: fd, partName: partName, name: name)
    }

    /// Reads `name` in chunks, handing each to `consume`.
    func read(named name: String, consume: ([UInt8]) async throws -> Void) async throws {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SaveError(display(name), call: "open") }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            try Task.checkCancellation()
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SaveError(display(name), call: "read") }
            if count == 0 { return }
            try await consume(Array(chunk[..<count]))
        }
    }

    /// `DIR/NAME` for messages.
    func display(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }
}

/// One image being saved: `.NAME.part` until `commit()` renames it to `NAME`; `discard()` (or dropping it
/// uncommitted) removes it. Not Sendable: it belongs to the one task that downloads the image.
final class PartFile {
    private let folder: SaveFolder
    private var fd: Int32
    let partName: String
    let name: String

    init(folder: SaveFolder, fd: Int32, partName: String, name: String) {
        self.folder = folder
        self.fd = fd
        self.partName = partName
        self.name = name
    }

    deinit { discard() }

    func write(_ bytes: [UInt8]) throws(SaveError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw SaveError(folder.display(partName), call: "write") }
            offset += written
        }
    }

    /// Empties the file: the server sent the body again from its first byte.
    func restart() throws(SaveError) {
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            throw SaveError(folder.display(partName), call: "ftruncate")
        }
    }

    /// Makes the file durable, then gives it its final name: a crash leaves either no `NAME` or a complete one.
    func commit() throws(SaveError) {
        guard fsync(fd) == 0 else { throw SaveError(folder.display(partName), call: "fsync") }
        close(fd)
        fd = -1
        guard renameat(folder.descriptor, partName, folder.descriptor, name) == 0 else {
            let error = SaveError(folder.display(name), call: "rename")
            unlinkat(folder.descriptor, partName, 0)
            throw error
        }
        // The rename itself is durable only once the folder is synced.
        fsync(folder.descriptor)
    }

    /// Removes the part file. Idempotent; a no-op after `commit()`.
    func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlinkat(folder.descriptor, partName, 0)
    }
}

/// A failed file operation, naming the file and the call: `out/.a.jpg.part: write: No space left on device`.
public struct SaveError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ file: String, call: String, errno code: Int32 = errno) {
        description = "\(file): \(call): \(String(cString: strerror(code)))"
    }
}
