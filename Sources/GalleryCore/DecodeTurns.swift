import Synchronization

/// Lets images whose last byte has arrived decode before the images still downloading.
///
/// The decoders share the cooperative pool's threads, and a decoder fed without pause keeps its thread until its
/// image is done: it never waits for bytes, so it never suspends. One that suspends for a moment, waiting for its
/// paused transfer to be refilled, goes to the back of the pool's queue and could wait there for other images'
/// whole decodes. With these turns, a decoder still downloading yields its thread after each chunk while an image
/// with all its bytes waits for one, so that image gets a thread within one chunk's decode.
///
/// Whether an image has all its bytes is state the turns read (the body stream's `lastByteArrived`), not an event
/// the fetch loop reports: nothing of this runs on the loop thread.
final class DecodeTurns: Sendable {
    static let shared = DecodeTurns()

    /// The images between `join()` and `done()`.
    private let images = Mutex<[ObjectIdentifier: Image]>([:])

    /// Some image has all its bytes and is not decoding now: it waits for a thread.
    var someoneWaits: Bool { images.withLock { $0.values.contains { $0.waits } } }

    /// A bound on the yields of one `giveWay`, in case the pool does not serve its queue in order.
    static let maxYields = 64

    /// One image's part in the turns, from `join()` (its first bytes) to `done()`.
    final class Image: Sendable {
        private let turns: DecodeTurns
        private let hasAllBytes: @Sendable () -> Bool
        private let decodingNow = Atomic<Bool>(false)
        private let joined = Atomic<Bool>(false)

        /// `hasAllBytes` is read from any thread, whenever another image asks whether someone waits. With `joined`
        /// false the image counts only from `join()` on.
        init(turns: DecodeTurns = .shared, hasAllBytes: @escaping @Sendable () -> Bool, joined: Bool = true) {
            self.turns = turns
            self.hasAllBytes = hasAllBytes
            if joined { join() }
        }

        /// From now on the image can wait for a thread. Idempotent, and cheap after the first call.
        func join() {
            guard !joined.load(ordering: .relaxed) else { return }
            joined.store(true, ordering: .relaxed)
            turns.images.withLock { $0[ObjectIdentifier(self)] = self }
        }

        /// All its bytes are in and it is between chunks: it waits for a thread.
        fileprivate var waits: Bool { !decodingNow.load(ordering: .acquiring) && hasAllBytes() }

        /// The image is shown or failed: it waits for nothing any more. Idempotent.
        func done() { _ = turns.images.withLock { $0.removeValue(forKey: ObjectIdentifier(self)) } }

        /// Runs `body`, one piece of this image's decoding, counted as not waiting meanwhile.
        func decoding<Result>(_ body: () async throws -> Result) async rethrows -> Result {
            decodingNow.store(true, ordering: .releasing)
            defer { decodingNow.store(false, ordering: .releasing) }
            return try await body()
        }

        /// Between chunks: an image still downloading yields while an image with all its bytes waits.
        func giveWay() async {
            guard !hasAllBytes() else { return }
            var yields = 0
            while turns.someoneWaits && yields < DecodeTurns.maxYields {
                yields += 1
                await Task.yield()
            }
        }
    }
}
