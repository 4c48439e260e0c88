import Decode
import Imaging
import Testing

struct GoodFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let imageSize: PixelSize
    let thumbnailSize: PixelSize
    let colours: [RGB]
    var tolerance = 24

    var testDescription: String { name }

    static func quadrants(_ name: String, _ w: Int, _ h: Int, thumbnail tw: Int, _ th: Int) -> GoodFixture {
        GoodFixture(
            name: name, imageSize: PixelSize(width: w, height: h), thumbnailSize: PixelSize(width: tw, height: th),
            colours: quadrantColours)
    }

    static let all: [GoodFixture] =
        [
            quadrants("baseline-420.jpg", 512, 384, thumbnail: 64, 48),
            quadrants("baseline-444.jpg", 96, 64, thumbnail: 64, 43),
            quadrants("progressive.jpg", 320, 240, thumbnail: 64, 48),
            quadrants("restart-markers.jpg", 96, 64, thumbnail: 64, 43),
            quadrants("arithmetic.jpg", 96, 64, thumbnail: 64, 43),
            quadrants("panorama-12000x300.jpg", 12000, 300, thumbnail: 64, 2),
            GoodFixture(
                name: "grayscale.jpg", imageSize: PixelSize(width: 64, height: 48),
                thumbnailSize: PixelSize(width: 64, height: 48),
                colours: [30, 100, 170, 240].map { RGB($0, $0, $0) }, tolerance: 6),
            GoodFixture(
                name: "cmyk.jpg", imageSize: PixelSize(width: 64, height: 48),
                thumbnailSize: PixelSize(width: 64, height: 48),
                colours: [RGB(255, 0, 0), RGB(0, 255, 0), RGB(0, 0, 255), RGB(127, 127, 127)], tolerance: 30),
            GoodFixture(
                name: "cmyk-adobe-inverted.jpg", imageSize: PixelSize(width: 64, height: 48),
                thumbnailSize: PixelSize(width: 64, height: 48),
                colours: [RGB(255, 0, 0), RGB(0, 255, 0), RGB(0, 0, 255), RGB(127, 127, 127)], tolerance: 30),
        ] + (1...8).map { quadrants("orientation-\($0).jpg", 48, 32, thumbnail: 48, 32) }
}

@Suite struct GoodFixtureTests {
    @Test(arguments: GoodFixture.all)
    func decodesToTheRightSizeOrientationAndColours(_ good: GoodFixture) async throws {
        let thumbnail = try await decode(try fixture("good/" + good.name))
        #expect(thumbnail.imageSize == good.imageSize)
        #expect(PixelSize(width: thumbnail.pixels.width, height: thumbnail.pixels.height) == good.thumbnailSize)
        for (point, expected) in zip(quadrantCentres, good.colours) {
            let actual = colour(thumbnail.pixels, point.0, point.1)
            #expect(close(actual, expected, within: good.tolerance), "at \(point): \(actual), expected \(expected)")
        }
    }

    @Test func sizesStayKnownAfterFinish() async throws {
        let decoder = JPEGDecoder(fitting: slot)
        try await decoder.feed(try fixture("good/progressive.jpg"))
        _ = try decoder.finish()
        #expect(decoder.imageSize == PixelSize(width: 320, height: 240))
        #expect(decoder.decodedSize == PixelSize(width: 80, height: 60))
        #expect(decoder.rowsDecoded == 60)
        #expect(decoder.isProgressive)
    }

    @Test func onePixelImageStaysOnePixel() async throws {
        let thumbnail = try await decode(try fixture("good/1x1.jpg"))
        #expect(thumbnail.imageSize == PixelSize(width: 1, height: 1))
        #expect(thumbnail.pixels.width == 1 && thumbnail.pixels.height == 1)
        #expect(close(thumbnail.pixels[0, 0], RGB(200, 100, 50), within: 8))
    }

    @Test(arguments: [
        "baseline-420.jpg", "progressive.jpg", "arithmetic.jpg", "restart-markers.jpg",
        "cmyk-adobe-inverted.jpg", "orientation-6.jpg", "1x1.jpg",
    ])
    func chunkSizeDoesNotChangeThePixels(_ name: String) async throws {
        let bytes = try fixture("good/" + name)
        let whole = try await decode(bytes, chunk: bytes.count)
        for chunk in [1, 7, 4096] {
            let thumbnail = try await decode(bytes, chunk: chunk)
            #expect(thumbnail == whole, "chunks of \(chunk) bytes")
        }
    }
}
