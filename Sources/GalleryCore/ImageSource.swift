import Selection
import Synchronization

/// The images of a run in the order they start, as the as-completed loop asks for them: each `ListChoice.next()`
/// announced as `selected`, with its `--save` name.
///
/// A read from a producer that has nothing more to say blocks in read(2), which cancellation cannot interrupt: a
/// cancelled `next` stops waiting for it and answers nil at once, so Ctrl-C ends the run. The abandoned read goes
/// on in its own task; `finish` then leaves the choice alone.
final class ImageSource: @unchecked Sendable {
    // The pulling `asCompleted` runs at most one `next` at a time, and `finish` reads the state only when no read
    // is in progress (`reading`, under its lock): the state below is never touched by two tasks at once.
    private var choice: ListChoice
    private var pending: Pipeline.Start?
    private var namer: SaveNamer?
    private let reading = Mutex(false)
    /// `--count`: images handed out beyond it replace failed ones.
    private let count: Int
    private var found = 0
    private var exhausted = false

    /// What reading came to, once the run is over.
    struct Outcome {
        var choice: ListChoice
        /// Images handed out.
        var found: Int
        /// The lists held no more.
        var exhausted: Bool
    }

    init(choice: ListChoice, count: Int, saveFolder: SaveFolder?) {
        self.choice = choice
        self.count = count
        namer = saveFolder.map { SaveNamer(folder: $0) }
    }

    /// The next image; nil when the lists hold no more, or at once when the calling task is cancelled.
    /// - Parameter waiting: how many free slots wait for an image, this one among them (`ListChoice.next`).
    func next(waiting: Int = 1, announce: @escaping @Sendable (RunEvent) async -> Void) async -> Pipeline.Start? {
        if let pending {
            self.pending = nil
            return pending
        }
        let answer = FirstAnswer<Pipeline.Start>()
        reading.withLock { $0 = true }
        let read = Task {
            let start = await self.read(waiting: waiting, announce: announce)
            reading.withLock { $0 = false }
            answer.give(start)
        }
        return await withTaskCancellationHandler {
            await answer.value()
        } onCancel: {
            read.cancel()
            answer.give(nil)
        }
    }

    /// Gives `start` back, to be the next `next()`'s answer: the first image, read before the grid was drawn.
    func hold(_ start: Pipeline.Start) {
        pending = start
    }

    private func read(waiting: Int, announce: (RunEvent) async -> Void) async -> Pipeline.Start? {
        let replacing = found >= count
        guard let candidate = await choice.next(waiting: waiting) else {
            exhausted = true
            return nil
        }
        if found > 0 { await announce(.selected(candidate, replacement: replacing)) }
        found += 1
        return Pipeline.Start(candidate: candidate, saveName: namer?.name(for: candidate.url))
    }

    /// Stops the probes still running and tells what reading came to; nil while an abandoned read goes on.
    func finish() -> Outcome? {
        guard !reading.withLock({ $0 }) else { return nil }
        choice.cancel()
        return Outcome(choice: choice, found: found, exhausted: exhausted)
    }
}
