#if canImport(Glibc)
    import Glibc
#endif

/// Calls `body` with posix_spawn attributes that start the child with no signal blocked and the usual ones
/// (HUP, INT, QUIT, TERM, PIPE, CHLD) at their default action.
///
/// Every child the tests start goes through this. A child inherits the signal mask of the thread that spawns it,
/// and the threads tests run on (Dispatch's, the cooperative pool's) block signals such as SIGTERM, SIGHUP and
/// SIGCHLD: a tmux server started that way never noticed its pane's command exit nor `kill-server`, and two of
/// them stayed behind after every test run; xterm and its shell outlived `stop()`.
///
/// With `newSession`, the child leads a session of its own (setsid), so the first terminal it opens becomes its
/// controlling terminal, as a login shell's does.
func withCleanSignals<Result>(
    newSession: Bool = false, _ body: (UnsafePointer<posix_spawnattr_t>) throws -> Result
) rethrows -> Result {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    // glibc's POSIX_SPAWN_SETSID (spawn.h), declared only under _GNU_SOURCE, which the Glibc module is not built with.
    let session: Int32 = newSession ? 0x80 : 0
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | session))
    return try body(&attributes)
}
