import Imaging
import Testing

@Suite struct RowResamplerTests {
    /// A deterministic, busy test image.
    static func noise(width: Int, height: Int) -> Pixels {
        var state: UInt32 = 0x1234_5678
        var bytes = [UInt8](repeating: 255, count: width * height * Pixels.bytesPerPixel)
        for i in bytes.indices where i % 4 != 3 {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return Pixels(width: width, height: height, bytes: bytes)
    }

    /// Pushes `pixels` in bands of the given heights, cycling through them.
    static func streamed(_ pixels: Pixels, to size: PixelSize, bands: [Int]) -> Pixels {
        var resampler = RowResampler(from: PixelSize(width: pixels.width, height: pixels.height), to: size)
        let stride = pixels.width * Pixels.bytesPerPixel
        var row = 0
        var band = 0
        pixels.bytes.withUnsafeBytes { all in
            while row < pixels.height {
                let count = min(bands[band % bands.count], pixels.height - row)
                resampler.push(rows: UnsafeRawBufferPointer(rebasing: all[(row * stride)...]), count: count)
                row += count
                band += 1
            }
        }
        return resampler.finish()
    }

    @Test(arguments: [[1], [7], [16], [3, 1, 30], [1000]])
    func bandsOfAnyHeightGiveTheSamePixelsAsAWholeImageResample(_ bands: [Int]) {
        let pixels = Self.noise(width: 101, height: 67)
        let size = PixelSize(width: 40, height: 26)
        #expect(Self.streamed(pixels, to: size, bands: bands) == Resampler.resample(pixels, to: size))
    }

    @Test func sameSizeCopiesTheRowsUntouched() {
        let pixels = Self.noise(width: 13, height: 9)
        #expect(Self.streamed(pixels, to: PixelSize(width: 13, height: 9), bands: [2]) == pixels)
    }

    @Test func oneAxisOnly() {
        let pixels = Self.noise(width: 50, height: 8)
        let size = PixelSize(width: 50, height: 3)
        #expect(Self.streamed(pixels, to: size, bands: [5]) == Resampler.resample(pixels, to: size))
    }
}
