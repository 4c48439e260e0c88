import Decode
import GalleryTestSupport
import Imaging

/// The box most tests decode into: a typical gallery slot in half-block pixels.
let slot = PixelSize(width: 64, height: 48)

/// Feeds `bytes` to a fresh decoder in chunks of `chunk` bytes, then finishes.
func decode(
    _ bytes: [UInt8], chunk: Int = 65536, box: PixelSize = slot, limits: DecodeLimits = .default,
    expectedBytes: Int? = nil
) async throws(DecodeError) -> Thumbnail {
    try await feedAll(bytes, chunk: chunk, to: JPEGDecoder(fitting: box, limits: limits, expectedBytes: expectedBytes))
}

/// Feeds `bytes` to `decoder` in chunks of `chunk` bytes, then finishes.
func feedAll(_ bytes: [UInt8], chunk: Int, to decoder: any ImageDecoder) async throws(DecodeError) -> Thumbnail {
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + chunk, bytes.count)
        try await decoder.feed(Array(bytes[offset..<end]))
        offset = end
    }
    return try decoder.finish()
}

func fixture(_ name: String) throws -> [UInt8] {
    try Fixtures.bytes("jpeg/" + name)
}

/// The error decoding `bytes` throws, or nil if it decodes.
func decodeError(_ bytes: [UInt8], chunk: Int = 65536, limits: DecodeLimits = .default, expectedBytes: Int? = nil)
    async -> DecodeError?
{
    do {
        _ = try await decode(bytes, chunk: chunk, limits: limits, expectedBytes: expectedBytes)
        return nil
    } catch {
        return error
    }
}

/// The colour at a point given as a fraction of the width and height.
func colour(_ pixels: Pixels, _ fx: Double, _ fy: Double) -> RGB {
    pixels[
        min(pixels.width - 1, Int(fx * Double(pixels.width))), min(pixels.height - 1, Int(fy * Double(pixels.height)))]
}

func close(_ a: RGB, _ b: RGB, within tolerance: Int) -> Bool {
    abs(Int(a.r) - Int(b.r)) <= tolerance && abs(Int(a.g) - Int(b.g)) <= tolerance
        && abs(Int(a.b) - Int(b.b)) <= tolerance
}

/// The four quadrant colours every good RGB fixture shows upright (make-demo-jpegs --fixtures).
let quadrantColours = [RGB(220, 40, 40), RGB(40, 180, 60), RGB(40, 60, 200), RGB(230, 210, 50)]

/// Centres of the quadrants: top-left, top-right, bottom-left, bottom-right.
let quadrantCentres = [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]
