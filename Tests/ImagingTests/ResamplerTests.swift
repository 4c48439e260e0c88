import Imaging
import Testing

@Suite struct ResamplerTests {
    @Test func thinBrightLineKeepsItsLightInLinearLight() {
        // A one-pixel white column every 4 pixels on black, averaged 4:1.
        var pixels = Pixels(width: 16, height: 4, filledWith: RGB(0, 0, 0))
        for y in 0..<4 {
            for x in stride(from: 1, to: 16, by: 4) { pixels[x, y] = RGB(255, 255, 255) }
        }
        let out = Resampler.resample(pixels, to: PixelSize(width: 4, height: 1))
        let naive = 255 / 4  // averaging gamma-encoded values: 63, a dark grey
        for x in 0..<4 {
            let value = Int(out[x, 0].r)
            #expect(value > naive + 60, "column \(x) darkened to \(value)")
            #expect(abs(value - 137) <= 1)  // sRGB code for a quarter of white's light
        }
    }

    @Test func flatColourStaysExactlyTheSame() {
        let colour = RGB(200, 30, 90)
        let out = Resampler.resample(
            Pixels(width: 37, height: 23, filledWith: colour), to: PixelSize(width: 5, height: 3))
        for y in 0..<3 {
            for x in 0..<5 { #expect(out[x, y] == colour) }
        }
    }

    @Test(arguments: [(750, 500, 80, 53), (750, 500, 1, 1), (13, 7, 13, 7), (12000, 4, 300, 1), (3, 3, 2, 2)])
    func outputHasTheExactRequestedSize(_ w: Int, _ h: Int, _ ow: Int, _ oh: Int) {
        let out = Resampler.resample(
            Pixels(width: w, height: h, filledWith: RGB(1, 2, 3)), to: PixelSize(width: ow, height: oh))
        #expect(out.width == ow)
        #expect(out.height == oh)
        #expect(out.bytes.count == ow * oh * 4)
    }

    @Test func fractionalCoverageBlendsNeighbours() {
        // 3 → 2: the middle pixel is split evenly between both outputs.
        var pixels = Pixels(width: 3, height: 1, filledWith: RGB(0, 0, 0))
        pixels[0, 0] = RGB(255, 255, 255)
        let out = Resampler.resample(pixels, to: PixelSize(width: 2, height: 1))
        #expect(abs(Int(out[0, 0].r) - 213) <= 1)  // two thirds of white's light
        #expect(out[1, 0].r == 0)
    }

    @Test func fittingSizeKeepsAspectRatioInsideTheBox() {
        #expect(
            Resampler.fittingSize(of: PixelSize(width: 6000, height: 4000), in: PixelSize(width: 80, height: 80))
                == PixelSize(width: 80, height: 53))
        #expect(
            Resampler.fittingSize(of: PixelSize(width: 12000, height: 300), in: PixelSize(width: 64, height: 48))
                == PixelSize(width: 64, height: 2))
        #expect(
            Resampler.fittingSize(of: PixelSize(width: 300, height: 12000), in: PixelSize(width: 64, height: 48))
                == PixelSize(width: 1, height: 48))
        #expect(
            Resampler.fittingSize(of: PixelSize(width: 1, height: 1), in: PixelSize(width: 64, height: 48))
                == PixelSize(width: 1, height: 1))
    }

    @Test func srgbTablesRoundTripEveryCode() {
        for code in 0..<256 {
            #expect(SRGB.encode(SRGB.toLinear[code]) == UInt8(code))
        }
    }
}
