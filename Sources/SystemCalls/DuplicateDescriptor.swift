#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A second descriptor for what `fd` refers to, closed on exec; -1 on failure, with `errno` set.
///
/// One call (`F_DUPFD_CLOEXEC`), so no child started meanwhile can inherit the copy, as it could between a `dup` and
/// setting `FD_CLOEXEC`. Gallery keeps such copies where the owner of `fd` may close it (and its number be reused)
/// while the copy must still reach the same terminal or file.
public func duplicateClosedOnExec(_ fd: Int32) -> Int32 {
    fcntl(fd, F_DUPFD_CLOEXEC, 0)
}
