import Testing

@testable import GalleryCore

/// Which images count as waiting for a thread: those whose last byte has arrived, between their chunks.
@Suite struct DecodeTurnsTests {
    @Test func anImageWithAllItsBytesWaitsOnlyBetweenItsChunks() async {
        let turns = DecodeTurns()
        let image = DecodeTurns.Image(turns: turns)
        #expect(!turns.someoneWaits)
        await image.decoding {
            #expect(!turns.someoneWaits, "still downloading")
            image.arrived()
            #expect(!turns.someoneWaits, "decoding: it has a thread")
        }
        #expect(turns.someoneWaits, "all bytes in, between chunks: it waits for a thread")
        await image.decoding { #expect(!turns.someoneWaits) }
        #expect(turns.someoneWaits)
        image.done()
        #expect(!turns.someoneWaits, "shown: it waits for nothing")
        image.arrived()
        #expect(!turns.someoneWaits)
    }

    /// Several images count one each, and an image still downloading never counts, however it is used.
    @Test func waitingImagesAreCountedOnceEach() async {
        let turns = DecodeTurns()
        let first = DecodeTurns.Image(turns: turns)
        let second = DecodeTurns.Image(turns: turns)
        let downloading = DecodeTurns.Image(turns: turns)
        first.arrived()
        first.arrived()
        second.arrived()
        await downloading.decoding {}
        await downloading.giveWay()
        first.done()
        #expect(turns.someoneWaits, "the second still waits")
        second.done()
        #expect(!turns.someoneWaits)
        downloading.done()
        #expect(!turns.someoneWaits)
    }
}
