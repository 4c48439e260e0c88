import Synchronization
import Testing

@testable import GalleryCore

/// A body's "last byte arrived", set by the test instead of a fetch loop.
private final class Arrival: Sendable {
    private let flag = Atomic<Bool>(false)
    func arrived() { flag.store(true, ordering: .releasing) }
    var hasArrived: Bool { flag.load(ordering: .acquiring) }
}

/// Which images count as waiting for a thread: those whose last byte has arrived, between their chunks.
@Suite struct DecodeTurnsTests {
    @Test func anImageWithAllItsBytesWaitsOnlyBetweenItsChunks() async {
        let turns = DecodeTurns()
        let arrival = Arrival()
        let image = DecodeTurns.Image(turns: turns, hasAllBytes: { arrival.hasArrived })
        #expect(!turns.someoneWaits)
        await image.decoding {
            #expect(!turns.someoneWaits, "still downloading")
            arrival.arrived()
            #expect(!turns.someoneWaits, "decoding: it has a thread")
        }
        #expect(turns.someoneWaits, "all bytes in, between chunks: it waits for a thread")
        await image.decoding { #expect(!turns.someoneWaits) }
        #expect(turns.someoneWaits)
        image.done()
        #expect(!turns.someoneWaits, "shown: it waits for nothing")
        arrival.arrived()
        #expect(!turns.someoneWaits)
    }

    /// Each image counts while it waits, and an image still downloading never counts, however it is used.
    @Test func waitingImagesAreCountedOnceEach() async {
        let turns = DecodeTurns()
        let (firstArrival, secondArrival) = (Arrival(), Arrival())
        let first = DecodeTurns.Image(turns: turns, hasAllBytes: { firstArrival.hasArrived })
        let second = DecodeTurns.Image(turns: turns, hasAllBytes: { secondArrival.hasArrived })
        let downloading = DecodeTurns.Image(turns: turns, hasAllBytes: { false })
        firstArrival.arrived()
        firstArrival.arrived()
        secondArrival.arrived()
        await downloading.decoding {}
        await downloading.giveWay()
        first.done()
        #expect(turns.someoneWaits, "the second still waits")
        second.done()
        #expect(!turns.someoneWaits)
        downloading.done()
        #expect(!turns.someoneWaits)
    }

    /// An image queued in the engine takes no part until its first bytes: only images in flight are looked at.
    @Test func anImageCountsOnlyOnceItJoined() {
        let turns = DecodeTurns()
        let image = DecodeTurns.Image(turns: turns, hasAllBytes: { true }, joined: false)
        #expect(!turns.someoneWaits, "not joined yet")
        image.join()
        image.join()
        #expect(turns.someoneWaits)
        image.done()
        #expect(!turns.someoneWaits)
    }
}
