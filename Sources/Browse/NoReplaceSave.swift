import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// `s`: a copy of an image's body in a folder, under its name or, when that is taken, `name-1.ext`, `name-2.ext`, …,
/// never replacing a file that is there, even one created a moment before by someone else.
///
/// The body is written to a nameless file in the folder first (`O_TMPFILE`), made durable, and then given a name
/// with `linkat`, which fails with `EEXIST` rather than replace anything; so no name ever points at a half-written
/// file. Where the folder's file system has no `O_TMPFILE`, a hidden `.NAME.save-…` file is written instead and
/// hard-linked (`linkat`, also no-replace) before it is unlinked. Blocking file I/O: run it off the cooperative pool.
public enum NoReplaceSave {
    /// How many suffixed names to try before giving up.
    public static let maximumAttempts = 100

    /// Saves a body from the spool (or any `BodyReader`) as `save(from:size:into:as:)` does.
    public static func save(_ body: BodyReader, into folder: String, as name: String) throws(BrowseFileError) -> String
    {
        try save(from: body.fileDescriptor, size: body.size, into: folder, as: name)
    }

    /// Copies `size` bytes read from `source` (with `pread`, from offset 0) into `folder` as `name` or the first
    /// free suffixed name, and returns the path it got. `name` must be a plain file name (`SaveName.sanitized`).
    public static func save(
        from source: Int32, size: Int64, into folder: String, as name: String
    ) throws(BrowseFileError) -> String {
        try save(from: source, size: size, into: folder, as: name, method: .temporaryFile)
    }

    static func save(
        from source: Int32, size: Int64, into folder: String, as name: String, method: UnlinkedFile.Method
    ) throws(BrowseFileError) -> String {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw BrowseFileError(name, call: "save", errno: EINVAL)
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw BrowseFileError(folder, call: "open") }
        defer { close(directory) }
        let display = { (file: String) in folder.hasSuffix("/") ? folder + file : folder + "/" + file }

        var fd: Int32 = -1
        if method == .temporaryFile {
            fd = openat(directory, ".", UnlinkedFile.temporaryFileFlag | O_WRONLY | O_CLOEXEC, 0o644)
        }
        var hiddenName: String?
        if fd < 0 {
            let hidden = "." + name + ".save-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            fd = openat(directory, hidden, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw BrowseFileError(display(hidden), call: "open") }
            hiddenName = hidden
        }
        defer {
            close(fd)
            if let hiddenName { unlinkat(directory, hiddenName, 0) }
        }
        if let failure = copy(from: source, size: size, to: fd) {
            throw BrowseFileError(display(hiddenName ?? name), call: failure.call, errno: failure.errno)
        }
        guard fsync(fd) == 0 else { throw BrowseFileError(display(hiddenName ?? name), call: "fsync") }
        for candidate in candidates(for: name) {
            let linked =
                hiddenName.map { linkat(directory, $0, directory, candidate, 0) }
                ?? linkat(AT_FDCWD, "/proc/self/fd/\(fd)", directory, candidate, AT_SYMLINK_FOLLOW)
            if linked == 0 {
                fsync(directory)
                return display(candidate)
            }
            guard errno == EEXIST else { throw BrowseFileError(display(candidate), call: "linkat") }
        }
        throw BrowseFileError(display(name), call: "linkat", errno: EEXIST)
    }

    /// `a.jpg`, then `a-1.jpg`, `a-2.jpg`, …: the suffix goes before a short extension, so the file still opens
    /// with the right program.
    public static func candidates(for name: String) -> [String] {
        var stem = Substring(name)
        var ext = Substring("")
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.distance(from: dot, to: name.endIndex) <= 8 {
            stem = name[..<dot]
            ext = name[dot...]
        }
        return [name] + (1..<maximumAttempts).map { "\(stem)-\($0)\(ext)" }
    }

    /// Copies with `pread` and `write`, retrying `EINTR` and short writes; the failing call and `errno`, if any.
    private static func copy(from source: Int32, size: Int64, to target: Int32) -> (call: String, errno: Int32)? {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var offset: Int64 = 0
        while offset < size {
            let wanted = Int(min(Int64(chunk.count), size - offset))
            let count = chunk.withUnsafeMutableBytes { buffer in
                retryingOnInterrupt { pread(source, buffer.baseAddress, wanted, off_t(offset)) }
            }
            guard count > 0 else { return ("read", count < 0 ? errno : EIO) }
            let failure = chunk.withUnsafeBytes {
                UnlinkedFile.writeAll(target, UnsafeRawBufferPointer(rebasing: $0[..<count]))
            }
            if let failure { return ("write", failure) }
            offset += Int64(count)
        }
        return nil
    }
}
