import Decode
import GalleryTestSupport
import Imaging
import Testing

extension FormatFixture {
    static func webp(_ name: String, _ w: Int = 96, _ h: Int = 64, thumbnail tw: Int = 64, _ th: Int = 43)
        -> FormatFixture
    { good("webp", name, w, h, thumbnail: tw, th) }

    static let webps: [FormatFixture] = [
        webp("lossy.webp"), webp("lossless.webp"), webp("lossy-alpha.webp"), webp("lossless-alpha.webp"),
        webp("lossy-1200x800.webp", 1200, 800, thumbnail: 64, 43),
        // dwebp decodes neither animations nor EXIF: these are checked against the colours they must show.
        FormatFixture(
            path: "webp/good/animated.webp", imageSize: PixelSize(width: 96, height: 64),
            thumbnailSize: PixelSize(width: 64, height: 43), colours: quadrantColours, tolerance: 12),
        FormatFixture(
            path: "webp/good/exif-orientation-6.webp", imageSize: PixelSize(width: 48, height: 32),
            thumbnailSize: PixelSize(width: 48, height: 32), colours: quadrantColours, tolerance: 2),
    ]
}

@Suite struct WebPFixtureTests {
    @Test(arguments: FormatFixture.webps)
    func decodesLikeTheReferenceDecoder(_ fixture: FormatFixture) async throws {
        try await expectDecodesLikeItsReference(fixture, format: .webp)
    }

    @Test func libwebpScalesToAtMostTwiceTheThumbnail() async throws {
        let decoder = WebPDecoder(fitting: slot)
        try await decoder.feed(try Fixtures.bytes("webp/good/lossy-1200x800.webp"))
        #expect(decoder.decodedSize == PixelSize(width: 128, height: 86))
        let thumbnail = try decoder.finish()
        #expect(thumbnail.pixels.width == 64 && thumbnail.pixels.height == 43)
    }

    @Test func anAnimationDownloadsWholeButShowsItsFirstFrame() async throws {
        let bytes = try Fixtures.bytes("webp/good/animated.webp")
        let decoder = WebPDecoder(fitting: slot)
        for start in stride(from: 0, to: bytes.count, by: 16) {
            try await decoder.feed(Array(bytes[start..<min(start + 16, bytes.count)]))
        }
        let thumbnail = try decoder.finish()
        #expect(decoder.bytesFed == bytes.count)
        #expect(close(mean(thumbnail.pixels, Region.quadrantMiddles[0]), quadrantColours[0], within: 12))
    }

    /// The ANIM background colour (opaque magenta here) is a hint the spec lets viewers ignore, and browsers and
    /// libwebp's animation decoder do: the canvas around the first frame is transparent, so it shows the
    /// checkerboard, even though the file's alpha flag is off. The first frame's blend and dispose bits change
    /// nothing, since it is drawn over an empty canvas and disposed only after it has been shown.
    @Test func theCanvasAroundAnAnimationsFirstFrameIsTransparentWhateverItsBackgroundColour() async throws {
        let thumbnail = try await decodeAny(
            try Fixtures.bytes("webp/good/animated-background-colour-around-the-first-frame.webp"))
        let pixels = thumbnail.pixels
        #expect(thumbnail.imageSize == PixelSize(width: 192, height: 128))
        #expect(pixels.width == 64 && pixels.height == 43)
        for (region, colour) in zip(Region.quadrantMiddles, quadrantColours) {
            let inFrame = Region(x0: region.x0 / 2, x1: region.x1 / 2, y0: region.y0 / 2, y1: region.y1 / 2)
            #expect(close(mean(pixels, inFrame), colour, within: 12), "\(inFrame)")
        }
        // The other three quarters, two pixels in from the frame's edge and the second frame's place.
        var greys: Set<UInt8> = []
        for y in 0..<pixels.height {
            for x in 0..<pixels.width where x >= 34 || y >= 24 {
                let pixel = pixels[x, y]
                #expect(pixel.r == pixel.g && pixel.g == pixel.b, "(\(x), \(y)): \(pixel)")
                greys.insert(pixel.r)
            }
        }
        #expect(greys == [102, 153], "only the checkerboard's squares: \(greys.sorted())")
    }

    @Test func aFirstFrameOverTheHoldingLimitIsAClearError() async throws {
        let error = await decodeAnyError(
            try Fixtures.bytes("webp/good/animated.webp"), limits: DecodeLimits(maxHeldFrame: 64))
        guard case .memoryLimit(.webp, let reason) = error else {
            Issue.record("expected memoryLimit, got \(String(describing: error))")
            return
        }
        #expect(reason.hasSuffix("over the 64 an animation may hold"), "\(reason)")
    }

    @Test func everyTruncationPointIsAnError() async throws {
        for name in ["lossy.webp", "lossless-alpha.webp"] {
            let bytes = try Fixtures.bytes("webp/good/" + name)
            for length in stride(from: 0, to: bytes.count - 1, by: 3) {
                #expect(await decodeAnyError(Array(bytes.prefix(length))) != nil, "\(name): first \(length) bytes")
            }
        }
    }

    @Test func anAnimationCutInItsFirstFrameFailsAndCutLaterShowsTheFirstFrame() async throws {
        let bytes = try Fixtures.bytes("webp/good/animated.webp")
        let anmf = try #require(
            (0..<(bytes.count - 8)).first { bytes[$0..<($0 + 4)].elementsEqual("ANMF".utf8) })
        let size = (0..<4).reduce(0) { $0 | Int(bytes[anmf + 4 + $1]) << (8 * $1) }
        let firstFrameEnd = anmf + 8 + size
        for length in stride(from: 0, to: firstFrameEnd, by: 3) {
            #expect(await decodeAnyError(Array(bytes.prefix(length))) != nil, "first \(length) bytes")
        }
        for length in [firstFrameEnd, firstFrameEnd + 10, bytes.count - 1] {
            #expect(await decodeAnyError(Array(bytes.prefix(length))) == nil, "first \(length) bytes")
        }
    }
}
