import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Observes signals through a self-pipe, so no work ever runs inside a signal handler.
///
/// The handler only writes the signal's number to a pipe (async-signal-safe); a Dispatch read source on the other
/// end calls the Swift callbacks on an ordinary thread. A Dispatch *signal* source is not enough on Linux: it
/// listens through signalfd, which never sees a signal whose action is SIG_IGN, and leaving the default action
/// in place would kill the process before the terminal is restored.
///
/// SIGINT, SIGTERM and SIGHUP cancel the run (which restores the terminal and prints what it has); SIGWINCH asks
/// for a redraw at the new size. With a live view, Ctrl-Z (SIGTSTP) first restores the terminal, then stops the
/// process for real (SIGSTOP); SIGCONT redraws.
public final class SignalWatcher {
    private let source: any DispatchSourceRead
    /// The actions ours replaced, put back by `cancel()`: the default ones, or `ExitRestore`'s when the terminal
    /// was changed before the watcher started.
    private let previous: [(Int32, sigaction)]

    public convenience init(view: LiveView?, onInterrupt: @escaping @Sendable (Int32) -> Void) {
        var suspend: (@Sendable () async -> Void)? = nil
        if let view {
            suspend = { await view.suspend() }
        }
        self.init(
            onInterrupt: onInterrupt,
            onResize: { Task { await view?.relayout() } },
            onSuspend: suspend,
            onContinue: { Task { await view?.resume() } })
    }

    public init(
        onInterrupt: @escaping @Sendable (Int32) -> Void,
        onResize: @escaping @Sendable () -> Void,
        onSuspend: (@Sendable () async -> Void)? = nil,
        onContinue: @escaping @Sendable () -> Void = {}
    ) {
        let readEnd = SelfPipe.shared.readEnd
        var handled = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]
        if onSuspend != nil { handled += [SIGTSTP, SIGCONT] }
        source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: DispatchQueue(label: "gallery.signals"))
        source.setEventHandler {
            var numbers = [UInt8](repeating: 0, count: 64)
            let count = numbers.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            for number in numbers.prefix(max(0, count)).map(Int32.init) {
                switch number {
                case SIGINT, SIGTERM, SIGHUP: onInterrupt(number)
                case SIGWINCH: onResize()
                case SIGTSTP:
                    guard let onSuspend else { continue }
                    Task {
                        await onSuspend()
                        kill(getpid(), SIGSTOP)
                    }
                case SIGCONT: onContinue()
                default: continue
                }
            }
        }
        source.resume()
        previous = handled.map { ($0, SelfPipe.shared.install($0)) }
    }

    /// Gives the signals the actions they had before back and stops listening.
    public func cancel() {
        for (number, action) in previous {
            var action = action
            sigaction(number, &action, nil)
        }
        source.cancel()
    }
}

/// The process-wide pipe the signal handler writes to. Created once, never closed (the handler may run any time).
private final class SelfPipe: Sendable {
    static let shared = SelfPipe()

    let readEnd: Int32

    private init() {
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        readEnd = ends[0]
        signalPipeWriteEnd.store(ends[1], ordering: .releasing)
    }

    /// Returns the action it replaced.
    func install(_ number: Int32) -> sigaction {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            // Async-signal-safe: an atomic load and write(2), nothing else.
            var byte = UInt8(truncatingIfNeeded: number)
            let saved = errno
            _ = write(signalPipeWriteEnd.load(ordering: .acquiring), &byte, 1)
            errno = saved
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        var previous = sigaction()
        sigaction(number, &action, &previous)
        return previous
    }
}

/// The write end of the self-pipe, readable from the signal handler (a C function pointer captures nothing).
private let signalPipeWriteEnd = Atomic<Int32>(-1)
