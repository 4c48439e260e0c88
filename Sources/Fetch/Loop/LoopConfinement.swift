#if canImport(Glibc)
    import Glibc
#endif

/// Records which thread owns a loop-confined value and checks it in debug builds.
///
/// Values made on the loop thread are bound at once; those made before the loop starts (the loop itself, the multi
/// handle) are bound by the loop's first act, and until then the thread that made them may use them.
struct LoopConfinement {
    private var owner: pthread_t?

    /// Bound to the calling thread, for values the loop thread makes.
    static func here() -> LoopConfinement {
        var confinement = LoopConfinement()
        confinement.bind()
        return confinement
    }

    mutating func bind() { owner = pthread_self() }

    /// Traps in debug builds when called off the owning thread; release builds skip the check.
    func assertOnLoopThread(file: StaticString = #fileID, line: UInt = #line) {
        assert(isOnOwner, "loop-confined state touched off the fetch loop thread", file: file, line: line)
    }

    private var isOnOwner: Bool {
        guard let owner else { return true }
        return pthread_equal(owner, pthread_self()) != 0
    }
}
