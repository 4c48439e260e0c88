import Figures
import Testing

/// The strings users read: error messages (tenths), report lines and the browse facts (hundredths), the progress
/// area's ETA and elapsed time (clock).
struct SecondsTests {
    @Test func tenthsDropATrailingZero() {
        #expect(formatSeconds(20) == "20 s")
        #expect(formatSeconds(0.5) == "0.5 s")
        #expect(formatSeconds(0.3) == "0.3 s")
        #expect(formatSeconds(12.34) == "12.3 s")
        #expect(formatSeconds(0.04) == "0 s")
        #expect(formatSeconds(.milliseconds(10_000)) == "10 s")
    }

    @Test func hundredthsShowBothDigits() {
        #expect(formatSeconds(0.52, .hundredths) == "0.52 s")
        #expect(formatSeconds(3.1, .hundredths) == "3.10 s")
        #expect(formatSeconds(0.0042, .hundredths) == "0.00 s")
        #expect(formatSeconds(.milliseconds(850), .hundredths) == "0.85 s")
        #expect(formatSeconds(.milliseconds(60_004), .hundredths) == "60.00 s")
        #expect(formatSeconds(.milliseconds(2_406), .hundredths) == "2.41 s")
    }

    @Test func clockKeepsItsWidthAsItTicks() {
        #expect(formatSeconds(0.44, .clock) == "0.4 s")
        #expect(formatSeconds(2, .clock) == "2.0 s")
        #expect(formatSeconds(12.4, .clock) == "12 s")
        #expect(formatSeconds(187, .clock) == "3:07")
        #expect(formatSeconds(3723, .clock) == "1:02:03")
        #expect(formatSeconds(.seconds(4.2), .clock) == "4.2 s")
    }

    @Test(arguments: [SecondsStyle.tenths, .hundredths, .clock])
    func whatIsNoDurationShowsADash(_ style: SecondsStyle) {
        #expect(formatSeconds(.infinity, style) == "–")
        #expect(formatSeconds(.nan, style) == "–")
        #expect(formatSeconds(-1, style) == "–")
    }

    @Test func decimalsKeepEveryPlace() {
        #expect(decimals(2.5, places: 2) == "2.50")
        #expect(decimals(14.739448, places: 1) == "14.7")
        #expect(decimals(0.05, places: 0) == "0")
        #expect(decimals(-1.25, places: 1) == "-1.3")
        #expect(decimals(-0.01, places: 1) == "0.0")
        #expect(tenths(25) == "25")
        #expect(tenths(2.46) == "2.5")
    }
}
