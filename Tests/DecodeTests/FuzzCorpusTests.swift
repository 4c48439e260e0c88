import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Testing

/// Replays the committed libFuzzer corpus (Fuzz/corpus, found by `make fuzz`) through JPEGDecoder, without
/// sanitizers: every input must end in a thumbnail or a DecodeError, never a crash or a trap, whatever the
/// chunking. (`make test` also replays it through the ASan-built C target.)
@Suite struct FuzzCorpusTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Fuzz/corpus")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted()
    }

    @Test func theCorpusIsThereAndSmall() throws {
        let names = Self.inputs
        #expect(names.count >= 20 && names.count < 200, "\(names.count) files")
        let total = try names.reduce(0) { sum, name in
            sum + (try Data(contentsOf: Self.folder.appendingPathComponent(name))).count
        }
        #expect(total < 1 << 20, "\(total) bytes")
    }

    @Test(arguments: [7, 4096, 1 << 30])
    func everyInputEndsInAThumbnailOrADecodeError(chunk: Int) async throws {
        var decoded = 0
        var failed = 0
        for name in Self.inputs {
            let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
            do {
                let thumbnail = try await decode(bytes, chunk: chunk, limits: DecodeLimits(maxPixels: 16 << 20))
                #expect(thumbnail.pixels.width >= 1 && thumbnail.pixels.height >= 1, "\(name)")
                #expect(thumbnail.pixels.width <= slot.width && thumbnail.pixels.height <= slot.height, "\(name)")
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty, "\(name)")
                failed += 1
            }
        }
        #expect(decoded > 0 && failed > 0, "\(decoded) decoded, \(failed) failed")
    }
}
