import Foundation
import GalleryTestSupport
import Testing

extension SharedLinkTests {
    /// `--concurrency 1` under `--max-rate`: one image after another, each at the whole budget. The first arrives
    /// after its own bytes ÷ the rate (a third of the run here), not late because the pacer started it short, and
    /// the run takes about all the bytes ÷ the rate: the cap holds, and nothing is lost between one transfer and
    /// the next.
    @Test func sequentialRunSpendsTheWholeBudgetOnEachImage() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let count = 3
        let bytes = 1_000_000
        let rate = 1_000_000
        let jpeg = try SolidJPEG.make(red: 160, green: 90, blue: 30, width: 64, height: 48, size: bytes)
        for index in 0..<count { try folder.write("\(index).jpg", bytes: jpeg) }
        let nginx = try Nginx(root: folder.url)
        defer { nginx.stop() }
        let list = (0..<count).map { "\(bytes) \(nginx.baseURL)/\($0).jpg" }.joined(separator: "\n")
        let outcome = try run(
            gallery: ["--count", "\(count)", "--concurrency", "1", "--max-rate", "\(rate)"], stdin: list,
            timeout: .seconds(120))
        let times = outcome.lines.filter { $0.text.hasPrefix("(") }.map(\.at)
        #expect(outcome.status == 0, "stderr: \(outcome.errorText)")
        guard times.count == count, let first = times.first, let last = times.last else {
            Issue.record("\(times.count) of \(count) images: \(outcome.texts)")
            return
        }
        let bound = Double(count * bytes) / Double(rate)
        #expect(last > 0.8 * bound, "the cap did not hold: completions \(times)")
        #expect(last < 3 * bound, "completions \(times)")
        #expect(first < 0.5 * last, "the first image came late: completions \(times)")
        // Strictly one at a time, each taking its turn's share: no two images complete together.
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier > 0.15 * bound, "completions \(times)")
        }
    }
}
