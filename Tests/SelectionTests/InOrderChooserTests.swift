import Selection
import Synchronization
import Testing

/// First-N over a list still being read: list order wins whatever order probes answer in, and reading stops
/// once the run has what it needs.
struct InOrderChooserTests {
    /// A chooser over `lines` read in small chunks; `bytesRead` tells how far the scan got.
    final class Reading: @unchecked Sendable {
        var scanner: ListScanner
        var sink: FirstEligible

        init(_ bytes: [UInt8], rules: SelectionRules) {
            scanner = ListFeed.scanner(bytes, chunk: 512)
            sink = FirstEligible(rules: rules)
        }

        func pull(_ want: Int) -> [FirstEligible.Pick]? {
            let step: ListScanner.Step
            do {
                step = try scanner.pull(into: &sink, want: want)
            } catch {
                Issue.record(error, "the scanner threw")
                step = .end
            }
            let picks = sink.drain()
            return picks.isEmpty && step != .paused && step != .more ? nil : picks
        }
    }

    /// Sizes by URL, answered after a delay that puts later lines' answers first.
    static func probe(sizes: [String: Int64]) -> InOrderChooser.Probe {
        { candidate in
            let index = candidate.url.split(separator: "/").last.flatMap { Int($0) } ?? 0
            try? await Task.sleep(for: .milliseconds(40 - index % 8 * 5))
            var sized = candidate
            sized.size = sizes[candidate.url]
            return sized
        }
    }

    @Test func unsizedLinesAreProbedWhenReachedAndTheFirstEligibleInListOrderWin() async {
        // Odd lines have no size and are big when probed; every fourth even line is too small.
        let lines = (1...20_000).map { $0 % 2 == 1 ? "http://h/\($0)" : "\($0 % 4 == 0 ? 10 : 900) http://h/\($0)" }
        let sizes = Dictionary(
            uniqueKeysWithValues: (1...20_000).map { ("http://h/\($0)", Int64($0 % 6 == 1 ? 5 : 800)) })
        let rules = SelectionRules(count: 6, minBytes: 100)
        let reading = Reading(Array(lines.joined(separator: "\n").utf8), rules: rules)
        var chooser = InOrderChooser(rules: rules, window: 4, pull: reading.pull, probe: Self.probe(sizes: sizes))
        var chosen: [Int] = []
        for _ in 0..<8 { if let next = await chooser.next() { chosen.append(next.line) } }
        let expected = (1...20_000).filter { $0 % 2 == 1 ? $0 % 6 != 1 : $0 % 4 != 0 }.prefix(8)
        #expect(chosen == Array(expected))
        #expect(chooser.probed < 20, "probes only near the lines it hands out")
        #expect(reading.scanner.bytesRead < lines.joined(separator: "\n").utf8.count)
        chooser.cancel()
    }

    @Test func aNeverEndingListGivesCountLinesAndStops() async {
        var produced = 0
        var pending: [UInt8] = []
        let endless = ListScanner(source: nil, baseURL: "http://h/") { into, _ in
            if pending.isEmpty {
                pending = Array("http://h/a.jpg?\(produced)\n".utf8)
                produced += 1
            }
            let count = min(into.count, pending.count)
            into.copyBytes(from: pending.prefix(count))
            pending.removeFirst(count)
            return count
        }
        let reading = Reading([], rules: SelectionRules(count: 10))
        reading.scanner = endless
        var chooser = InOrderChooser(rules: SelectionRules(count: 10), window: 4, pull: reading.pull) { $0 }
        var chosen: [String] = []
        for _ in 0..<10 { chosen.append(await chooser.next()!.url) }
        #expect(chosen == (0..<10).map { "http://h/a.jpg?\($0)" })
        let spare = await chooser.next()
        #expect(spare?.url == "http://h/a.jpg?10", "a replacement reads on")
        #expect(produced < 100_000)
    }

    /// Counts the probes running at once; each answers 500 bytes after a short wait.
    final class ProbeGauge: Sendable {
        private let counts = Mutex((running: 0, most: 0))
        var most: Int { counts.withLock { $0.most } }

        func reset() { counts.withLock { $0.most = $0.running } }

        func probe(_ candidate: Candidate) async -> Candidate? {
            counts.withLock { count in
                count.running += 1
                count.most = max(count.most, count.running)
            }
            try? await Task.sleep(for: .milliseconds(30))
            counts.withLock { $0.running -= 1 }
            return Candidate(line: candidate.line, url: candidate.url, size: 500)
        }
    }

    @Test func replacementsForSeveralWaitingSlotsAreReadAndProbedTogether() async {
        let rules = SelectionRules(count: 2, minBytes: 100)
        let reading = Reading(Array((1...1000).map { "http://h/\($0)" }.joined(separator: "\n").utf8), rules: rules)
        let gauge = ProbeGauge()
        var chooser = InOrderChooser(rules: rules, window: 8, pull: reading.pull, probe: gauge.probe)
        #expect(await chooser.next()?.line == 1)
        #expect(await chooser.next()?.line == 2)
        gauge.reset()
        #expect(await chooser.next(waiting: 3)?.line == 3)
        #expect(chooser.probed == 5 && gauge.most == 3, "the lines for three waiting slots were probed at once")
        #expect(await chooser.next(waiting: 2)?.line == 4)
        #expect(await chooser.next(waiting: 1)?.line == 5)
        #expect(chooser.probed == 5, "no line past the waiting slots' is read")
        #expect(await chooser.next()?.line == 6)
        #expect(chooser.probed == 6)
    }

    @Test func theListRunningOutEndsTheChoice() async {
        let rules = SelectionRules(count: 5, minBytes: 100)
        let reading = Reading(Array("500 http://h/1\n50 http://h/2\n500 http://h/1\n".utf8), rules: rules)
        var chooser = InOrderChooser(rules: rules, window: 2, pull: reading.pull) { $0 }
        #expect(await chooser.next()?.line == 1)
        #expect(await chooser.next() == nil, "the second line is too small and the third a duplicate")
        #expect(reading.sink.duplicates == 1 && reading.sink.ineligible == 1)
    }
}
