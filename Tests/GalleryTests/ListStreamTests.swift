import Foundation
import GalleryCore
import GalleryTestSupport
import Selection
import Testing

/// Several list files read as one stream: garbage and missing files are one line each and set the exit status;
/// the good list's lines still come through.
struct ListStreamTests {
    static func stream(_ folder: TempFolder, _ names: [String], hosts: [String] = []) -> ListStream {
        ListStream(
            paths: names.map { folder.url.appendingPathComponent($0).path }, baseURL: "http://base.example/",
            strict: false, watchedHosts: hosts)
    }

    @Test func aBinaryFileBesideAGoodListIsSkippedWithOneLine() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("photo.jpg", size: 200_000)
        try folder.write("list.txt", bytes: Array("http://h/1.jpg\n5 http://h/2.jpg\n".utf8))
        let stream = Self.stream(folder, ["photo.jpg", "list.txt"])
        let (sink, news) = await stream.readAll(into: Reservoir(rules: SelectionRules(count: 5, order: .shuffle)))
        var reservoir = sink
        let selection = await reservoir.finish(probe: { _, _ in ([], 0) })
        #expect(Set(selection.chosen.map(\.url)) == ["http://h/1.jpg", "http://h/2.jpg"])
        #expect(news.lines.count == 1)
        #expect(
            news.lines.first?.hasSuffix("photo.jpg: not a URL list (a NUL byte in its first 64 KiB); skipped") == true)
        #expect(news.malformed.isEmpty && news.finished)
        #expect(await stream.inputs().statusFloor == .partial)
    }

    @Test func onlyGarbageOrAMissingFileIsStatus2() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("noise", size: 100_000)
        try folder.write("list.txt", bytes: Array("http://h/1.jpg\n".utf8))
        let garbage = Self.stream(folder, ["noise"])
        _ = await garbage.readAll(into: FirstEligible(rules: SelectionRules(count: 1)))
        #expect(await garbage.inputs().statusFloor == .failure)
        let missing = Self.stream(folder, ["list.txt", "missing.txt"])
        let (_, news) = await missing.readAll(into: FirstEligible(rules: SelectionRules(count: 1)))
        #expect(news.lines.contains { $0.hasSuffix("missing.txt: No such file or directory") })
        #expect(await missing.inputs().statusFloor == .failure)
        let directory = Self.stream(folder, ["."])
        #expect(
            await directory.inputs()
                == {
                    var t = InputTally()
                    t.unreadable = 1
                    return t
                }())
    }

    @Test func firstNReadsOnlyAsFarAsItNeedsAndNamesProfiledHostsAtTheirFirstLine() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let lines = (1...200_000).map { "http://h/\($0).jpg" } + ["relative/path.jpg"]
        try folder.write("big.txt", bytes: Array(lines.joined(separator: "\n").utf8))
        let stream = Self.stream(folder, ["big.txt"], hosts: ["h", "base.example"])
        let (sink, news) = await stream.pull(into: FirstEligible(rules: SelectionRules(count: 3)), want: 3)
        var first = sink
        #expect(first.drain().map(\.candidate.line) == [1, 2, 3])
        #expect(news.hosts == ["h"], "base.example is only reached at the last line")
        #expect(!news.finished)
        #expect(await stream.inputs().statusFloor == nil, "a list read only in part is a usable input")
        let (_, rest) = await stream.readAll(into: FirstEligible(rules: SelectionRules(count: 1)))
        #expect(rest.hosts == ["base.example"] && rest.finished)
    }

    @Test func manyMalformedLinesGiveTwentyWarningsAndASummary() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let lines = (1...30_000).map { $0 % 4 == 0 ? "ftp://h/\($0)" : "http://h/\($0)" }
        try folder.write("list.txt", bytes: Array(lines.joined(separator: "\n").utf8))
        let stream = Self.stream(folder, ["list.txt"])
        let (_, news) = await stream.readAll(into: NearestSizes(rules: SelectionRules(count: 2, order: .near)))
        #expect(news.malformed.count == 20)
        #expect(news.lines.count == 1)
        #expect(news.lines.first?.hasSuffix("list.txt: 7_480 more malformed lines skipped") == true)
        #expect(await stream.inputs().statusFloor == nil)
    }
}
