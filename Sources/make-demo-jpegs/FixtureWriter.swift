import DemoJPEGEncoder
import Selection

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the committed decode fixtures (`make-demo-jpegs --fixtures Fixtures/jpeg`). Every good file shows
/// the same upright picture — four quadrants of known colour — so tests can check pixels at known points.
/// Run it again only to change them; the files are committed.
enum FixtureWriter {
    /// Upright quadrant colours: top-left, top-right, bottom-left, bottom-right.
    static let quadrants: [(UInt8, UInt8, UInt8)] = [(220, 40, 40), (40, 180, 60), (40, 60, 200), (230, 210, 50)]

    static func quadrant(_ x: Int, _ y: Int, width: Int, height: Int) -> Int {
        (y * 2 >= height ? 2 : 0) + (x * 2 >= width ? 1 : 0)
    }

    static func write(to directory: String) throws {
        let good = directory + "/good"
        let bad = directory + "/bad"
        mkdir(directory, 0o755)
        mkdir(good, 0o755)
        mkdir(bad, 0o755)

        // Big enough (24 MCU rows) for the "rows decode while feeding" test, textured evenly so bytes are
        // spread evenly over rows.
        try quadrantJPEG(good + "/baseline-420.jpg", width: 512, height: 384, noise: 24) { _ in }
        try quadrantJPEG(good + "/baseline-444.jpg", width: 96, height: 64) {
            $0.subsampling = DEMO_JPEG_SUBSAMPLING_444
        }
        try quadrantJPEG(good + "/progressive.jpg", width: 320, height: 240, noise: 16) { $0.progressive = 1 }
        try quadrantJPEG(good + "/restart-markers.jpg", width: 96, height: 64) { $0.restart_rows = 1 }
        try quadrantJPEG(good + "/arithmetic.jpg", width: 96, height: 64) { $0.arithmetic = 1 }
        try quadrantJPEG(good + "/panorama-12000x300.jpg", width: 12000, height: 300) { $0.quality = 75 }
        for orientation in 1...8 {
            try quadrantJPEG(good + "/orientation-\(orientation).jpg", width: 48, height: 32, orientation: orientation)
            {
                $0.subsampling = DEMO_JPEG_SUBSAMPLING_444
            }
        }
        try onePixel(good + "/1x1.jpg")
        try grayscale(good + "/grayscale.jpg")
        try cmyk(good + "/cmyk.jpg", adobeInverted: false)
        try cmyk(good + "/cmyk-adobe-inverted.jpg", adobeInverted: true)

        let baseline = try readFile(good + "/baseline-420.jpg")
        try writeFile(bad + "/truncated-at-half.jpg", Array(baseline.prefix(baseline.count / 2)))
        try writeFile(bad + "/garbage-in-entropy-data.jpg", withGarbage(baseline))
        try writeFile(bad + "/zero-bytes.jpg", [])
        try writeFile(bad + "/png-named.jpg", PNG.onePixel(gray: 128))
        try writeFile(bad + "/html-error-page.jpg", Array(htmlErrorPage.utf8))
        try quadrantJPEG(bad + "/header-65500x65500.jpg", width: 16, height: 16) { $0.quality = 50 }
        var huge = try readFile(bad + "/header-65500x65500.jpg")
        try patchFrameSize(&huge, width: 65500, height: 65500)
        try writeFile(bad + "/header-65500x65500.jpg", huge)
    }

    // MARK: Good files

    /// The quadrant picture, stored so that applying EXIF `orientation` makes it upright at width × height.
    static func quadrantJPEG(
        _ path: String, width: Int, height: Int, noise: Int = 0, orientation: Int = 0,
        _ configure: (inout demo_jpeg_encode_options) -> Void
    ) throws {
        let swaps = orientation >= 5
        let (sw, sh) = swaps ? (height, width) : (width, height)
        var options = demo_jpeg_encode_options.rgb(width: sw, height: sh)
        options.exif_orientation = Int32(orientation)
        configure(&options)
        let writer = try JPEGWriter(path: path, options: options)
        var rng = SplitMix64(seed: 0x5EED)
        var row = [UInt8](repeating: 0, count: sw * 3)
        for sy in 0..<sh {
            for sx in 0..<sw {
                let (x, y) = upright(sx, sy, storedWidth: sw, storedHeight: sh, orientation: orientation)
                let colour = quadrants[quadrant(x, y, width: width, height: height)]
                let n = noise == 0 ? 0 : Int(rng.next() % UInt64(2 * noise + 1)) - noise
                row[sx * 3] = clamp(Int(colour.0) + n)
                row[sx * 3 + 1] = clamp(Int(colour.1) + n)
                row[sx * 3 + 2] = clamp(Int(colour.2) + n)
            }
            try writer.write(row)
        }
        try writer.finish()
    }

    /// Where stored pixel (sx, sy) shows once the EXIF orientation is applied (the inverse of
    /// `Pixels.applying(_:)` in Imaging).
    static func upright(_ sx: Int, _ sy: Int, storedWidth w: Int, storedHeight h: Int, orientation: Int) -> (Int, Int) {
        switch orientation {
        case 2: (w - 1 - sx, sy)
        case 3: (w - 1 - sx, h - 1 - sy)
        case 4: (sx, h - 1 - sy)
        case 5: (sy, sx)
        case 6: (h - 1 - sy, sx)
        case 7: (h - 1 - sy, w - 1 - sx)
        case 8: (sy, w - 1 - sx)
        default: (sx, sy)
        }
    }

    static func onePixel(_ path: String) throws {
        let writer = try JPEGWriter(path: path, options: .rgb(width: 1, height: 1, quality: 95))
        try writer.write([200, 100, 50])
        try writer.finish()
    }

    /// Quadrants of gray 30, 100, 170, 240.
    static func grayscale(_ path: String) throws {
        var options = demo_jpeg_encode_options.rgb(width: 64, height: 48)
        options.input = DEMO_JPEG_INPUT_GRAY
        let writer = try JPEGWriter(path: path, options: options)
        for y in 0..<48 {
            try writer.write((0..<64).map { x in [30, 100, 170, 240][quadrant(x, y, width: 64, height: 48)] })
        }
        try writer.finish()
    }

    /// Quadrants of pure ink: red (M+Y), green (C+Y), blue (C+M), and 50 % black (K 128).
    static func cmyk(_ path: String, adobeInverted: Bool) throws {
        let inks: [[UInt8]] = [[0, 255, 255, 0], [255, 0, 255, 0], [255, 255, 0, 0], [0, 0, 0, 128]]
        var options = demo_jpeg_encode_options.rgb(width: 64, height: 48, quality: 95)
        options.input = adobeInverted ? DEMO_JPEG_INPUT_ADOBE_INVERTED_CMYK : DEMO_JPEG_INPUT_CMYK
        let writer = try JPEGWriter(path: path, options: options)
        for y in 0..<48 {
            var row: [UInt8] = []
            for x in 0..<64 {
                let ink = inks[quadrant(x, y, width: 64, height: 48)]
                row += adobeInverted ? ink.map { 255 - $0 } : ink
            }
            try writer.write(row)
        }
        try writer.finish()
    }

    // MARK: Bad files

    /// Overwrites 64 bytes two thirds into the entropy-coded data: seeded random bytes (no 0xFF, so no
    /// accidental markers) around a run of stuffed 0xFF bytes, whose 16 and more one-bits are no code of
    /// the standard Huffman tables, so libjpeg reports "bad Huffman code".
    static func withGarbage(_ jpeg: [UInt8]) throws -> [UInt8] {
        var bytes = jpeg
        var rng = SplitMix64(seed: 0xBAD)
        let start = bytes.count * 2 / 3
        for i in start..<(start + 64) { bytes[i] = UInt8(truncatingIfNeeded: rng.next() % 255) }
        for i in stride(from: start + 16, to: start + 48, by: 2) {
            bytes[i] = 0xFF
            bytes[i + 1] = 0x00
        }
        return bytes
    }

    /// Rewrites the height and width in the SOF0 segment.
    static func patchFrameSize(_ bytes: inout [UInt8], width: Int, height: Int) throws {
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { throw WriteFailure(description: "bad marker at \(i)") }
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xC0 {
                bytes[i + 5] = UInt8(height >> 8)
                bytes[i + 6] = UInt8(height & 0xFF)
                bytes[i + 7] = UInt8(width >> 8)
                bytes[i + 8] = UInt8(width & 0xFF)
                return
            }
            i += 2 + length
        }
        throw WriteFailure(description: "no SOF0 marker")
    }

    static let htmlErrorPage = """
        <!DOCTYPE html>
        <html>
        <head><title>404 Not Found</title></head>
        <body>
        <center><h1>404 Not Found</h1></center>
        <hr><center>nginx</center>
        </body>
        </html>

        """
}

/// A minimal valid PNG, so `png-named.jpg` is a real PNG and not just its signature.
enum PNG {
    static func onePixel(gray: UInt8) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(1) + be32(1) + [8, 0, 0, 0, 0])  // 1×1, 8-bit grayscale
        let raw: [UInt8] = [0, gray]  // filter byte, pixel
        // zlib stream with one stored deflate block.
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(raw.count), 0, ~UInt8(raw.count), 0xFF]
        zlib += raw
        zlib += be32(adler32(raw))
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return be32(UInt32(data.count)) + typed + be32(crc32(typed))
    }

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}

@inline(__always)
func clamp(_ v: Int) -> UInt8 { UInt8(max(0, min(255, v))) }

func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw WriteFailure(description: "cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n == 0 { break }
        bytes += buffer.prefix(n)
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let file = fopen(path, "wb") else { throw WriteFailure(description: "cannot create \(path)") }
    let written = bytes.isEmpty ? 0 : fwrite(bytes, 1, bytes.count, file)
    guard fclose(file) == 0, written == bytes.count else { throw WriteFailure(description: "cannot write \(path)") }
}
