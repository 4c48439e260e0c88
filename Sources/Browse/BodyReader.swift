import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// A complete image body on disk, read through a descriptor of its own (closed when the reader goes): a spooled
/// body (`Spool.reader(for:)`) or the file `--save` wrote (`init(path:)`), so the enlarged view and `s` read both
/// the same way.
///
/// Not Sendable on purpose: one task reads it, in order or at offsets (`pread`, so no shared file offset).
public final class BodyReader {
    public let size: Int64
    /// Valid while the reader lives.
    public let fileDescriptor: Int32
    /// For messages: the saved file's path, or the spool's.
    public let name: String

    init(fd: Int32, size: Int64, name: String) {
        self.fileDescriptor = fd
        self.size = size
        self.name = name
    }

    /// A saved file; a symlink is not followed (the save folder's rule).
    public convenience init(path: String) throws(BrowseFileError) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw BrowseFileError(path, call: "open") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw BrowseFileError(path, call: "fstat", errno: EINVAL)
        }
        self.init(fd: fd, size: Int64(info.st_size), name: path)
    }

    deinit { close(fileDescriptor) }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end. Throws on a read error or a body that
    /// ends before `size` (a file truncated meanwhile).
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(BrowseFileError) -> Int {
        let wanted = Int(min(Int64(buffer.count), size - offset))
        guard wanted > 0 else { return 0 }
        let count = retryingOnInterrupt { pread(fileDescriptor, buffer.baseAddress, wanted, off_t(offset)) }
        guard count > 0 else { throw BrowseFileError(name, call: "pread", errno: count < 0 ? errno : EIO) }
        return count
    }

    /// The whole body in memory, for small images and tests.
    public func readAll() throws(BrowseFileError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(size), alignment: 1)
        defer { buffer.deallocate() }
        var offset = 0
        while offset < buffer.count {
            offset += try read(at: Int64(offset), into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
        }
        return Array(buffer)
    }
}
