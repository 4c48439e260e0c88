import Decode
import GalleryTestSupport
import Testing

/// Every bad fixture of the formats beside JPEG, named after what is wrong with it, and the one error it must give
/// whatever the chunk size, through the sniffing decoder the download loop uses.
@Suite struct FormatBadFixtureTests {
    static let cases: [(String, DecodeError)] = [
        ("png/bad/truncated-at-half.png", .truncated(.png, got: 9308, expected: nil)),
        ("png/bad/crc-error-in-idat.png", .corrupt(.png, reason: "IDAT: CRC error")),
        ("png/bad/bomb-65535x65535.png", .tooLarge(.png, width: 65535, height: 65535, maxPixels: 400_000_000)),
        ("png/bad/zero-bytes.png", .notAnImage(looksLike: .empty)),
        ("png/bad/zero-width-ihdr.png", .corrupt(.png, reason: "Invalid IHDR data")),
        ("png/bad/garbage-after-signature.png", .corrupt(.png, reason: "[2F][AC][EA][2A]: invalid chunk type")),
        ("png/bad/image-data-ends-early.png", .corrupt(.png, reason: "image data ends after 32 of 64 rows")),
        ("webp/bad/truncated-at-half.webp", .truncated(.webp, got: 2805, expected: nil)),
        ("webp/bad/zero-bytes.webp", .notAnImage(looksLike: .empty)),
        ("webp/bad/garbage-after-header.webp", .corrupt(.webp, reason: "bitstream error")),
        ("webp/bad/second-exif-chunk-after-an-empty-one.webp", .corrupt(.webp, reason: "bitstream error")),
        ("gif/bad/truncated-in-first-frame.gif", .truncated(.gif, got: 326, expected: nil)),
        ("gif/bad/zero-bytes.gif", .notAnImage(looksLike: .empty)),
        ("gif/bad/garbage-after-header.gif", .corrupt(.gif, reason: "unknown block")),
    ]

    @Test(arguments: cases)
    func badFileFailsCleanlyWithItsOwnError(_ path: String, _ expected: DecodeError) async throws {
        let bytes = try Fixtures.bytes(path)
        for chunk in [1, 7, 4096, max(1, bytes.count)] {
            let error = await decodeAnyError(bytes, chunk: chunk)
            #expect(error == expected, "chunks of \(chunk) bytes: \(String(describing: error))")
        }
    }
}
