import Foundation
import GalleryTestSupport
import Testing

/// Peak memory of one large decode, measured in a child process (`decode-probe`, built next to the test
/// bundle) so the figure is that process's own high-water mark, not the test runner's.
@Suite struct MemoryTests {
    /// A demo JPEG (~15 MB, 6000×4000, baseline 4:2:0): one from `make demo` if there, else a fresh one
    /// (make-demo-jpegs writes it in about 11 s in a debug build) in `folder`.
    static func largeBaselineJPEG(in folder: TempFolder) throws -> String {
        let demo = Fixtures.url("demo")
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: demo.path))?.filter {
            $0.hasSuffix(".jpg")
        }
        if let name = existing?.sorted().first {
            let path = demo.appendingPathComponent(name).path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size >= 15_000_000 { return path }
        }
        let writer = try run(built: "make-demo-jpegs", [folder.url.path, "1"], timeout: .seconds(120))
        try #require(writer.status == 0, "make-demo-jpegs failed: \(writer.errorText)")
        let line = try #require(writer.lines.first?.text)  // "<size>\t<name>"
        let name = try #require(line.split(separator: "\t").last)
        return folder.url.appendingPathComponent(String(name)).path
    }

    @Test func aLargeBaselineDecodeRaisesPeakRSSByLessThan4MiB() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = try Self.largeBaselineJPEG(in: folder)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size >= 15_000_000)

        let probe = try run(built: "decode-probe", [path, "65536"])
        #expect(probe.status == 0, "decode-probe: \(probe.errorText)")
        // "rss-increase-kib=1800 thumbnail=150x100 image=6000x4000"
        let output = probe.lines.first?.text ?? ""
        let fields = Dictionary(
            uniqueKeysWithValues: output.split(separator: " ").compactMap { field in
                let pair = field.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            })
        let increase = try #require(fields["rss-increase-kib"].flatMap { Int($0) }, "output: \(output)")
        #expect(increase < 4096, "peak RSS rose by \(increase) KiB decoding \(size) bytes")
        #expect(fields["thumbnail"] == "150x100")
        #expect(fields["image"]?.hasPrefix("60") == true)
        print("decode-probe: \(size) bytes in 64 KiB chunks raised peak RSS by \(increase) KiB")
    }

    /// The benchmark's interface (make bench): `decode-probe --time FILE` prints the best time in seconds.
    @Test func decodeProbeTimesADecode() throws {
        let file = Fixtures.url("jpeg/good/baseline-420.jpg").path
        let probe = try run(built: "decode-probe", ["--time", "--runs", "2", file])
        #expect(probe.status == 0, "decode-probe: \(probe.errorText)")
        let seconds = try #require(probe.lines.first.flatMap { Double($0.text) })
        #expect(seconds > 0 && seconds < 10)
    }

    @Test func decodeProbeReportsABadFileAsTheDecodeError() throws {
        let file = Fixtures.url("jpeg/bad/truncated-at-half.jpg").path
        let probe = try run(built: "decode-probe", [file, "4096"])
        #expect(probe.status == 1)
        #expect(probe.errorText.contains("truncated JPEG"), "\(probe.errorText)")
    }
}
