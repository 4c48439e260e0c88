#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Calls `call` again for as long as it fails with `EINTR`, and returns its first other result.
///
/// A signal handled while a system call waits (SIGCHLD when a child exits, SIGWINCH on a resize) can make the call
/// return -1 with `errno` set to `EINTR` although nothing went wrong. Wrapping the call here, rather than writing
/// the retry loop at each call site, keeps the other failures in plain sight:
///
///     let count = retryingOnInterrupt { read(fd, buffer, capacity) }
///     if count < 0 { /* errno is not EINTR here */ }
///
/// - SeeAlso: <https://man7.org/linux/man-pages/man7/signal.7.html> ("Interruption of system call and library
///   function by signal handlers")
@inlinable
public func retryingOnInterrupt<Result: SignedInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result != -1 || errno != EINTR { return result }
    }
}
