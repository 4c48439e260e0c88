public import Imaging

/// A minimal PNG encoder for iTerm2's inline images: 8-bit RGB, no interlace, filter type 0 on every row,
/// and a zlib stream of stored (uncompressed) deflate blocks.
///
/// Stored blocks keep the writer small and obviously correct; a thumbnail is a few hundred kilobytes at
/// most, written once per slot, so compression would buy little. The CRC-32 and Adler-32 checksums are
/// our own, since Render imports neither zlib nor Foundation.
/// - SeeAlso: <https://www.w3.org/TR/png/>, <https://www.rfc-editor.org/rfc/rfc1950>,
///   <https://www.rfc-editor.org/rfc/rfc1951#section-3.2.4>
public enum PNGWriter {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The most a stored block can hold (its LEN field is 16 bits).
    static let maximumStoredBlock = 65_535

    /// The PNG file for `pixels`; the fourth byte of each pixel is dropped.
    public static func encode(_ pixels: Pixels) -> [UInt8] {
        var out = signature
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(pixels.width))
        header.appendBigEndian(UInt32(pixels.height))
        header.append(contentsOf: [8, 2, 0, 0, 0])  // depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
        appendChunk("IHDR", header, to: &out)
        appendChunk("IDAT", zlibStored(scanlines(pixels)), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// Each row as a filter-type byte (0, none) followed by its RGB bytes.
    static func scanlines(_ pixels: Pixels) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(pixels.height * (1 + pixels.width * 3))
        pixels.bytes.withUnsafeBufferPointer { source in
            for y in 0..<pixels.height {
                raw.append(0)
                var i = y * pixels.width * Pixels.bytesPerPixel
                for _ in 0..<pixels.width {
                    raw.append(source[i])
                    raw.append(source[i + 1])
                    raw.append(source[i + 2])
                    i += Pixels.bytesPerPixel
                }
            }
        }
        return raw
    }

    /// A zlib stream (RFC 1950) holding `data` in stored deflate blocks, then its Adler-32.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no preset dictionary, fastest; (0x7801 % 31 == 0)
        out.reserveCapacity(data.count + data.count / maximumStoredBlock * 5 + 11)
        var start = 0
        repeat {
            let end = min(data.count, start + maximumStoredBlock)
            let length = UInt16(end - start)
            out.append(end == data.count ? 1 : 0)  // BFINAL, BTYPE 00 (stored); the rest of the byte is padding
            out.append(UInt8(length & 0xff))
            out.append(UInt8(length >> 8))
            out.append(UInt8(~length & 0xff))
            out.append(UInt8(~length >> 8))
            out.append(contentsOf: data[start..<end])
            start = end
        } while start < data.count
        out.appendBigEndian(adler32(data))
        return out
    }

    static func appendChunk(_ type: StaticString, _ data: [UInt8], to out: inout [UInt8]) {
        out.appendBigEndian(UInt32(data.count))
        let typeStart = out.count
        type.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: data)
        out.appendBigEndian(crc32(out[typeStart...]))
    }

    /// CRC-32 as PNG and zlib define it (reflected polynomial 0xEDB88320), over a chunk's type and data.
    public static func crc32(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
        }
        return crc ^ 0xffff_ffff
    }

    static let crcTable: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 {
            c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }

    /// Adler-32 (RFC 1950 §8.2), the zlib stream's checksum of the uncompressed bytes.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        // 5552 bytes is the most that can be summed before b may overflow 32 bits.
        while index < bytes.count {
            let end = min(bytes.count, index + 5552)
            while index < end {
                a += UInt32(bytes[index])
                b += a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24 & 0xff))
        append(UInt8(value >> 16 & 0xff))
        append(UInt8(value >> 8 & 0xff))
        append(UInt8(value & 0xff))
    }
}
