import Browse

#if canImport(Glibc)
    import Glibc
#endif

/// The background case of `BrowseInputMode` and `KeyReader`, which needs a session of its own: a test process
/// cannot put itself in the background of a terminal without losing its own.
func background(tty: String) async {
    guard setsid() >= 0 else { fail("setsid") }
    // A session leader without a controlling terminal acquires the first terminal it opens without O_NOCTTY.
    let fd = open(tty, O_RDWR)
    guard fd >= 0, tcgetpgrp(fd) == getpgrp() else { fail("cannot take \(tty) as the controlling terminal") }
    // Taking the foreground back from the background would otherwise stop us with SIGTTOU.
    signal(SIGTTOU, SIG_IGN)
    let other = spawnInOwnGroup(["/bin/sleep", "60"])
    guard tcsetpgrp(fd, other) == 0 else { fail("tcsetpgrp") }
    defer { kill(other, SIGKILL) }

    say("background enter=\(BrowseInputMode.enter(fd))")
    let reader = KeyReader(fileDescriptor: fd, backgroundRecheck: .milliseconds(20))
    // The test types a key now; the reader must leave it for the foreground job.
    _ = readLine()
    try? await Task.sleep(for: .milliseconds(300))
    var pending: Int32 = 0
    _ = ioctl(fd, UInt(FIONREAD), &pending)
    say("pending \(pending)")
    guard tcsetpgrp(fd, getpgrp()) == 0 else { fail("tcsetpgrp back") }
    for await event in reader.events {
        say("foreground \(event)")
        break
    }
    reader.stop()
}

/// Starts `arguments` in a process group of its own and returns its pid (which is the group's id).
private func spawnInOwnGroup(_ arguments: [String]) -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    // Not our pipes: the test reads them to their end.
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for target in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
        posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
    }
    let argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ) == 0 else { fail("spawn") }
    return pid
}
