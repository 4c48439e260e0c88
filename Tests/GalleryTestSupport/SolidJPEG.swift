/// Baseline JPEGs of one flat colour, written byte for byte reproducibly without libjpeg, for tests that need
/// pictures told apart by colour (the real-terminal tests) and files of an exact size (paced downloads).
///
/// A flat picture needs only DC coefficients: every 8×8 block of each component is the same value, so each
/// block codes as "DC difference, end of block". The quantization table is all ones, the DC Huffman table is
/// the standard luminance one (ITU T.81 Annex K.3) and the AC table holds only the end-of-block symbol.
/// Colours go through the JFIF YCbCr conversion, so a decoder gives them back within ±1 or 2.
public enum SolidJPEG {
    /// A `width × height` JPEG of one colour, padded with a comment segment to exactly `size` bytes when given
    /// (decoders skip comments; the smallest possible file for the picture is returned when `size` is nil).
    public static func make(
        red: UInt8, green: UInt8, blue: UInt8, width: Int, height: Int, size: Int? = nil
    ) throws -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= 65_535 && height <= 65_535)
        let r = Double(red)
        let g = Double(green)
        let b = Double(blue)
        let components = [
            0.299 * r + 0.587 * g + 0.114 * b,
            -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128,
            0.5 * r - 0.418_688 * g - 0.081_312 * b + 128,
        ].map { Int(min(255, max(0, $0.rounded()))) }

        var body: [UInt8] = []
        // DQT: table 0, 8-bit, all ones.
        body += segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
        // SOF0: 8-bit, height, width, three components sampled 1×1 with quantization table 0.
        var frame: [UInt8] = [8] + be16(height) + be16(width) + [3]
        for id in 1...3 { frame += [UInt8(id), 0x11, 0x00] }
        body += segment(0xC0, frame)
        // DHT: DC table 0 (Annex K.3, luminance DC) and AC table 0 with end-of-block only.
        body += segment(0xC4, [0x00] + dcCounts + (0...11).map { UInt8($0) })
        body += segment(0xC4, [0x10, 1] + [UInt8](repeating: 0, count: 15) + [0x00])
        // SOS: all three components, tables 0/0, spectral 0…63, no approximation.
        body += segment(0xDA, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0])
        body += scan(components: components, blocks: ((width + 7) / 8) * ((height + 7) / 8))
        body += [0xFF, 0xD9]

        var file: [UInt8] = [0xFF, 0xD8]
        if let size {
            var padding = size - 2 - body.count
            guard padding == 0 || padding >= 4 else {
                throw SupportError("a \(width)×\(height) solid JPEG cannot be padded to \(size) bytes")
            }
            // Comment segments of at most 65,537 bytes each, none left shorter than a segment's 4-byte header.
            while padding > 0 {
                var total = min(padding, 65_537)
                if (1..<4).contains(padding - total) { total -= 4 }
                file += segment(0xFE, [UInt8](repeating: UInt8(ascii: "."), count: total - 4))
                padding -= total
            }
        }
        return file + body
    }

    /// Huffman code counts by length (1…16) of the standard luminance DC table: categories 0…11.
    static let dcCounts: [UInt8] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]

    /// The canonical codes of `dcCounts`, by category: (code, length).
    static let dcCodes: [(code: Int, length: Int)] = {
        var codes: [(Int, Int)] = []
        var code = 0
        for (index, count) in dcCounts.enumerated() {
            for _ in 0..<count {
                codes.append((code, index + 1))
                code += 1
            }
            code <<= 1
        }
        return codes
    }()

    /// The entropy-coded data: per MCU one block of Y, Cb and Cr; only the first block of each component has
    /// a DC difference other than zero. Then end of block (AC code `0`).
    static func scan(components: [Int], blocks: Int) -> [UInt8] {
        var writer = BitWriter()
        for block in 0..<blocks {
            for value in components {
                let difference = block == 0 ? 8 * (value - 128) : 0
                let magnitude = abs(difference)
                let category = magnitude == 0 ? 0 : Int.bitWidth - magnitude.leadingZeroBitCount
                let code = dcCodes[category]
                writer.write(code.code, bits: code.length)
                if category > 0 {
                    writer.write(difference >= 0 ? difference : difference + (1 << category) - 1, bits: category)
                }
                writer.write(0, bits: 1)
            }
        }
        return writer.finish()
    }

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker] + be16(payload.count + 2) + payload
    }

    static func be16(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Most significant bit first, a 0x00 stuffed after every 0xFF, the last byte padded with ones.
    struct BitWriter {
        var bytes: [UInt8] = []
        var accumulator = 0
        var count = 0

        mutating func write(_ value: Int, bits: Int) {
            for shift in stride(from: bits - 1, through: 0, by: -1) {
                accumulator = accumulator << 1 | (value >> shift & 1)
                count += 1
                if count == 8 { flush() }
            }
        }

        mutating func flush() {
            bytes.append(UInt8(accumulator))
            if accumulator == 0xFF { bytes.append(0) }
            accumulator = 0
            count = 0
        }

        mutating func finish() -> [UInt8] {
            if count > 0 {
                accumulator = accumulator << (8 - count) | (1 << (8 - count) - 1)
                count = 8
                flush()
            }
            return bytes
        }
    }
}
