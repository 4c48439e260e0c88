import Imaging
import Render
import Testing

struct XtermPaletteTests {
    static let nearest256Cases: [(RGB, UInt8)] = [
        (RGB(255, 0, 0), 196), (RGB(0, 0, 0), 16), (RGB(255, 255, 255), 231),
        (RGB(128, 128, 128), 244), (RGB(8, 8, 8), 232), (RGB(238, 238, 238), 255), (RGB(95, 135, 175), 67),
    ]

    @Test(arguments: nearest256Cases)
    func nearest256PicksCubeOrGreyRamp(colour: RGB, index: UInt8) {
        #expect(XtermPalette.nearest256(to: colour) == index)
    }

    @Test func nearest256IsExactForEveryCubeAndGreyEntry() {
        for index in UInt8(16)...UInt8(255) {
            #expect(XtermPalette.nearest256(to: XtermPalette.rgb(ofPaletteIndex: index)) == index)
        }
    }

    @Test func nearest16IsExactForTheStandardColours() {
        for (index, colour) in XtermPalette.standard16.enumerated() {
            #expect(XtermPalette.nearest16(to: colour) == UInt8(index))
        }
    }

    @Test func colorModeFollowsColortermThenTerm() {
        #expect(ColorMode.detect(environment: ["COLORTERM": "truecolor", "TERM": "xterm"]) == .trueColor)
        #expect(ColorMode.detect(environment: ["COLORTERM": "24bit"]) == .trueColor)
        #expect(ColorMode.detect(environment: ["TERM": "xterm-256color"]) == .palette256)
        #expect(ColorMode.detect(environment: ["TERM": "tmux-256color"]) == .palette256)
        #expect(ColorMode.detect(environment: ["TERM": "xterm-direct"]) == .trueColor)
        #expect(ColorMode.detect(environment: ["TERM": "linux"]) == .ansi16)
        #expect(ColorMode.detect(environment: [:]) == .ansi16)
    }
}
