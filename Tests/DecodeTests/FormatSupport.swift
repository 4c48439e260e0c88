import Decode
import Foundation
import GalleryTestSupport
import Imaging
import Testing

/// Feeds `bytes` to the decoder `makeImageDecoder` returns (sniffing, then any format) in chunks of `chunk` bytes.
func decodeAny(
    _ bytes: [UInt8], chunk: Int = 65536, box: PixelSize = slot, limits: DecodeLimits = .default,
    expectedBytes: Int? = nil
) async throws(DecodeError) -> Thumbnail {
    try await feedAll(
        bytes, chunk: chunk, to: makeImageDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes))
}

/// The error `decodeAny` throws, or nil if it decodes.
func decodeAnyError(_ bytes: [UInt8], chunk: Int = 65536, limits: DecodeLimits = .default) async -> DecodeError? {
    do {
        _ = try await decodeAny(bytes, chunk: chunk, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// An image decoded by a Debian tool into a PAM file: 8-bit RGBA, straight alpha, as stored (no EXIF turn).
struct ReferenceImage {
    let width: Int
    let height: Int
    /// RGBA, row after row.
    let rgba: [UInt8]

    /// Runs `command` (a shell command line whose stdout is a PAM image, e.g. `pngtopam -alphapam FILE`).
    static func decoded(by command: String) throws -> ReferenceImage {
        let folder = try TempFolder()
        defer { folder.remove() }
        let out = folder.url.appendingPathComponent("reference.pam").path
        let child = try ChildProcess(["/bin/sh", "-c", command + " > '\(out)'"], stdin: "")
        try #require(child.wait(timeout: .seconds(60)) == 0, "\(command): \(child.errorText)")
        return try parsePAM([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
    }

    static func parsePAM(_ bytes: [UInt8]) throws -> ReferenceImage {
        let end = try #require(findHeaderEnd(bytes), "not a PAM file")
        var fields: [String: Int] = [:]
        for line in String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
        }
        let width = try #require(fields["WIDTH"])
        let height = try #require(fields["HEIGHT"])
        let depth = try #require(fields["DEPTH"])
        let maxval = try #require(fields["MAXVAL"])
        let size = maxval > 255 ? 2 : 1
        var data = bytes[(end + "ENDHDR\n".utf8.count)...]
        try #require(data.count >= width * height * depth * size, "short PAM data")
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for i in 0..<(width * height) {
            var samples = [Int](repeating: 0, count: depth)
            for c in 0..<depth {
                let at = data.startIndex + (i * depth + c) * size
                let raw = size == 2 ? Int(data[at]) << 8 | Int(data[at + 1]) : Int(data[at])
                samples[c] = (raw * 255 + maxval / 2) / maxval
            }
            let colour = depth >= 3 ? Array(samples[0..<3]) : [samples[0], samples[0], samples[0]]
            let alpha = depth == 2 || depth == 4 ? samples[depth - 1] : 255
            for (c, value) in (colour + [alpha]).enumerated() { rgba[i * 4 + c] = UInt8(value) }
        }
        data = []
        return ReferenceImage(width: width, height: height, rgba: rgba)
    }

    private static func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
        let marker = Array("ENDHDR\n".utf8)
        guard bytes.count >= marker.count else { return nil }
        return (0...(bytes.count - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    /// The mean colour of a region given as fractions of the size, in linear light, with transparency shown over
    /// the checkerboard's average (the thumbnail's squares average to it over a region a few squares wide).
    func mean(_ region: Region) -> RGB {
        let backdrop = (SRGB.toLinear[153] + SRGB.toLinear[102]) / 2
        var sums: (Float, Float, Float) = (0, 0, 0)
        let (x0, x1, y0, y1) = region.pixels(width: width, height: height)
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = (y * width + x) * 4
                let a = Float(rgba[i + 3]) / 255
                sums.0 += a * SRGB.toLinear[Int(rgba[i])] + (1 - a) * backdrop
                sums.1 += a * SRGB.toLinear[Int(rgba[i + 1])] + (1 - a) * backdrop
                sums.2 += a * SRGB.toLinear[Int(rgba[i + 2])] + (1 - a) * backdrop
            }
        }
        let n = Float(max(1, (x1 - x0) * (y1 - y0)))
        return RGB(SRGB.encode(sums.0 / n), SRGB.encode(sums.1 / n), SRGB.encode(sums.2 / n))
    }
}

/// A rectangle given as fractions of an image's width and height.
struct Region: Sendable, CustomStringConvertible {
    var x0: Double
    var x1: Double
    var y0: Double
    var y1: Double

    /// The middle half of each quadrant (away from the edges, where averaging mixes colours): top-left,
    /// top-right, bottom-left, bottom-right.
    static let quadrantMiddles = [
        Region(x0: 0.125, x1: 0.375, y0: 0.125, y1: 0.375), Region(x0: 0.625, x1: 0.875, y0: 0.125, y1: 0.375),
        Region(x0: 0.125, x1: 0.375, y0: 0.625, y1: 0.875), Region(x0: 0.625, x1: 0.875, y0: 0.625, y1: 0.875),
    ]

    func pixels(width: Int, height: Int) -> (Int, Int, Int, Int) {
        let x0 = Int(self.x0 * Double(width))
        let y0 = Int(self.y0 * Double(height))
        return (
            x0, max(x0 + 1, Int(x1 * Double(width))), y0, max(y0 + 1, Int(y1 * Double(height)))
        )
    }

    var description: String { "(\(x0)…\(x1), \(y0)…\(y1))" }
}

/// The mean colour of a region of a thumbnail, in linear light.
func mean(_ pixels: Pixels, _ region: Region) -> RGB {
    var rgba = [UInt8](repeating: 255, count: pixels.width * pixels.height * 4)
    for i in 0..<(pixels.width * pixels.height) {
        rgba[i * 4] = pixels.bytes[i * 4]
        rgba[i * 4 + 1] = pixels.bytes[i * 4 + 1]
        rgba[i * 4 + 2] = pixels.bytes[i * 4 + 2]
    }
    return ReferenceImage(width: pixels.width, height: pixels.height, rgba: rgba).mean(region)
}

/// Which Debian program decodes a fixture for reference, by extension.
func referenceCommand(for path: String) -> String {
    if path.hasSuffix(".webp") { return "dwebp -quiet -pam -o - '\(path)'" }
    if path.hasSuffix(".gif") { return "convert '\(path)[0]' -background none -layers flatten pam:-" }
    return "pngtopam -alphapam '\(path)'"
}
