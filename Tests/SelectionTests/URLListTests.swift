import Foundation
import Selection
import Testing

struct URLListTests {
    let base = "https://upload.wikimedia.org/wikipedia/commons/"

    private func parse(_ text: String) -> URLList {
        URLList(parsing: Array(text.utf8), baseURL: base)
    }

    @Test func readsEveryLineForm() {
        let list = parse(
            """
            # the talk's run
            http://h/a.jpg
            14739448 http://h/b.jpg
            http://h/c.jpg\t15_193_424

            e/e9/USS_Akron_%28ZRS-4%29.jpg
            """)
        #expect(list.malformed.isEmpty)
        #expect(
            list.candidates == [
                Candidate(line: 2, url: "http://h/a.jpg", size: nil),
                Candidate(line: 3, url: "http://h/b.jpg", size: 14_739_448),
                Candidate(line: 4, url: "http://h/c.jpg", size: 15_193_424),
                Candidate(line: 6, url: base + "e/e9/USS_Akron_%28ZRS-4%29.jpg", size: nil),
            ])
    }

    @Test func acceptsCRLFAndAByteOrderMark() {
        let list = URLList(parsing: [0xEF, 0xBB, 0xBF] + Array("5 http://h/a.jpg\r\nhttp://h/b.jpg\r\n".utf8))
        #expect(list.candidates.map(\.url) == ["http://h/a.jpg", "http://h/b.jpg"])
        #expect(list.candidates.first?.size == 5)
    }

    @Test func skipsMalformedLinesNamingTheirNumber() {
        let list = parse(
            """
            http://h/ok.jpg
            -5 http://h/neg.jpg
            file:///etc/passwd
            ftp://h/x.jpg
            12 http://h/a.jpg extra
            http:/broken
            """)
        #expect(list.candidates.map(\.url) == ["http://h/ok.jpg"])
        #expect(list.malformed.map(\.line) == [2, 3, 4, 5, 6])
        #expect(list.malformed[1].description == "line 3: scheme 'file:' is not allowed (only http and https)")
    }

    /// A control character or DEL anywhere in the URL refuses it, in plain-ASCII lines (word-at-a-time checks)
    /// and in lines that are decoded; a tab between the fields is only a separator.
    @Test(arguments: [
        "http://h/a\u{01}b.jpg", "5 http://h/ab\u{7F}.jpg", "rel\u{1B}ative/x.jpg", "http://h/é\u{0B}x.jpg",
    ])
    func refusesControlCharactersInTheURL(line: String) {
        let list = parse(line + "\nhttp://h/ok.jpg\t12\n")
        #expect(list.malformed.map(\.reason) == ["not a URL (control characters)"])
        #expect(list.candidates == [Candidate(line: 2, url: "http://h/ok.jpg", size: 12)])
    }

    @Test func survivesBytesThatAreNotUTF8() {
        let list = URLList(parsing: [0xFF, 0xFE, 0x0A] + Array("http://h/a.jpg\n".utf8))
        #expect(list.candidates.map(\.url) == ["http://h/a.jpg"])
        #expect(list.malformed.map(\.line) == [1])
    }

    @Test func fetchesDuplicatesOnce() {
        let list = parse("http://h/a.jpg\n1 http://h/a.jpg\n")
        #expect(list.candidates.count == 1)
        #expect(list.duplicates == 1)
    }

    @Test func refusesOverlongLines() {
        let list = parse("http://h/" + String(repeating: "a", count: 9000) + ".jpg\n")
        #expect(list.candidates.isEmpty)
        #expect(list.malformed.first?.reason == "longer than 8192 bytes")
    }

    @Test func nameIsTheLastSegmentAsWritten() {
        let url = "https://upload.wikimedia.org/wikipedia/commons/e/e9/USS_Akron_%28ZRS-4%29_in_flight.jpg?x=1"
        #expect(Candidate.name(of: url) == "USS_Akron_%28ZRS-4%29_in_flight.jpg")
    }

    @Test func readsTheTalksWholeIndex() throws {
        let text = try String(contentsOfFile: Self.seedIndexPath, encoding: .utf8)
        let list = parse(text)
        #expect(list.candidates.count == 4_573)
        #expect(list.malformed.isEmpty)
        #expect(list.candidates.allSatisfy { $0.size != nil && $0.url.hasPrefix(base) })
    }

    static let seedIndexPath: String = {
        var url = #filePath
        for _ in 0..<3 { url = String(url[..<(url.lastIndex(of: "/") ?? url.endIndex)]) }
        return url + "/Fixtures/jpeg-by-size.txt"
    }()
}

struct SeveralListsTests {
    @Test func lineNumbersAreEachFilesOwnAndNameTheFile() {
        var list = URLList(baseURL: "http://h/")
        list.add(Array("http://h/a.jpg\nftp://h/b.jpg".utf8), source: "one.txt")
        list.add(Array("http://h/c.jpg\nnot a url at all\n".utf8), source: nil)
        #expect(list.candidates.map(\.url) == ["http://h/a.jpg", "http://h/c.jpg"])
        #expect(
            list.malformed.map(\.description) == [
                "one.txt: line 2: scheme 'ftp:' is not allowed (only http and https)",
                "line 2: expected `URL`, `BYTES URL` or `URL BYTES`, got 5 fields",
            ])
    }

    @Test func aFileWithoutAFinalNewlineDoesNotGlueOntoTheNext() {
        var list = URLList(baseURL: "http://h/")
        list.add(Array("http://h/a.jpg".utf8), source: "one.txt")
        list.add(Array("http://h/b.jpg\n".utf8), source: "two.txt")
        #expect(list.candidates.map(\.url) == ["http://h/a.jpg", "http://h/b.jpg"])
        #expect(list.malformed.isEmpty)
    }

    @Test func aURLInTwoFilesIsFetchedOnce() {
        var list = URLList(baseURL: "http://h/")
        list.add(Array("http://h/a.jpg\n".utf8), source: "one.txt")
        list.add(Array("5 http://h/a.jpg\n".utf8), source: "two.txt")
        #expect(list.candidates.count == 1)
        #expect(list.duplicates == 1)
    }
}
