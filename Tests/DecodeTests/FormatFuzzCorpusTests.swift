import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Testing

/// Replays the committed libFuzzer corpora of the PNG, WebP and GIF shims (Fuzz/corpus-<format>, found by
/// `make fuzz`) through the decoder the download loop uses, without sanitizers: every input must end in a
/// thumbnail that fits the box or a DecodeError, whatever the chunking. (`make test` also replays each through its
/// ASan-built C target.)
@Suite struct FormatFuzzCorpusTests {
    static func inputs(_ format: String) -> [URL] {
        let folder = Fixtures.packageRoot.appendingPathComponent("Fuzz/corpus-" + format)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test(arguments: ["png", "webp", "gif"])
    func everyInputEndsInAThumbnailOrADecodeError(_ format: String) async throws {
        let inputs = Self.inputs(format)
        #expect(inputs.count >= 20 && inputs.count < 400, "\(inputs.count) files")
        var decoded = 0
        var failed = 0
        for (index, url) in inputs.enumerated() {
            let bytes = [UInt8](try Data(contentsOf: url))
            let chunk = [7, 4096, 1 << 30][index % 3]
            do {
                let thumbnail = try await decodeAny(bytes, chunk: chunk, limits: DecodeLimits(maxPixels: 4 << 20))
                #expect(thumbnail.pixels.width >= 1 && thumbnail.pixels.height >= 1, "\(url.lastPathComponent)")
                #expect(thumbnail.pixels.width <= slot.width && thumbnail.pixels.height <= slot.height)
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty, "\(url.lastPathComponent)")
                failed += 1
            }
        }
        #expect(decoded > 0 && failed > 0, "\(decoded) decoded, \(failed) failed")
    }
}
