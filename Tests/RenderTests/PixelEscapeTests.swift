import Render
import Testing

struct PixelEscapeTests {
    static func text(_ escape: Escape) -> String { String(decoding: escape.bytes, as: UTF8.self) }

    @Test func queries() {
        #expect(Self.text(.primaryDeviceAttributes) == "\u{1b}[c")
        #expect(Self.text(.cellSizeQuery) == "\u{1b}[16t")
        #expect(Self.text(.textAreaPixelsQuery) == "\u{1b}[14t")
        #expect(Self.text(.colorRegistersQuery) == "\u{1b}[?1;1;0S")
        #expect(Self.text(.terminalVersionQuery) == "\u{1b}[>0q")
    }

    @Test func stringsAreTerminated() {
        #expect(Self.text(.kittyGraphics(keys: "a=q", payload: Array("AAAA".utf8))) == "\u{1b}_Ga=q;AAAA\u{1b}\\")
        #expect(Self.text(.kittyGraphics(keys: "a=d", payload: [])) == "\u{1b}_Ga=d\u{1b}\\")
        #expect(
            Self.text(.iTermFile(arguments: "inline=1", payload: Array("QQ==".utf8)))
                == "\u{1b}]1337;File=inline=1:QQ==\u{07}")
        #expect(Self.text(.sixelBegin) + Self.text(.stringTerminator) == "\u{1b}P0;1;0q\u{1b}\\")
    }
}
