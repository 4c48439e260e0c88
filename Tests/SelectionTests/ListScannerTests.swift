import Selection
import Testing

/// The streaming reader: any chunking gives the same lines, numbers and messages as the whole list at once.
struct ListScannerTests {
    static let mixed =
        "\u{FEFF}# comment\r\nhttp://h/a.jpg\r\n12 http://h/b.jpg\n\nrel/c.jpg 1_000\nftp://h/x.jpg\n"
        + "http://h/" + String(repeating: "z", count: 9000) + "\nhttp://h/é.jpg 5\nhttp://h/last.jpg"

    @Test(arguments: [1, 2, 3, 7, 64, 1000, 1 << 20])
    func anyChunkingGivesTheSameLinesAsTheWholeList(chunk: Int) {
        let whole = URLList(parsing: Array(Self.mixed.utf8), baseURL: "http://h/")
        for stalls in [false, true] {
            let streamed = ListFeed.run(Self.mixed, chunk: chunk, stalls: stalls)
            #expect(streamed.last == .end)
            #expect(streamed.candidates == whole.candidates)
            #expect(streamed.warnings.map(\.line) == [6, 7])
            #expect(streamed.warnings.map(\.reason) == whole.malformed.map(\.reason))
        }
        #expect(whole.candidates.map(\.line) == [2, 3, 5, 8, 9])
        #expect(whole.candidates[2] == Candidate(line: 5, url: "http://h/rel/c.jpg", size: 1000))
        #expect(whole.malformed.map(\.reason)[1] == "longer than 8192 bytes")
    }

    @Test func aLongLineIsDroppedAsItArrivesAndTheNextLineStillCounts() {
        let long = String(repeating: "x", count: 200_000)
        let outcome = ListFeed.run("http://h/\(long)\nhttp://h/ok.jpg\n" + long, chunk: 4096)
        #expect(outcome.candidates.map(\.url) == ["http://h/ok.jpg"])
        #expect(outcome.candidates.map(\.line) == [2])
        #expect(outcome.warnings.map(\.line) == [1, 3])
        #expect(outcome.warnings.allSatisfy { $0.reason == "longer than 8192 bytes" })
    }

    @Test func aLineOfExactlyTheLimitIsKept() {
        let url = "http://h/" + String(repeating: "a", count: URLList.maxLineBytes - 9)
        let outcome = ListFeed.run(url + "\r\nhttp://h/b\n", chunk: 3000)
        #expect(outcome.warnings.map(\.reason) == ["longer than 8192 bytes"], "the CR counts, as it always did")
        #expect(ListFeed.run(url + "\n", chunk: 3000).candidates.map(\.url) == [url])
    }

    @Test func twentyWarningsThenOneSummary() {
        let lines = (1...3000).map { $0 % 3 == 0 ? "gopher://h/\($0)" : "http://h/\($0).jpg" }
        let outcome = ListFeed.run(lines.joined(separator: "\n"), chunk: 5000)
        #expect(outcome.candidates.count == 2000)
        #expect(outcome.warnings.count == MalformedLog.warnedLines)
        #expect(outcome.warnings.first?.description.hasPrefix("list.txt: line 3: scheme 'gopher:'") == true)
        #expect(outcome.summary == "list.txt: 980 more malformed lines skipped")
    }

    @Test func aPausedScanGoesOnFromTheNextLine() {
        let text = (1...50).map { "http://h/\($0)" }.joined(separator: "\n")
        let outcome = ListFeed.run(Array(text.utf8), chunk: 100, pauseEvery: 7)
        #expect(outcome.candidates.map(\.line) == Array(1...50))
        #expect(outcome.steps > 7)
    }

    @Test func strictStopsAtTheFirstMalformedLine() {
        let outcome = ListFeed.run(Array("http://h/1\nhttp://h/2\nfile:///x\nhttp://h/3\n".utf8), strict: true)
        #expect(outcome.last == .refused)
        #expect(outcome.candidates.map(\.line) == [1, 2])
        #expect(outcome.warnings.map(\.line) == [3])
    }

    @Test func anEmptyInputEndsAtOnce() {
        let outcome = ListFeed.run("")
        #expect(outcome.last == .end)
        #expect(outcome.candidates.isEmpty && outcome.warnings.isEmpty)
    }
}

/// An input that is not a URL list is refused from its first 64 KiB, with one reason and no warnings.
struct NotAListTests {
    @Test func aNULByteInTheFirst64KiBRefusesTheInput() {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\nhttp://h/a.jpg\n".utf8)
        let outcome = ListFeed.run(jpeg)
        #expect(outcome.last == .notAList("not a URL list (a NUL byte in its first 64 KiB)"))
        #expect(outcome.candidates.isEmpty && outcome.warnings.isEmpty)
    }

    @Test func randomBytesAreRefusedWithoutAWarning() {
        var random = SplitMix64(seed: 3)
        let bytes = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let outcome = ListFeed.run(bytes, chunk: 4096)
        #expect(outcome.last == .notAList("not a URL list (a NUL byte in its first 64 KiB)"))
        #expect(outcome.warnings.isEmpty)
    }

    @Test func moreThanHalfMalformedRefusesTheInput() {
        let prose = (1...2000).map { "this is line \($0) of some prose" }.joined(separator: "\n")
        let outcome = ListFeed.run(Array(("http://h/a.jpg\n" + prose).utf8), chunk: 1000)
        guard case .notAList(let reason) = outcome.last else {
            Issue.record("not refused: \(outcome.last)")
            return
        }
        #expect(reason.hasPrefix("not a URL list ("), "\(reason)")
        #expect(outcome.candidates.isEmpty && outcome.warnings.isEmpty)
    }

    @Test func halfMalformedIsStillAList() {
        let lines = (1...4000).map { $0.isMultiple(of: 2) ? "http://h/\($0)" : "nope nope nope" }
        let outcome = ListFeed.run(lines.joined(separator: "\n"), chunk: 999)
        #expect(outcome.last == .end)
        #expect(outcome.candidates.count == 2000)
    }

    @Test func aNULAfterTheFirst64KiBIsOnlyABadLine() {
        let good = String(repeating: "http://h/a.jpg\n", count: 5000)
        let outcome = ListFeed.run(Array(good.utf8) + [0x00, 0x0A] + Array("http://h/b.jpg\n".utf8), chunk: 8192)
        #expect(outcome.last == .end)
        #expect(outcome.candidates.count == 5001)
        #expect(outcome.warnings.count == 1)
    }
}
