#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The signal side of `ExitRestore`: on a signal that ends the process, the terminal goes back first, then the
/// signal is handled as it was before ours: by the default action, which ends the process so its parent sees which
/// signal it was, or by the Swift runtime's crash report.
enum ExitSignals {
    /// Faults, aborts and Ctrl-\: ours first, whoever handled them before, unless they are ignored.
    static let crashes = [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS, SIGQUIT]
    /// Ours only while their action is the default one: an ignored SIGHUP (`nohup`) stays ignored, and a handler
    /// that restores in an order of its own (the run's `SignalWatcher`) stays in place.
    static let endings = [SIGINT, SIGTERM, SIGHUP]

    static func install() {
        for number in crashes + endings {
            var current = sigaction()
            guard sigaction(number, nil, &current) == 0 else { continue }
            let handler = current.__sigaction_handler.sa_handler
            // SIG_DFL is the null handler, SIG_IGN the handler at address 1.
            let isDefault = handler == nil
            let isIgnored = handler.map { unsafeBitCast($0, to: Int.self) == 1 } ?? false
            if isIgnored || (endings.contains(number) && !isDefault) { continue }
            rescue.previousActions[Int(number)] = current
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { number, info, _ in
                let saved = errno
                ExitRestore.restoreNow()
                _ = sigaction(number, rescue.previousActions + Int(number), nil)
                // Sent by kill(2), raise(3) or abort(3): send it again, to be taken by the action now in place once
                // this handler returns. A fault needs nothing: its instruction runs again and faults again, with the
                // context a crash report wants.
                if info.map({ $0.pointee.si_code <= 0 }) ?? true { raise(number) }
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigaction(number, &action, nil)
        }
    }
}
