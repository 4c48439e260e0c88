import Render
import Testing

struct ProgressTextTests {
    @Test func byteSizesUseDecimalUnits() {
        #expect(ProgressText.bytes(0) == "0 B")
        #expect(ProgressText.bytes(999) == "999 B")
        #expect(ProgressText.bytes(1_500) == "1.5 kB")
        #expect(ProgressText.bytes(14_739_448) == "14.7 MB")
        #expect(ProgressText.bytes(149_841_550_000) == "149.8 GB")
    }

    @Test func barUsesEighthBlocks() {
        #expect(ProgressText.bar(fraction: 0, width: 4) == "░░░░")
        #expect(ProgressText.bar(fraction: 0.5, width: 4) == "██░░")
        #expect(ProgressText.bar(fraction: 0.59375, width: 4) == "██▍░")
        #expect(ProgressText.bar(fraction: 1, width: 4) == "████")
    }

    @Test func aDownloadLineHasNameBarBytesRateAndETA() {
        let line = ProgressLine(
            name: "Meripilus_giganteus_%28Karst_1882%29.jpg", received: 7_800_000, total: 15_600_000,
            bytesPerSecond: 3_900_000)
        let text = ProgressText.line(line, width: 110)
        #expect(DisplayWidth.of(text) == 110)
        #expect(text.hasPrefix("Meripilus_giganteus_(Karst_1882).jpg "))
        #expect(text.hasSuffix("  50%     7.8 MB/15.6 MB    3.9 MB/s  ETA 2.0 s "))
    }

    @Test func unknownTotalsShowBytesAndStateWithoutABar() {
        let line = ProgressLine(name: "a.jpg", received: 2_000, total: nil, bytesPerSecond: 0, state: "connecting")
        #expect(ProgressText.line(line, width: 46) == "a.jpg           2.0 kB       0 B/s  connecting")
    }

    /// Lines of one progress area differ in sizes, rates and states; their bars and numbers still line up.
    @Test func barsAndNumbersStartInTheSameColumnOnEveryLine() {
        let lines = [
            ProgressLine(
                name: "a.jpg", received: 4_200_000, total: 15_100_000, bytesPerSecond: 3_600_000,
                state: "receiving"),
            ProgressLine(
                name: "Meadow_mushrooms.jpg", received: 950_000, total: 15_400_000, bytesPerSecond: 950_000,
                state: "paused"),
            ProgressLine(name: "b.jpg", received: 12_000_000, total: 15_000_000, bytesPerSecond: 4_000_000),
            ProgressLine(name: "c.jpg", received: 512, total: 900_000, bytesPerSecond: 0, state: "connecting"),
        ]
        let texts = lines.map { ProgressText.line($0, width: 110) }
        func column(of marker: String, in text: String) -> Int? {
            text.firstRange(of: marker).map { DisplayWidth.of(String(text[..<$0.lowerBound])) }
        }
        let bars = texts.map { text in
            text.firstIndex { "█▏▎▍▌▋▊▉░".contains($0) }.map { text[..<$0] }.map { DisplayWidth.of(String($0)) }
        }
        #expect(Set(bars).count == 1, "bars start at \(bars)")
        let percents = texts.map { column(of: "%", in: $0) }
        #expect(Set(percents).count == 1, "percent signs at \(percents)")
        let rates = texts.map { column(of: "B/s", in: $0) }
        #expect(Set(rates).count == 1, "rates end at \(rates)")
        #expect(texts.allSatisfy { DisplayWidth.of($0) == 110 })
    }

    @Test func narrowLinesNeverExceedTheirWidth() {
        let line = ProgressLine(name: "x.jpg", received: 1, total: 2, bytesPerSecond: 1)
        for width in [0, 5, 20, 39] {
            #expect(DisplayWidth.of(ProgressText.line(line, width: width)) <= width)
        }
    }

    @Test func summaryLine() {
        let summary = ProgressSummary(
            done: 3, failed: 1, active: 6, total: 10, bytes: 45_200_000, bytesPerSecond: 38_100_000,
            elapsed: .milliseconds(4200))
        #expect(
            ProgressText.summary(summary, width: 100)
                == "3 of 10 shown · 1 failed · 6 active · 45.2 MB · 38.1 MB/s · 4.2 s")
    }
}
