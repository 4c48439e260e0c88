import Decode
import Testing

@Suite struct ImageSnifferTests {
    @Test(
        arguments: [
            ([0xFF, 0xD8, 0xFF, 0xE0], ImageKind.jpeg),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], .png),
            (Array("GIF89a....".utf8), .gif),
            (Array("RIFF\u{10}\0\0\0WEBPVP8 ".utf8), .webp),
            (Array("\u{FEFF}  <!DOCTYPE html><html>".utf8), .html),
            (Array("<HTML><BODY>".utf8), .html),
            (Array("<?xml version=".utf8), .xml),
            (Array("Not Found\n".utf8), .text),
            ([], .empty),
            ([0x00, 0x01, 0x02, 0x03, 0x04], .unknown(firstBytes: [0, 1, 2, 3])),
        ] as [([UInt8], ImageKind)])
    func recognisesTheFirstBytes(_ bytes: [UInt8], _ kind: ImageKind) {
        #expect(ImageSniffer.kind(of: bytes) == kind)
    }
}
