import Foundation
import GalleryCore
import GalleryTestSupport
import Selection
import Testing

/// The pipeline's view of the lists: one `next()` per slot, whichever chooser runs.
struct ListChoiceTests {
    /// Collects the news for the checks.
    final class NewsLog: @unchecked Sendable {
        var news: [ListNews] = []
        var lines: [String] { news.flatMap(\.lines) }
    }

    static func choice(
        _ folder: TempFolder, _ names: [String], rules: SelectionRules, strict: Bool = false, log: NewsLog,
        sizes: [String: Int64] = [:]
    ) -> ListChoice {
        let stream = ListStream(
            paths: names.map { folder.url.appendingPathComponent($0).path }, baseURL: "http://h/", strict: strict,
            watchedHosts: [])
        return ListChoice(
            stream: stream, rules: rules, window: 3,
            probe: { candidate in
                var sized = candidate
                sized.size = sizes[candidate.url]
                return sized
            },
            probeSample: { sample, need in
                let found = sample.compactMap { c in sizes[c.url].map { Candidate(line: c.line, url: c.url, size: $0) }
                }
                return (Array(found.prefix(need)), sample.count)
            },
            onNews: { log.news.append($0) })
    }

    @Test func firstNHandsOutEligibleLinesInListOrderAcrossFilesThenReplacements() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("one.txt", bytes: Array("5 http://h/small\nhttp://h/unsized\n500 http://h/big\n".utf8))
        try folder.write("two.txt", bytes: Array("600 http://h/second\nftp://h/bad\n700 http://h/third\n".utf8))
        let log = NewsLog()
        var choice = Self.choice(
            folder, ["one.txt", "two.txt"], rules: SelectionRules(count: 2, minBytes: 100), log: log,
            sizes: ["http://h/unsized": 300])
        #expect(await choice.next()?.url == "http://h/unsized")
        #expect(await choice.next()?.url == "http://h/big")
        #expect(await choice.next()?.url == "http://h/second", "a replacement reads on into the next file")
        #expect(await choice.next()?.url == "http://h/third")
        #expect(await choice.next() == nil)
        #expect(choice.probed == 1 && !choice.refused)
        #expect(
            log.news.flatMap(\.malformed).map(\.description) == [
                "\(folder.url.appendingPathComponent("two.txt").path): line 2: scheme 'ftp:' is not allowed (only http and https)"
            ])
    }

    @Test func shuffleReadsEverythingThenHandsOutChosenAndSpares() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("list.txt", bytes: Array((1...50).map { "http://h/\($0)" }.joined(separator: "\n").utf8))
        try folder.write("noise.bin", size: 10_000)
        let log = NewsLog()
        var choice = Self.choice(
            folder, ["noise.bin", "list.txt"], rules: SelectionRules(count: 3, order: .shuffle, seed: 4), log: log)
        var urls: [String] = []
        while let next = await choice.next() { urls.append(next.url) }
        #expect(urls.count == 12, "3 chosen and 9 spares")
        #expect(Set(urls).count == 12)
        #expect(
            log.lines.count == 1
                && log.lines[0].hasSuffix("noise.bin: not a URL list (a NUL byte in its first 64 KiB); skipped"))
    }

    @Test func strictStopsAtTheFirstMalformedLine() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("list.txt", bytes: Array("http://h/1\nnot a url line\nhttp://h/2\n".utf8))
        let log = NewsLog()
        var choice = Self.choice(folder, ["list.txt"], rules: SelectionRules(count: 5), strict: true, log: log)
        var urls: [String] = []
        while let next = await choice.next() { urls.append(next.url) }
        #expect(choice.refused)
        #expect(log.news.compactMap(\.refused).map(\.line) == [2])
        #expect(urls.isEmpty, "nothing starts once --strict has refused a line")
    }
}
