import Render
import Testing

struct SanitizerTests {
    @Test func percentDecodesForDisplay() {
        #expect(
            Sanitizer.displayName("USS_Akron_%28ZRS-4%29_in_flight_over_Manhattan%2C_circa_1931-1933.jpg")
                == "USS_Akron_(ZRS-4)_in_flight_over_Manhattan,_circa_1931-1933.jpg")
        #expect(Sanitizer.displayName("Caf%C3%A9.jpg") == "Café.jpg")
    }

    @Test func malformedPercentEscapesStayAsTheyAre() {
        #expect(Sanitizer.displayName("100%_sure%2") == "100%_sure%2")
        #expect(Sanitizer.displayName("%zz%") == "%zz%")
    }

    @Test func percentEncodedEscapeSequencesPrintHarmlessly() {
        #expect(Sanitizer.displayName("a%1B%5B2Jb.jpg") == "ab.jpg")
        #expect(Sanitizer.displayName("%1B%5D0;pwned%07x.jpg") == "x.jpg")
        #expect(Sanitizer.displayName("%1B]8;;http://evil%1B%5Clink%1B]8;;%1B%5C.jpg") == "link.jpg")
        #expect(!Sanitizer.displayName("%1b%9b%c2%9b%07%7f%00").unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func stripsEscapeSequencesAndControls() {
        #expect(Sanitizer.clean("red\u{1b}[31mtext\u{1b}[0m") == "redtext")
        #expect(Sanitizer.clean("bell\u{07}!") == "bell!")
        #expect(Sanitizer.clean("title\u{1b}]2;owned\u{07}after") == "titleafter")
        #expect(Sanitizer.clean("dcs\u{1b}Pq#0;2;0;0;0\u{1b}\\done") == "dcsdone")
        #expect(Sanitizer.clean("reset\u{1b}c!") == "reset!")
        #expect(Sanitizer.clean("charset\u{1b}(Bok") == "charsetok")
        #expect(Sanitizer.clean("del\u{7f}ete\u{0}") == "delete")
        #expect(Sanitizer.clean("unterminated\u{1b}]0;title") == "unterminated")
        #expect(Sanitizer.clean("trailing\u{1b}") == "trailing")
    }

    @Test func newlinesAndTabsBecomeSpacesSoALineStaysOneLine() {
        #expect(Sanitizer.clean("404\r\nNot Found\tnow") == "404  Not Found now")
    }

    @Test func stripsC1Controls() {
        // DCS, SOS, OSC, PM and APC (0x90, 0x98, 0x9d–0x9f) open strings and CSI (0x9b) opens a sequence;
        // they are tested below. Every other C1 control is dropped on its own.
        let introducers: Set<UInt32> = [0x90, 0x98, 0x9b, 0x9d, 0x9e, 0x9f]
        let c1 = (UInt32(0x80)...0x9f).filter { !introducers.contains($0) }.compactMap { Unicode.Scalar($0) }
        #expect(Sanitizer.clean("a" + String(String.UnicodeScalarView(c1)) + "b") == "ab")
        #expect(Sanitizer.clean("a\u{90}never terminated") == "a")
        #expect(Sanitizer.clean("x\u{9b}31my") == "xy")
        #expect(Sanitizer.clean("x\u{9d}0;title\u{9c}y") == "xy")
    }

    @Test func rawC1BytesAreInvalidUTF8AndBecomeReplacementCharacters() {
        #expect(Sanitizer.clean(utf8: [0x61, 0x9b, 0x32, 0x4a, 0x62]) == "a\u{FFFD}2Jb")
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(Sanitizer.clean(utf8: [0x66, 0xff, 0xfe, 0x6f]) == "f\u{FFFD}\u{FFFD}o")
        #expect(Sanitizer.displayName("bad%C3%28.jpg") == "bad\u{FFFD}(.jpg")
    }

    @Test func stripsBidiOverrides() {
        #expect(Sanitizer.clean("photo\u{202E}gpj.exe") == "photogpj.exe")
        #expect(Sanitizer.displayName("a%E2%80%AEb%E2%81%A6c%E2%80%8Fd") == "abcd")
    }

    @Test func keepsOrdinaryUnicode() {
        #expect(Sanitizer.clean("Meripilus giganteus – 巨大なキノコ 🍄") == "Meripilus giganteus – 巨大なキノコ 🍄")
    }
}
