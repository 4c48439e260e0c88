import Render
import Testing

struct CaptionTests {
    static let caption = Caption(
        title: "( 1)  14_739_448 bytes",
        name: "USS_Akron_%28ZRS-4%29_in_flight_over_Manhattan%2C_circa_1931-1933.jpg")

    @Test func wideSlotsShowTheTitleAsTheReportPrintsIt() {
        let lines = Self.caption.lines(width: 31)
        #expect(lines.title == "( 1)  14_739_448 bytes         ")
        #expect(lines.name == "USS_Akron_(ZRS-…a_1931-1933.jpg")
    }

    @Test func narrowSlotsDropTheUnitAndSpacingBeforeCuttingDigits() {
        #expect(Self.caption.lines(width: 16).title == "( 1)  14_739_448")
        #expect(Self.caption.lines(width: 15).title == "( 1) 14_739_448")
        #expect(Self.caption.lines(width: 12).title == "( 1) 14_739…")
    }

    @Test func everyLineIsExactlyTheSlotWidth() {
        for width in [1, 6, 15, 22, 31, 80] {
            let lines = Self.caption.lines(width: width)
            #expect(DisplayWidth.of(lines.title) == width)
            #expect(DisplayWidth.of(lines.name) == width)
        }
    }

    @Test func namesAreSanitizedBeforeTheyReachTheSlot() {
        let lines = Caption(title: "( 2)\u{1B}[2J", name: "%1B%5D0;title%07x.jpg").lines(width: 10)
        #expect(lines.title == "( 2)      ")
        #expect(lines.name == "x.jpg     ")
    }
}
