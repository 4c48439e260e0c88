import Foundation
import GalleryTestSupport
import Testing

/// Peak memory of large PNG and WebP decodes, each in a child process (`decode-probe`), against the decoded size:
/// neither decoder may hold the full-size image.
@Suite struct FormatMemoryTests {
    /// 50-megapixel PNGs (plain and Adam7) and a 16-megapixel lossy WebP, written by Fixtures/make-large-images.py.
    static func largeImages(in folder: TempFolder) throws -> URL {
        let script = Fixtures.url("make-large-images.py").path
        let writer = try ChildProcess(["/usr/bin/env", "python3", script, folder.url.path], stdin: "")
        try #require(writer.wait(timeout: .seconds(600)) == 0, "make-large-images.py: \(writer.errorText)")
        return folder.url
    }

    /// The probe's fields: "rss-increase-kib=3100 ru-maxrss-increase-kib=2700 thumbnail=150x100 image=8660x5773".
    static func probe(_ path: String) throws -> [String: String] {
        let probe = try ChildProcess([builtProduct("decode-probe"), path, "65536"], stdin: "")
        let status = probe.wait(timeout: .seconds(600))
        let errors = probe.errorText
        #expect(status == 0, "decode-probe: \(errors)")
        let output = probe.lines.first?.text ?? ""
        return Dictionary(
            output.split(separator: " ").compactMap { field -> (String, String)? in
                let parts = field.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
    }

    @Test func largePNGsAndWebPsDecodeInAFewMiB() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let images = try Self.largeImages(in: folder)
        for (name, decodedMiB) in [("big.png", 200), ("big-interlaced.png", 200), ("big.webp", 64)] {
            let fields = try Self.probe(images.appendingPathComponent(name).path)
            let increase = try #require(fields["rss-increase-kib"].flatMap { Int($0) }, "\(name): \(fields)")
            #expect(increase < 16 << 10, "\(name): peak RSS rose by \(increase) KiB")
            #expect(fields["thumbnail"] == "150x100", "\(name): \(fields)")
            print("decode-probe \(name): peak RSS +\(increase) KiB (decoded size about \(decodedMiB) MiB)")
        }
    }
}
