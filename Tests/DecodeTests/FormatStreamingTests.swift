import Decode
import GalleryTestSupport
import Testing

/// However the bytes are cut (1 byte, odd sizes, 64 KiB), every format's decoder gives the same pixels.
@Suite struct FormatStreamingTests {
    @Test(arguments: [
        "png/good/rgb8.png", "png/good/rgba8.png", "png/good/interlaced-rgba8.png", "png/good/interlaced-palette2.png",
        "png/good/palette4-trns.png", "png/good/exif-after-idat-orientation-3.png", "png/good/panorama-12000x300.png",
        "png/good/tiny-interlaced-3x2.png", "webp/good/lossy.webp", "webp/good/lossless-alpha.webp",
        "webp/good/lossy-1200x800.webp", "webp/good/animated.webp", "gif/good/interlaced.gif",
        "gif/good/transparent.gif",
        "gif/good/animated.gif",
    ])
    func chunkSizeDoesNotChangeThePixels(_ path: String) async throws {
        let bytes = try Fixtures.bytes(path)
        let whole = try await decodeAny(bytes, chunk: bytes.count)
        for chunk in [1, 7, 333, 65536] {
            #expect(try await decodeAny(bytes, chunk: chunk) == whole, "chunks of \(chunk) bytes")
        }
    }
}
