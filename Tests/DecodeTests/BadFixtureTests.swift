import Decode
import Testing

@Suite struct BadFixtureTests {
    static let cases: [(String, DecodeError)] = [
        ("truncated-at-half.jpg", .truncated(.jpeg, got: 42150, expected: nil)),
        ("garbage-in-entropy-data.jpg", .corrupt(.jpeg, reason: "bad Huffman code")),
        ("zero-bytes.jpg", .wrongFormat(expected: .jpeg, found: .empty)),
        ("png-named.jpg", .wrongFormat(expected: .jpeg, found: .png)),
        ("html-error-page.jpg", .wrongFormat(expected: .jpeg, found: .html)),
        ("header-65500x65500.jpg", .tooLarge(.jpeg, width: 65500, height: 65500, maxPixels: 400_000_000)),
    ]

    @Test(arguments: cases)
    func badJPEGFailsCleanlyWithItsOwnError(_ name: String, _ expected: DecodeError) async throws {
        let bytes = try fixture("bad/" + name)
        for chunk in [7, 4096, max(1, bytes.count)] {
            let error = await decodeError(bytes, chunk: chunk)
            if case .corrupt = expected, case .corrupt = error, chunk > 512 {
                // With plenty of bytes buffered libjpeg-turbo takes its fast Huffman path, which decodes a bad
                // code as zero without a warning; the scan then overruns into "extraneous bytes before marker".
                continue
            }
            #expect(error == expected, "chunks of \(chunk) bytes: \(String(describing: error))")
        }
    }

    @Test func garbageIsCorruptWhateverTheChunkSize() async throws {
        let bytes = try fixture("bad/garbage-in-entropy-data.jpg")
        for chunk in [1, 7, 4096, bytes.count] {
            let error = await decodeError(bytes, chunk: chunk)
            guard case .corrupt(.jpeg, let reason) = error else {
                Issue.record("chunks of \(chunk) bytes: \(String(describing: error))")
                continue
            }
            #expect(reason == "bad Huffman code" || reason.hasSuffix("extraneous bytes before marker 0xd9"))
        }
    }

    @Test func truncationNamesTheExpectedSizeWhenKnown() async throws {
        let bytes = try fixture("bad/truncated-at-half.jpg")
        let error = await decodeError(bytes, expectedBytes: 84301)
        #expect(error?.description == "truncated JPEG (got 42150 of 84301 bytes)")
        #expect(await decodeError(bytes)?.description == "truncated JPEG (got 42150 bytes)")
    }

    @Test func nonJPEGIsRejectedFromItsFirstBytes() async throws {
        let decoder = JPEGDecoder(fitting: slot)
        let png = try fixture("bad/png-named.jpg")
        await #expect(throws: DecodeError.wrongFormat(expected: .jpeg, found: .png)) {
            try await decoder.feed(Array(png.prefix(16)))
        }
    }

    @Test func everyTruncationPointOfASmallFileIsAnErrorNotAGreyImage() async throws {
        let bytes = try fixture("good/baseline-444.jpg")
        for length in stride(from: 0, to: bytes.count - 2, by: 13) {
            let error = await decodeError(Array(bytes.prefix(length)))
            #expect(error != nil, "accepted the first \(length) of \(bytes.count) bytes")
        }
    }

    @Test func descriptionsReadAsOneLine() {
        #expect(DecodeError.wrongFormat(expected: .jpeg, found: .png).description == "not a JPEG (looks like PNG)")
        #expect(
            DecodeError.notAnImage(looksLike: .html).description == "not a supported image (looks like an HTML page)")
        #expect(DecodeError.notAnImage(looksLike: .empty).description == "not a supported image (empty)")
        #expect(DecodeError.unsupportedFormat(.svg).description == "SVG is not supported")
        #expect(DecodeError.corrupt(.jpeg, reason: "bad Huffman code").description == "corrupt JPEG: bad Huffman code")
        #expect(DecodeError.corrupt(.png, reason: "IDAT: CRC error").description == "corrupt PNG: IDAT: CRC error")
        #expect(
            DecodeError.tooLarge(.png, width: 70000, height: 70000, maxPixels: 400_000_000).description
                == "too large (70000×70000 px; PNG allows at most 400,000,000 px)")
        #expect(
            DecodeError.tooLarge(.webp, width: 20000, height: 100, maxPixels: 400_000_000).description
                == "too large (20000×100 px; WebP allows at most 16383 px a side)")
        #expect(
            DecodeError.truncated(.png, got: 10, expected: 20).description == "truncated PNG (got 10 of 20 bytes)")
    }
}
