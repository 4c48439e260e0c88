import Figures
import Testing

struct GroupingTests {
    @Test(arguments: [
        (Int64(14_739_448), "14_739_448"), (149_841_550, "149_841_550"), (0, "0"), (999, "999"), (1_000, "1_000"),
        (-1_234, "-1_234"), (Int64.min, "-9_223_372_036_854_775_808"),
    ])
    func groupsDigitsLikePython(_ value: Int64, _ text: String) {
        #expect(grouped(value) == text)
    }

    @Test func takesAnySeparatorAndIntegerType() {
        #expect(grouped(400_000_000, separator: ",") == "400,000,000")
        #expect(grouped(UInt8(255)) == "255")
    }
}
