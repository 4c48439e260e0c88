import SystemCalls

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

    /// A stored validator: one line of printable ASCII (it goes into an `If-Range` header), at most 256 bytes.
    func readValidator(named validatorName: String) -> String? {
        let fd = openat(descriptor, validatorName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 258)
        var count = 0
        while count < buffer.count {
            let got = buffer.withUnsafeMutableBytes { unfilled in
                retryingOnInterrupt { Glibc.read(fd, unfilled.baseAddress.map { $0 + count }, unfilled.count - count) }
            }
            guard got >= 0 else { return nil }
            if got == 0 { break }
            count += got
        }
        var bytes = buffer[..<count]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        guard !bytes.isEmpty, bytes.count <= 256, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }),
            bytes.first != UInt8(ascii: " "), bytes.last != UInt8(ascii: " ")
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `name` in chunks, lending each to `consume` for the length of the call.
    func read(named name: String, consume: (UnsafeRawBufferPointer) async throws -> Void) async throws {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SaveError(display(name), call: "open") }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            try Task.checkCancellation()
            let count = retryingOnInterrupt { Glibc.read(fd, chunk.baseAddress, chunk.count) }
            guard count >= 0 else { throw SaveError(display(name), call: "read") }
            if count == 0 { return }
            try await consume(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
    }

    /// `DIR/NAME` for messages.
    func display(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }
}

/// One image being saved: `.NAME.part` until `commit()` renames it to `NAME`; `discard()` (or dropping it
/// uncommitted) removes it. Its validator, if stored, goes with it. Not Sendable: it belongs to the one task that
/// downloads the image.
final class PartFile {
    let folder: SaveFolder
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

    func write(_ bytes: UnsafeRawBufferPointer) throws(SaveError) {
        guard writeAll(bytes, to: fd) else { throw SaveError(folder.display(partName), call: "write") }
    }

    static let validatorSuffix = ".validator"
    private var validatorName: String { partName + Self.validatorSuffix }

    /// Stores what a later run needs to resume this part (`.NAME.part.validator`), or removes it for nil. Written
    /// to a temporary name and renamed, so a reader finds the whole validator or none.
    func storeValidator(_ validator: String?) throws(SaveError) {
        guard let validator else {
            unlinkat(folder.descriptor, validatorName, 0)
            return
        }
        let temporary = validatorName + ".tmp"
        let fd = openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SaveError(folder.display(temporary), call: "open") }
        guard Array((validator + "\n").utf8).withUnsafeBytes({ writeAll($0, to: fd) }) else {
            let error = SaveError(folder.display(temporary), call: "write")
            close(fd)
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
        close(fd)
        guard renameat(folder.descriptor, temporary, folder.descriptor, validatorName) == 0 else {
            let error = SaveError(folder.display(validatorName), call: "rename")
            unlinkat(folder.descriptor, temporary, 0)
            throw error
        }
    }

    /// Empties the file: the server sent the body again from its first byte.
    func restart() throws(SaveError) {
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            throw SaveError(folder.display(partName), call: "ftruncate")
        }
    }

    /// Marks the file with the URL it came from (`SaveOrigin`; best effort: a file system without user attributes
    /// only costs a later run the plain name), makes it durable, then gives it its final name: a crash leaves
    /// either no `NAME` or a complete one.
    func commit(origin url: String) throws(SaveError) {
        SaveOrigin.mark(fd, url: url)
        guard fsync(fd) == 0 else { throw SaveError(folder.display(partName), call: "fsync") }
        close(fd)
        fd = -1
        unlinkat(folder.descriptor, validatorName, 0)
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
        unlinkat(folder.descriptor, validatorName, 0)
        unlinkat(folder.descriptor, partName, 0)
    }
}

/// Writes all of `bytes` to `fd`, again after a short write; false when a call fails (`errno` says why) or writes
/// nothing.
private func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = retryingOnInterrupt {
            Glibc.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
        }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}

/// A failed file operation, naming the file and the call: `out/.a.jpg.part: write: No space left on device`.
public struct SaveError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ file: String, call: String, errno code: Int32 = errno) {
        description = "\(file): \(call): \(String(cString: strerror(code)))"
    }
}
