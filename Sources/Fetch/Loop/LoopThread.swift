import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Lets tasks await the end of the loop thread without blocking a thread of the cooperative pool.
final class LoopExit: Sendable {
    private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Loop thread, last thing it does.
    func signal() {
        let waiters = state.withLock { s in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if !s.done { s.waiters.append(continuation) }
                return s.done
            }
            if done { continuation.resume() }
        }
    }
}

/// Moves the loop object, created on the caller's thread, onto the loop thread exactly once.
final class FetchLoopBox: @unchecked Sendable {
    // Justification: `take()` is called once, by the loop thread, after which nothing else touches `loop`.
    private var loop: FetchLoop?
    init(_ loop: FetchLoop) { self.loop = loop }
    func take() -> FetchLoop {
        guard let loop else { preconditionFailure("the fetch loop was taken twice") }
        self.loop = nil
        return loop
    }
}

/// A detached pthread running one closure: the loop must not live on the cooperative pool, which it would block.
enum LoopThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Names the calling thread for top, perf and gdb (otherwise it keeps the name of whichever pool thread started
    /// it), through /proc: Glibc's module does not export pthread_setname_np. Best effort.
    static func name(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = name.utf8CString.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count - 1) }
        close(descriptor)
    }

    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
