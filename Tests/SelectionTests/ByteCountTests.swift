import Selection
import Testing

struct ByteCountTests {
    @Test(arguments: [
        (Int64(14_739_448), "14_739_448"), (149_841_550, "149_841_550"), (0, "0"), (999, "999"), (1_000, "1_000"),
        (-1_234, "-1_234"),
    ])
    func groupsDigitsLikePython(_ value: Int64, _ text: String) {
        #expect(ByteCount.grouped(value) == text)
    }

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
