import Render
import Testing

struct DisplayWidthTests {
    @Test func countsColumnsNotCharacters() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("巨大") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("🍄") == 2)
        #expect(DisplayWidth.of("") == 0)
    }

    @Test func shortTextIsLeftAlone() {
        #expect(DisplayWidth.ellipsize("short.jpg", toWidth: 9) == "short.jpg")
    }

    @Test func longTextEndsInAnEllipsisAndFitsExactly() {
        let name = "USS_Akron_(ZRS-4)_in_flight_over_Manhattan,_circa_1931-1933.jpg"
        let cut = DisplayWidth.ellipsize(name, toWidth: 20)
        #expect(cut == "USS_Akron_(ZRS-4)_i…")
        #expect(DisplayWidth.of(cut) == 20)
    }

    @Test func middleTruncationKeepsTheExtension() {
        let name = "USS_Akron_(ZRS-4)_in_flight_over_Manhattan,_circa_1931-1933.jpg"
        let cut = DisplayWidth.ellipsize(name, toWidth: 21, truncation: .middle)
        #expect(cut == "USS_Akron_…1-1933.jpg")
        #expect(DisplayWidth.of(cut) == 21)
    }

    @Test func wideCharactersAreNeverSplitAcrossTheLimit() {
        let cut = DisplayWidth.ellipsize("巨大なキノコ", toWidth: 6)
        #expect(cut == "巨大…")
        #expect(DisplayWidth.of(cut) <= 6)
    }

    @Test func paddingOverwritesOldText() {
        #expect(DisplayWidth.padded("ab", toWidth: 5) == "ab   ")
        #expect(DisplayWidth.padded("abcdef", toWidth: 4) == "abc…")
        #expect(DisplayWidth.ellipsize("abc", toWidth: 0) == "")
    }
}
