#if canImport(Glibc)
    import Glibc
#endif

/// The URL a saved file came from, kept with the file in the `user.xdg.origin.url` extended attribute (the
/// freedesktop.org name that `wget` and `curl --xattr` also write), so a later run can tell its own file from
/// another URL's file of the same name.
/// - SeeAlso: <https://www.freedesktop.org/wiki/CommonExtendedAttributes/>
enum SaveOrigin {
    static let attribute = "user.xdg.origin.url"

    // Glibc's module map leaves out <sys/xattr.h>; both functions are plain (not variadic) C calls in libc.
    private typealias SetAttribute =
        @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias GetAttribute = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    private static let fsetxattr = dlsym(nil, "fsetxattr").map { unsafeBitCast($0, to: SetAttribute.self) }
    private static let fgetxattr = dlsym(nil, "fgetxattr").map { unsafeBitCast($0, to: GetAttribute.self) }

    /// Marks an open file with its URL (fsetxattr(2)); false where the file system keeps no user attributes.
    @discardableResult
    static func mark(_ fd: Int32, url: String) -> Bool {
        guard let fsetxattr else { return false }
        var url = url
        return url.withUTF8 { bytes in fsetxattr(fd, attribute, bytes.baseAddress, bytes.count, 0) == 0 }
    }

    /// The URL `name` in the folder was saved from (fgetxattr(2)); nil when it is missing or unmarked.
    static func url(ofFileNamed name: String, in folder: Int32) -> String? {
        guard let fgetxattr else { return nil }
        let fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8 * 1024 + 1)
        let count = buffer.withUnsafeMutableBytes { fgetxattr(fd, attribute, $0.baseAddress, $0.count) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
