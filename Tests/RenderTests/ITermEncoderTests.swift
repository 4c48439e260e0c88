import Foundation
import GalleryTestSupport
import Imaging
import Render
import Testing

struct ITermEncoderTests {
    @Test func twoByTwoGoldenBytes() throws {
        let bytes = ITermEncoder().encode(TestImages.twoByTwo, at: CellPosition(row: 1, column: 2))
        let png = PNGWriter.encode(TestImages.twoByTwo)
        let expected =
            "\u{1b}[2;3H\u{1b}]1337;File=inline=1;size=\(png.count);width=1;height=1;preserveAspectRatio=0:"
            + String(decoding: Base64.encode(png), as: UTF8.self) + "\u{07}"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(png.count == 8 + 25 + 12 + 2 + 5 + 14 + 4 + 12)
    }

    @Test func payloadIsOurPNG() throws {
        let image = TestImages.threeByFive
        let encoder = ITermEncoder(cellPixels: CellPixels(width: 2, height: 2))
        let pieces = EscapeScanner.pieces(encoder.encode(image, at: CellPosition(row: 0, column: 0)))
        guard case .osc(let body) = try #require(pieces.last) else {
            Issue.record("no OSC")
            return
        }
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains(";width=2;height=3;"))
        let colon = try #require(body.firstIndex(of: UInt8(ascii: ":")))
        let png = try #require(Base64.decode(body[(colon + 1)...]))
        #expect(try PNGReader.decode(png) == image)
    }

    /// 200×120 RGB scanlines are 72 120 bytes: more than one stored block.
    @Test(arguments: [(1, 1), (2, 2), (3, 5), (200, 120)])
    func pngRoundTrips(width: Int, height: Int) throws {
        let image = TestImages.gradient(width: width, height: height)
        #expect(try PNGReader.decode(PNGWriter.encode(image)) == image)
    }

    @Test func pngGoldenHeaderAndChecksums() {
        let png = PNGWriter.encode(TestImages.twoByTwo)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(PNGWriter.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(PNGWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGWriter.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    /// An independent reader: Python's zlib and struct, when python3 is installed.
    @Test func pythonZlibReadsOurPNG() throws {
        guard
            let python = installedProgram("python3")
        else {
            print("skipped: no python3 to cross-check the PNG")
            return
        }
        let image = TestImages.gradient(width: 300, height: 230)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gallery-png-\(getpid()).png")
        try Data(PNGWriter.encode(image)).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let script = """
            import struct, sys, zlib
            d = open(sys.argv[1], 'rb').read()
            i, idat = 8, b''
            while i < len(d):
                n, t = struct.unpack('>I4s', d[i:i+8])
                assert zlib.crc32(d[i+4:i+8+n]) == struct.unpack('>I', d[i+8+n:i+12+n])[0], t
                if t == b'IHDR': w, h = struct.unpack('>II', d[i+8:i+16])
                if t == b'IDAT': idat += d[i+8:i+8+n]
                i += 12 + n
            raw = zlib.decompress(idat)
            assert len(raw) == h * (1 + 3 * w)
            print(w, h, sum(raw[7 * (1 + 3 * w) + 1 + 3 * 11 + c] for c in range(3)))  # pixel (11, 7)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, path.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        let p = image[11, 7]
        #expect(text == "300 230 \(Int(p.r) + Int(p.g) + Int(p.b))\n")
    }
}

struct Base64Tests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(String(decoding: Base64.encode(Array(plain.utf8)), as: UTF8.self) == encoded)
        #expect(Base64.decode(Array(encoded.utf8)) == Array(plain.utf8))
    }

    @Test func malformedInputIsRejected() {
        #expect(Base64.decode(Array("Zg=".utf8)) == nil)
        #expect(Base64.decode(Array("Z=g=".utf8)) == nil)
        #expect(Base64.decode(Array("Zm9\u{1b}".utf8)) == nil)
    }
}
