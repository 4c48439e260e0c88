import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Selection
import Synchronization
import Testing

@testable import GalleryCore

/// libwebp decodes all it is given in one call, so `WebPDecoder` hands it a large chunk slice by slice and lets
/// other tasks have the thread in between: a decoder whose bytes arrive on a server's clock must not wait for a
/// whole chunk of someone else's decode. Both tasks here share one serial executor (one thread), so the ticker
/// beside the decoder runs only when the decoder gives the thread up.
@Suite(.serialized)
struct WebPSliceTests {
    /// A lossy WebP of seeded noise, several slices long, encoded by cwebp at test time.
    static func noiseWebP(in folder: TempFolder) throws -> [UInt8] {
        var random = SplitMix64(name: "WebPSliceTests")
        let (width, height) = (640, 480)
        let ppm = Array("P6\n\(width) \(height)\n255\n".utf8) + random.bytes(width * height * 3)
        try folder.write("noise.ppm", bytes: ppm)
        let input = folder.url.appendingPathComponent("noise.ppm").path
        let output = folder.url.appendingPathComponent("noise.webp").path
        let program = try #require(installedProgram("cwebp"), "cwebp is missing (Debian's webp)")
        let cwebp = try ChildProcess([program, "-quiet", "-q", "90", input, "-o", output], stdin: "")
        try #require(cwebp.wait(timeout: .seconds(60)) == 0, "cwebp: \(cwebp.errorText)")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    /// The ticker's count, and whether the decoder is still feeding, shared between the two tasks.
    final class Ticker: Sendable {
        let ticks = Atomic(0)
        let feeding = Atomic(true)

        func run() async {
            while feeding.load(ordering: .acquiring) {
                ticks.add(1, ordering: .relaxed)
                await Task.yield()
            }
        }
    }

    /// Feeds `bytes` in one chunk on a one-thread executor beside a task that counts its turns; returns the turns
    /// it had while the chunk was being decoded, and the thumbnail.
    static func ticksDuringOneChunk(_ bytes: [UInt8], expectedBytes: Int?) async throws -> (Int, Thumbnail) {
        let ticker = Ticker()
        return try await withTaskExecutorPreference(SerialQueueExecutor(label: "test.webp-slices")) {
            async let ticking: Void = ticker.run()
            defer { ticker.feeding.store(false, ordering: .releasing) }
            let decoder = WebPDecoder(fitting: PixelSize(width: 64, height: 48), expectedBytes: expectedBytes)
            await Task.yield()  // the ticker starts
            let before = ticker.ticks.load(ordering: .relaxed)
            try await decoder.feed(bytes)
            let during = ticker.ticks.load(ordering: .relaxed) - before
            ticker.feeding.store(false, ordering: .releasing)
            await ticking
            return (during, try decoder.finish())
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aLargeChunkIsDecodedSliceBySliceWithOtherTasksInBetween() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let bytes = try Self.noiseWebP(in: folder)
        try #require(bytes.count > 4 * WebPDecoder.sliceBytes, "\(bytes.count) bytes")

        let (during, thumbnail) = try await Self.ticksDuringOneChunk(bytes, expectedBytes: nil)
        #expect(during >= bytes.count / WebPDecoder.sliceBytes / 2, "\(during) turns for \(bytes.count) bytes")
        #expect(thumbnail.imageSize == PixelSize(width: 640, height: 480))
    }

    /// The chunk that ends the file goes in whole: its image is complete and should be shown at once.
    @Test(.timeLimit(.minutes(1)))
    func theLastChunkOfTheFileIsDecodedWithoutABreak() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let bytes = try Self.noiseWebP(in: folder)

        let (during, thumbnail) = try await Self.ticksDuringOneChunk(bytes, expectedBytes: bytes.count)
        #expect(during == 0, "\(during) turns")
        #expect(thumbnail.imageSize == PixelSize(width: 640, height: 480))
    }
}
