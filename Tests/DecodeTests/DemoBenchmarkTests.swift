import Decode
import Foundation
import Imaging
import Testing

/// Decodes one large demo JPEG in 64 KiB chunks and prints the time, for comparison with
/// `djpeg -scale 1/8 -outfile /dev/null FILE`. Runs only when GALLERY_DECODE_BENCH names the file.
@Suite struct DemoBenchmarkTests {
    static let path = ProcessInfo.processInfo.environment["GALLERY_DECODE_BENCH"]

    @Test(.enabled(if: path != nil)) func decodeLargeDemoJPEG() async throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try #require(Self.path))))
        var best = Duration.seconds(1000)
        var most = 0
        for _ in 0..<3 {
            let clock = ContinuousClock()
            let start = clock.now
            let decoder = JPEGDecoder(fitting: PixelSize(width: 160, height: 100))
            for offset in stride(from: 0, to: bytes.count, by: 65536) {
                try await decoder.feed(Array(bytes[offset..<min(offset + 65536, bytes.count)]))
                most = max(most, decoder.bytesHeld)
            }
            let fed = clock.now
            let thumbnail = try decoder.finish()
            best = min(best, clock.now - start)
            print("feed \(fed - start), finish \(clock.now - fed)")
            #expect(thumbnail.imageSize.width >= 6000)
        }
        print("decode \(bytes.count) bytes: best of 3 \(best), held at most \(most) bytes")
    }
}
