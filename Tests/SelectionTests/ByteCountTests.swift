import Selection
import Testing

struct ByteCountTests {
    @Test func parsesPlainAndGroupedSizes() {
        #expect(ByteCount.parse("15000000") == 15_000_000)
        #expect(ByteCount.parse("15_000_000") == 15_000_000)
        #expect(ByteCount.parse("0") == 0)
    }

    @Test(arguments: ["", "-5", "+5", "1e6", "12a", "_1", "1_", "1__0", "99999999999999999999", "１２"])
    func refusesWhatIsNotASize(_ text: String) {
        #expect(ByteCount.parse(text) == nil)
    }
}
