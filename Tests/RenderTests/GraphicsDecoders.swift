import GalleryTestSupport
import Imaging
import Render

/// Test-support decoders that turn our pixel-protocol output back into pixels, written from the protocol
/// documents rather than from the encoders, so a test compares what a terminal would see.

/// Splits terminal output into its escape strings: `ESC P … ESC \` (DCS), `ESC _ … ESC \` (APC),
/// `ESC ] … BEL` (OSC) and `ESC [ … final` (CSI), in order.
enum EscapeScanner {
    enum Piece: Equatable {
        case csi(String)
        case dcs([UInt8])
        case apc([UInt8])
        case osc([UInt8])
        case text(UInt8)
    }

    static func pieces(_ bytes: [UInt8]) -> [Piece] {
        var out: [Piece] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x1b, i + 1 < bytes.count else {
                out.append(.text(bytes[i]))
                i += 1
                continue
            }
            let kind = bytes[i + 1]
            var j = i + 2
            switch kind {
            case UInt8(ascii: "["):
                while j < bytes.count, !(0x40...0x7e).contains(bytes[j]) { j += 1 }
                out.append(.csi(String(decoding: bytes[(i + 2)...min(j, bytes.count - 1)], as: UTF8.self)))
                i = j + 1
            case UInt8(ascii: "P"), UInt8(ascii: "_"):
                while j + 1 < bytes.count, !(bytes[j] == 0x1b && bytes[j + 1] == UInt8(ascii: "\\")) { j += 1 }
                let body = Array(bytes[(i + 2)..<j])
                out.append(kind == UInt8(ascii: "P") ? .dcs(body) : .apc(body))
                i = j + 2
            case UInt8(ascii: "]"):
                while j < bytes.count, bytes[j] != 0x07 { j += 1 }
                out.append(.osc(Array(bytes[(i + 2)..<j])))
                i = j + 1
            default:
                out.append(.text(bytes[i]))
                i += 1
            }
        }
        return out
    }
}

/// A sixel image as the terminal would paint it: nil where no sixel bit was set.
struct DecodedSixel {
    var width = 0
    var height = 0
    var declaredWidth = 0
    var declaredHeight = 0
    var pixels: [RGB?] = []
    var registers: [Int: RGB] = [:]

    subscript(x: Int, y: Int) -> RGB? { pixels[y * width + x] }

    /// Decodes the body of a DCS (everything between `ESC P` and `ESC \`).
    init?(dcs body: [UInt8]) {
        guard let q = body.firstIndex(of: UInt8(ascii: "q")) else { return nil }
        var painted: [Int: RGB] = [:]  // y * 100_000 + x
        var i = q + 1
        var x = 0
        var bandTop = 0
        var color = 0
        func number() -> Int {
            var value = 0
            while i < body.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[i]) {
                value = value * 10 + Int(body[i] - UInt8(ascii: "0"))
                i += 1
            }
            return value
        }
        func numbers() -> [Int] {
            var values = [number()]
            while i < body.count, body[i] == UInt8(ascii: ";") {
                i += 1
                values.append(number())
            }
            return values
        }
        while i < body.count {
            let byte = body[i]
            switch byte {
            case UInt8(ascii: "\""):
                i += 1
                let raster = numbers()
                if raster.count == 4 {
                    declaredWidth = raster[2]
                    declaredHeight = raster[3]
                }
            case UInt8(ascii: "#"):
                i += 1
                let values = numbers()
                if values.count == 5, values[1] == 2 {
                    func level(_ percent: Int) -> UInt8 { UInt8((percent * 255 + 50) / 100) }
                    registers[values[0]] = RGB(level(values[2]), level(values[3]), level(values[4]))
                }
                color = values[0]
            case UInt8(ascii: "!"):
                i += 1
                let count = number()
                guard i < body.count else { return nil }
                let sixel = body[i]
                i += 1
                for _ in 0..<count {
                    Self.paint(sixel, x: x, top: bandTop, color: registers[color], into: &painted)
                    x += 1
                }
            case UInt8(ascii: "$"):
                x = 0
                i += 1
            case UInt8(ascii: "-"):
                x = 0
                bandTop += 6
                i += 1
            case 0x3f...0x7e:
                Self.paint(byte, x: x, top: bandTop, color: registers[color], into: &painted)
                x += 1
                i += 1
            default:
                return nil
            }
        }
        width = max(declaredWidth, (painted.keys.map { $0 % 100_000 }.max() ?? -1) + 1)
        height = max(declaredHeight, (painted.keys.map { $0 / 100_000 }.max() ?? -1) + 1)
        pixels = Array(repeating: nil, count: width * height)
        for (key, value) in painted {
            pixels[(key / 100_000) * width + key % 100_000] = value
        }
    }

    private static func paint(_ sixel: UInt8, x: Int, top: Int, color: RGB?, into painted: inout [Int: RGB]) {
        let bits = sixel - 0x3f
        for bit in 0..<6 where bits & (1 << bit) != 0 {
            painted[(top + bit) * 100_000 + x] = color ?? RGB(0, 0, 0)
        }
    }
}

/// The images a stream of kitty graphics commands transmits, with their keys.
struct DecodedKitty {
    struct Image {
        var keys: [String: String]
        var pixels: Pixels?
    }

    var images: [Image] = []
    var deletes: [[String: String]] = []

    init(_ bytes: [UInt8]) {
        var pendingKeys: [String: String]?
        var pendingPayload: [UInt8] = []
        for piece in EscapeScanner.pieces(bytes) {
            guard case .apc(let body) = piece, body.first == UInt8(ascii: "G") else { continue }
            let parts = body.dropFirst().split(
                separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false)
            var keys: [String: String] = [:]
            for pair in parts[0].split(separator: UInt8(ascii: ",")) {
                let kv = pair.split(separator: UInt8(ascii: "="), maxSplits: 1)
                keys[String(decoding: kv[0], as: UTF8.self)] =
                    kv.count > 1 ? String(decoding: kv[1], as: UTF8.self) : ""
            }
            let payload = parts.count > 1 ? Array(parts[1]) : []
            if keys["a"] == "d" {
                deletes.append(keys)
                continue
            }
            if pendingKeys == nil {
                pendingKeys = keys
            }
            pendingPayload += payload
            if keys["m"] != "1" {
                let first = pendingKeys ?? [:]
                images.append(Image(keys: first, pixels: Self.pixels(first, pendingPayload)))
                pendingKeys = nil
                pendingPayload = []
            }
        }
    }

    static func pixels(_ keys: [String: String], _ payload: [UInt8]) -> Pixels? {
        guard keys["f"] == "24", let width = keys["s"].flatMap({ Int($0) }),
            let height = keys["v"].flatMap({ Int($0) }),
            let raw = Base64.decode(payload), raw.count == width * height * 3
        else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: raw.count, by: 3) {
            bytes += [raw[i], raw[i + 1], raw[i + 2], 255]
        }
        return Pixels(width: width, height: height, bytes: bytes)
    }
}

/// Reads back a PNG made of stored deflate blocks (all `PNGWriter` makes), checking every CRC and the
/// Adler-32 with implementations of its own (bitwise, no table).
enum PNGReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func decode(_ png: [UInt8]) throws -> Pixels {
        guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw Failure(description: "signature")
        }
        var i = 8
        var width = 0
        var height = 0
        var idat: [UInt8] = []
        var sawEnd = false
        func be32(_ at: Int) -> UInt32 {
            png[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        while i + 12 <= png.count {
            let length = Int(be32(i))
            let type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
            let data = Array(png[(i + 8)..<(i + 8 + length)])
            guard bitwiseCRC(png[(i + 4)..<(i + 8 + length)]) == be32(i + 8 + length) else {
                throw Failure(description: "CRC of \(type)")
            }
            switch type {
            case "IHDR":
                width = Int(be32(i + 8))
                height = Int(be32(i + 12))
                guard data[8...] == [8, 2, 0, 0, 0] else { throw Failure(description: "IHDR fields \(data[8...])") }
            case "IDAT": idat += data
            case "IEND": sawEnd = true
            default: throw Failure(description: "unexpected chunk \(type)")
            }
            i += 12 + length
        }
        guard sawEnd, i == png.count else { throw Failure(description: "IEND") }
        guard idat.count >= 6, (UInt32(idat[0]) << 8 | UInt32(idat[1])) % 31 == 0, idat[0] & 0x0f == 8 else {
            throw Failure(description: "zlib header")
        }
        var raw: [UInt8] = []
        var at = 2
        while true {
            let header = idat[at]
            guard header & 0b110 == 0 else { throw Failure(description: "not a stored block") }
            let length = Int(idat[at + 1]) | Int(idat[at + 2]) << 8
            let complement = Int(idat[at + 3]) | Int(idat[at + 4]) << 8
            guard length ^ complement == 0xffff else { throw Failure(description: "LEN/NLEN") }
            raw += idat[(at + 5)..<(at + 5 + length)]
            at += 5 + length
            if header & 1 == 1 { break }
        }
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let adler = idat[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard adler == b << 16 | a, at + 4 == idat.count else { throw Failure(description: "Adler-32") }
        guard raw.count == height * (1 + width * 3) else { throw Failure(description: "scanline size") }
        var bytes: [UInt8] = []
        for y in 0..<height {
            let row = y * (1 + width * 3)
            guard raw[row] == 0 else { throw Failure(description: "filter \(raw[row])") }
            for x in 0..<width {
                let p = row + 1 + x * 3
                bytes += [raw[p], raw[p + 1], raw[p + 2], 255]
            }
        }
        return Pixels(width: width, height: height, bytes: bytes)
    }

    static func bitwiseCRC(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1)))
            }
        }
        return ~crc
    }
}

/// Test images shared by the encoder tests.
enum TestImages {
    /// Red, green / blue, white.
    static let twoByTwo: Pixels = {
        var image = Pixels(width: 2, height: 2, filledWith: RGB(0, 0, 0))
        image[0, 0] = RGB(255, 0, 0)
        image[1, 0] = RGB(0, 255, 0)
        image[0, 1] = RGB(0, 0, 255)
        image[1, 1] = RGB(255, 255, 255)
        return image
    }()

    /// Three columns, five rows: two black rows, then red, red, blue columns.
    static let threeByFive: Pixels = {
        var image = Pixels(width: 3, height: 5, filledWith: RGB(0, 0, 0))
        for y in 2..<5 {
            image[0, y] = RGB(255, 0, 0)
            image[1, y] = RGB(255, 0, 0)
            image[2, y] = RGB(0, 0, 255)
        }
        return image
    }()

    /// A smooth two-axis gradient with a blue ramp: `width × height` distinct colours.
    static func gradient(width: Int, height: Int) -> Pixels {
        var image = Pixels(width: width, height: height, filledWith: RGB(0, 0, 0))
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = RGB(
                    UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)),
                    UInt8((x + y) * 255 / max(1, width + height - 2)))
            }
        }
        return image
    }

    /// The largest channel difference between two colours (`RGB.distance(to:)` from GalleryTestSupport).
    static func distance(_ a: RGB, _ b: RGB) -> Int { a.distance(to: b) }
}
