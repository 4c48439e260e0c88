import Decode
import Testing

@Suite struct ImageSnifferTests {
    static let svgAfterProlog = Array(
        """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <!-- Created with a drawing program -->
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
        <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>
        """.utf8)

    @Test(
        arguments: [
            ([0xFF, 0xD8, 0xFF, 0xE0], ImageKind.jpeg),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], .png),
            (Array("GIF89a....".utf8), .gif),
            (Array("RIFF\u{10}\0\0\0WEBPVP8 ".utf8), .webp),
            (Array("\u{FEFF}  <!DOCTYPE html><html>".utf8), .html),
            (Array("<HTML><BODY>".utf8), .html),
            (Array("<?xml version=".utf8), .xml),
            (svgAfterProlog, .svg),
            (Array("<svg viewBox='0 0 1 1'/>".utf8), .svg),
            ([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0], .tiff),
            ([0, 0, 0, 0x1C] + Array("ftypavif".utf8), .avif),
            ([0, 0, 0, 0x18] + Array("ftypheic".utf8), .heic),
            ([0xFF, 0x0A, 0xFA], .jpegXL),
            (Array("Not Found\n".utf8), .text),
            ([], .empty),
            ([0x00, 0x01, 0x02, 0x03, 0x04], .unknown(firstBytes: [0, 1, 2, 3])),
        ] as [([UInt8], ImageKind)])
    func recognisesTheFirstBytes(_ bytes: [UInt8], _ kind: ImageKind) {
        #expect(ImageSniffer.kind(of: bytes) == kind)
    }

    @Test func waitsWhileTheBytesSoFarCouldStillBeAnImage() {
        #expect(ImageSniffer.verdict([0x89, 0x50, 0x4E], complete: false) == nil)
        #expect(ImageSniffer.verdict(Array("RIFF\0\0\0\0WE".utf8), complete: false) == nil)
        #expect(ImageSniffer.verdict([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], complete: false) == .png)
        // An XML prolog: an SVG's `<svg` may come later in the first KiB.
        #expect(ImageSniffer.verdict(Array(Self.svgAfterProlog.prefix(120)), complete: false) == nil)
        #expect(ImageSniffer.verdict(Array("<!doctype html>".utf8), complete: false) == .html)
    }

    @Test(
        arguments: [
            (
                Array("<!DOCTYPE html><html><body>Not Found</body></html>".utf8),
                "not a supported image (looks like an HTML page)"
            ),
            (svgAfterProlog, "SVG is not supported"),
            ([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8] + [UInt8](repeating: 0, count: 40), "TIFF is not supported"),
            ([], "not a supported image (empty)"),
            (Array("{\"error\": 404}".utf8), "not a supported image (looks like text)"),
        ] as [([UInt8], String)])
    func anythingButASupportedImageFailsWithOneReason(_ bytes: [UInt8], _ reason: String) async {
        for chunk in [1, 5, 65536] {
            let error = await decodeAnyError(bytes, chunk: chunk)
            #expect(error?.description == reason, "chunks of \(chunk) bytes")
        }
    }

    @Test func theFormatIsToldFromTheBytesNotTheName() async throws {
        let thumbnail = try await decodeAny(try fixture("bad/png-named.jpg"))
        #expect(thumbnail.format == .png)
        #expect(thumbnail.format.name == "png")
        let jpeg = try await decodeAny(try fixture("good/baseline-444.jpg"))
        #expect(jpeg.format == .jpeg)
    }
}
