import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Testing

/// A good fixture of any format and what its thumbnail must show.
struct FormatFixture: CustomTestStringConvertible, Sendable {
    let path: String
    let imageSize: PixelSize
    let thumbnailSize: PixelSize
    /// Expected colours of `Region.quadrantMiddles`; nil to compare against the reference decoder's.
    var colours: [RGB]? = nil
    var tolerance = 8

    var testDescription: String { path }

    /// A good fixture of `format` (its folder's name), `w`×`h`, whose thumbnail is `tw`×`th`.
    static func good(
        _ format: String, _ name: String, _ w: Int, _ h: Int, thumbnail tw: Int, _ th: Int
    ) -> FormatFixture {
        FormatFixture(
            path: "\(format)/good/" + name, imageSize: PixelSize(width: w, height: h),
            thumbnailSize: PixelSize(width: tw, height: th))
    }

    static func png(_ name: String, _ w: Int = 96, _ h: Int = 64, thumbnail tw: Int = 64, _ th: Int = 43)
        -> FormatFixture
    { good("png", name, w, h, thumbnail: tw, th) }
}

extension FormatFixture {
    static let pngs: [FormatFixture] =
        [
            "rgb8.png", "rgb16.png", "rgba8.png", "rgba16.png", "gray1.png", "gray2.png", "gray8.png", "gray16.png",
            "gray-alpha8.png", "palette8.png", "palette2.png", "palette4-trns.png", "interlaced-rgb8.png",
            "interlaced-rgba8.png", "interlaced-palette2.png",
        ].map { png($0) } + [
            png("panorama-12000x300.png", 12000, 300, thumbnail: 64, 2),
            png("tiny-interlaced-3x2.png", 3, 2, thumbnail: 3, 2),
            png("1x1.png", 1, 1, thumbnail: 1, 1),
            // pngtopam ignores gAMA and eXIf, so these are checked against the colours they must show.
            FormatFixture(
                path: "png/good/gamma-1.0.png", imageSize: PixelSize(width: 96, height: 64),
                thumbnailSize: PixelSize(width: 64, height: 43), colours: quadrantColours, tolerance: 4),
            FormatFixture(
                path: "png/good/exif-orientation-6.png", imageSize: PixelSize(width: 48, height: 32),
                thumbnailSize: PixelSize(width: 48, height: 32), colours: quadrantColours, tolerance: 2),
            FormatFixture(
                path: "png/good/exif-after-idat-orientation-3.png", imageSize: PixelSize(width: 96, height: 64),
                thumbnailSize: PixelSize(width: 64, height: 43), colours: quadrantColours, tolerance: 2),
            FormatFixture(
                path: "png/bad/palette-index-out-of-range.png", imageSize: PixelSize(width: 96, height: 64),
                thumbnailSize: PixelSize(width: 64, height: 43),
                colours: [RGB(220, 40, 40), RGB(0, 0, 0), RGB(220, 40, 40), RGB(0, 0, 0)], tolerance: 2),
        ]
}

/// Decodes `fixture` and checks its size, format and the mean colour of each quadrant's middle against the
/// reference decoder's (or the colours given).
func expectDecodesLikeItsReference(_ fixture: FormatFixture, format: ImageFormat) async throws {
    let path = Fixtures.url(fixture.path).path
    let thumbnail = try await decodeAny(try Fixtures.bytes(fixture.path))
    #expect(thumbnail.format == format)
    #expect(thumbnail.imageSize == fixture.imageSize)
    #expect(PixelSize(width: thumbnail.pixels.width, height: thumbnail.pixels.height) == fixture.thumbnailSize)
    let expected =
        try fixture.colours
        ?? {
            let reference = try ReferenceImage.decoded(by: referenceCommand(for: path))
            return Region.quadrantMiddles.map { reference.mean($0) }
        }()
    for (region, colour) in zip(Region.quadrantMiddles, expected) {
        let actual = mean(thumbnail.pixels, region)
        #expect(close(actual, colour, within: fixture.tolerance), "at \(region): \(actual), expected \(colour)")
    }
}

@Suite struct PNGFixtureTests {
    @Test(arguments: FormatFixture.pngs)
    func decodesLikeTheReferenceDecoder(_ fixture: FormatFixture) async throws {
        try await expectDecodesLikeItsReference(fixture, format: .png)
    }

    @Test func transparencyShowsTheCheckerboard() async throws {
        let thumbnail = try await decodeAny(try Fixtures.bytes("png/good/rgba8.png"))
        // The bottom-left quadrant is fully transparent: only the two greys of the squares show there.
        var greys: Set<UInt8> = []
        for y in 24..<40 {
            for x in 4..<28 {
                let pixel = thumbnail.pixels[x, y]
                #expect(pixel.r == pixel.g && pixel.g == pixel.b, "(\(x), \(y)): \(pixel)")
                greys.insert(pixel.r)
            }
        }
        #expect(greys.contains(102) && greys.contains(153), "\(greys.sorted())")
    }

    @Test func rowsAreDecodedWhileTheBytesArrive() async throws {
        let bytes = try Fixtures.bytes("png/bad/truncated-at-half.png")
        let decoder = PNGDecoder(fitting: slot)
        for start in stride(from: 0, to: bytes.count, by: 512) {
            try await decoder.feed(Array(bytes[start..<min(start + 512, bytes.count)]))
        }
        #expect(decoder.imageSize == PixelSize(width: 96, height: 64))
        #expect(decoder.rowsDelivered >= 24 && decoder.rowsDelivered < 64, "\(decoder.rowsDelivered) rows")
    }
}

@Suite struct PNGBadFixtureTests {
    @Test func theBombFailsAtItsHeaderBeforeAnyRow() async throws {
        let bytes = try Fixtures.bytes("png/bad/bomb-65535x65535.png")
        let decoder = PNGDecoder(fitting: slot)
        var fed = 0
        await #expect(throws: DecodeError.self) {
            while fed < bytes.count {
                try await decoder.feed(Array(bytes[fed..<(fed + 16)]))
                fed += 16
            }
        }
        #expect(fed < 64, "failed only after \(fed) bytes")
        #expect(decoder.rowsDelivered == 0)
    }

    @Test func everyTruncationPointIsAnErrorNotAPartialImage() async throws {
        for name in ["rgb8.png", "interlaced-rgba8.png", "palette4-trns.png"] {
            let bytes = try Fixtures.bytes("png/good/" + name)
            // Without IEND (12 bytes), the last IDAT's CRC (4) and zlib's Adler-32 (4), every row may be in:
            // such a file is shown, as browsers do.
            let lastRowByte = bytes.count - 12 - 4 - 4
            for length in stride(from: 0, to: lastRowByte, by: 5) {
                #expect(await decodeAnyError(Array(bytes.prefix(length))) != nil, "\(name): first \(length) bytes")
            }
            #expect(await decodeAnyError(Array(bytes.dropLast(12))) == nil, "\(name) without IEND")
        }
    }
}
