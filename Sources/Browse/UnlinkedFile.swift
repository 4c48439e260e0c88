import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// Files that have no name from the moment they exist, so no exit path, SIGKILL included, leaves one behind.
enum UnlinkedFile {
    /// How the file is made nameless.
    enum Method: Sendable {
        /// `O_TMPFILE`: the kernel never gives it a name. Needs a file system that has it (ext4, xfs, btrfs, tmpfs).
        case temporaryFile
        /// A fresh name opened with `O_EXCL`, unlinked at once: for file systems without `O_TMPFILE`, at the cost
        /// of a name that exists for the length of one system call.
        case unlinkedName
    }

    /// `O_TMPFILE`, which Glibc's module does not export: `__O_TMPFILE | O_DIRECTORY` on x86-64 and arm64.
    /// - SeeAlso: <https://man7.org/linux/man-pages/man2/open.2.html>
    static let temporaryFileFlag: Int32 = 0o20000000 | O_DIRECTORY

    /// A read-write file in `directory` (a descriptor) without a name: `O_TMPFILE` first, then `unlinkedName`
    /// when the file system refuses it. Returns the descriptor, or -1 with `errno` set.
    static func open(in directory: Int32, method: Method = .temporaryFile) -> Int32 {
        if method == .temporaryFile {
            let fd = openat(directory, ".", temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o600)
            // EISDIR: a kernel older than O_TMPFILE; EOPNOTSUPP: a file system without it.
            if fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) { return fd }
        }
        for _ in 0..<16 {
            let name = ".gallery-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            let fd = openat(directory, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                unlinkat(directory, name, 0)
                return fd
            }
            if errno != EEXIST { return -1 }
        }
        return -1
    }

    /// Writes all of `bytes` at the file's current offset, retrying short writes and `EINTR`.
    /// Returns the `errno` that stopped it.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = retryingOnInterrupt { write(fd, base + offset, bytes.count - offset) }
            guard written > 0 else { return written < 0 ? errno : EIO }
            offset += written
        }
        return nil
    }
}

/// A failed spool or save operation, naming the file and the call: `/tmp: open: No space left on device`.
public struct BrowseFileError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ file: String, call: String, errno code: Int32 = errno) {
        description = "\(file): \(call): \(String(cString: strerror(code)))"
    }
}
