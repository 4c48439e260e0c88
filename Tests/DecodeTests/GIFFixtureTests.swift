import Decode
import GalleryTestSupport
import Imaging
import Testing

extension FormatFixture {
    static func gif(_ name: String, _ w: Int = 96, _ h: Int = 64, thumbnail tw: Int = 64, _ th: Int = 43)
        -> FormatFixture
    { good("gif", name, w, h, thumbnail: tw, th) }

    static let gifs: [FormatFixture] = [
        gif("still.gif"), gif("interlaced.gif"), gif("transparent.gif"), gif("animated.gif"),
        gif("frame-inside-larger-canvas.gif", 192, 128, thumbnail: 64, 43),
        // Its second frame is garbage: the first still shows, as in a browser.
        FormatFixture(
            path: "gif/bad/animated-broken-second-frame.gif", imageSize: PixelSize(width: 96, height: 64),
            thumbnailSize: PixelSize(width: 64, height: 43), colours: quadrantColours, tolerance: 4),
    ]
}

@Suite struct GIFFixtureTests {
    @Test(arguments: FormatFixture.gifs)
    func decodesLikeTheReferenceDecoder(_ fixture: FormatFixture) async throws {
        try await expectDecodesLikeItsReference(fixture, format: .gif)
    }

    @Test func anAnimationIsHeldOnlyUntilItsFirstFrameEnds() async throws {
        let bytes = try Fixtures.bytes("gif/good/animated.gif")
        let decoder = GIFDecoder(fitting: slot)
        var most = 0
        for start in stride(from: 0, to: bytes.count, by: 16) {
            try await decoder.feed(Array(bytes[start..<min(start + 16, bytes.count)]))
            most = max(most, decoder.bytesHeld)
        }
        #expect(decoder.bytesHeld == 0, "still holding \(decoder.bytesHeld) bytes after the first frame")
        #expect(most < bytes.count * 3 / 4, "held up to \(most) of \(bytes.count) bytes")
        #expect(decoder.bytesFed == bytes.count)
        _ = try decoder.finish()
    }

    @Test func aFirstFrameOverTheHoldingLimitIsAClearError() async throws {
        let error = await decodeAnyError(
            try Fixtures.bytes("gif/good/still.gif"), limits: DecodeLimits(maxHeldFrame: 100))
        #expect(error == .memoryLimit(.gif, reason: "first frame not complete within the 100 bytes it may hold"))
    }

    @Test func everyTruncationPointInTheFirstFrameIsAnError() async throws {
        let bytes = try Fixtures.bytes("gif/good/still.gif")
        for length in stride(from: 0, to: bytes.count - 2, by: 3) {  // the last 2: terminator and trailer
            #expect(await decodeAnyError(Array(bytes.prefix(length))) != nil, "first \(length) bytes")
        }
    }
}
