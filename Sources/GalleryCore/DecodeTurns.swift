import Synchronization

/// Lets images whose last byte has arrived decode before the images still downloading.
///
/// Ten decoders share the cooperative pool's two threads, and a decoder fed without pause (no rate limit) keeps
/// its thread until its image is done: it never waits for bytes, so it never suspends. One that did suspend for a
/// moment, waiting for its paused transfer to be refilled, went to the back of the pool's queue and could wait
/// there for other images' whole decodes, to be shown 29–235 ms after its last byte (in 3 runs of 14). With these
/// turns, a decoder still downloading yields its thread after each chunk while an image with all its bytes waits
/// for one, so that image gets a thread within a chunk's decode (2–3 ms for 256 KiB).
final class DecodeTurns: Sendable {
    static let shared = DecodeTurns()

    /// Images whose last byte has arrived and that are not decoding now: waiting for a thread.
    private let waiting = Atomic<Int>(0)

    var someoneWaits: Bool { waiting.load(ordering: .acquiring) > 0 }

    /// A bound on the yields of one `giveWay`, in case the pool does not serve its queue in order.
    static let maxYields = 64

    /// One image's part in the turns.
    final class Image: Sendable {
        private struct State {
            var arrived = false
            var decoding = false
            var done = false
            /// Counted in `DecodeTurns.waiting`.
            var waits: Bool { arrived && !decoding && !done }
        }
        private let state = Mutex(State())
        private let turns: DecodeTurns

        init(turns: DecodeTurns = .shared) { self.turns = turns }

        /// The last byte has arrived. Any thread (the fetch loop's); returns at once.
        func arrived() { update { $0.arrived = true } }

        /// The image is shown or failed: it waits for nothing any more.
        func done() { update { $0.done = true } }

        /// Runs `body`, one piece of this image's decoding, counted as not waiting meanwhile.
        func decoding<Result>(_ body: () async throws -> Result) async rethrows -> Result {
            update { $0.decoding = true }
            defer { update { $0.decoding = false } }
            return try await body()
        }

        /// Between chunks: an image still downloading yields while an image with all its bytes waits.
        func giveWay() async {
            guard !state.withLock({ $0.arrived }) else { return }
            var yields = 0
            while turns.someoneWaits && yields < DecodeTurns.maxYields {
                yields += 1
                await Task.yield()
            }
        }

        private func update(_ change: (inout State) -> Void) {
            let delta: Int = state.withLock { s in
                let before = s.waits
                change(&s)
                return s.waits == before ? 0 : (s.waits ? 1 : -1)
            }
            if delta != 0 { turns.waiting.add(delta, ordering: .releasing) }
        }
    }
}
