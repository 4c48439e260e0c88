#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The signal side of `ExitRestore`: on a signal that ends the process, the terminal goes back first. A fault, and
/// SIGABRT (`abort(3)`), then go to the action before ours, so the Swift runtime's crash report still shows where it
/// happened. Any other signal ends the process by its default action, so its parent sees which signal it was:
/// Ctrl-\ quits, where the runtime, which handles SIGQUIT too, would report and let the process go on, on a
/// terminal no longer in the mode it thinks.
enum ExitSignals {
    /// Faults, aborts and Ctrl-\: ours first, whoever handled them before, unless they are ignored. Only faults
    /// whose instruction faults again when the handler returns (not SIGSYS: the refused system call just fails).
    static let crashes = [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGQUIT]
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
                // si_code > 0: the kernel's, for a fault, whose instruction runs again and faults again once this
                // handler returns, into the action before ours with the context a crash report wants.
                let fault = info.map { $0.pointee.si_code > 0 } ?? false
                if fault || number == SIGABRT {
                    _ = sigaction(number, rescue.previousActions + Int(number), nil)
                } else {
                    var fallback = sigaction()
                    sigemptyset(&fallback.sa_mask)
                    _ = sigaction(number, &fallback, nil)
                }
                // Sent (kill, raise, abort): sent again, for the action now in place once this handler returns.
                if !fault { raise(number) }
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigaction(number, &action, nil)
        }
    }
}
