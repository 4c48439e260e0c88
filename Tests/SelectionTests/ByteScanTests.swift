import Testing

@testable import Selection

/// The word-at-a-time searches give what a byte-at-a-time loop gives, on every alignment and every byte that
/// matters to them (a borrow in the word tests could mark a byte past the first hit, never one before it).
struct ByteScanTests {
    /// Bytes drawn mostly from those the searches look for, and their neighbours.
    static let alphabet: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0B, 0x20, 0x21, 0x41, 0x7E, 0x7F, 0x80, 0x8A, 0xA0, 0xFF]

    static func randomBytes(_ random: inout SplitMix64) -> [UInt8] {
        (0..<random.below(40)).map { _ in
            random.below(3) == 0 ? UInt8(random.below(256)) : alphabet[random.below(alphabet.count)]
        }
    }

    @Test(arguments: 0..<20)
    func wordSearchesAgreeWithByteLoops(trial: Int) {
        var random = SplitMix64(seed: UInt64(trial) &+ 99)
        for _ in 0..<500 {
            let bytes = Self.randomBytes(&random)
            let from = random.below(bytes.count + 1)
            let to = from + random.below(bytes.count - from + 1)
            bytes.withUnsafeBufferPointer { buffer in
                let range = bytes[from..<to]
                #expect(ByteScan.firstNewline(in: buffer, from: from, to: to) == range.firstIndex(of: 0x0A))
                #expect(
                    ByteScan.firstSeparator(in: buffer, from: from, to: to)
                        == range.firstIndex { $0 == 0x20 || $0 == 0x09 })
                let contents = ByteScan.contents(of: buffer, from: from, to: to)
                #expect(contents.nonASCII == range.contains { $0 >= 0x80 })
                #expect(contents.control == range.contains { $0 < 0x20 || $0 == 0x7F })
                #expect(
                    ByteScan.hasControlOrSpace(in: buffer, from: from, to: to)
                        == range.contains { $0 <= 0x20 || $0 == 0x7F })
            }
        }
    }

    @Test(arguments: 0..<10)
    func prefixTestAgreesWithTheStandardLibrary(trial: Int) {
        var random = SplitMix64(seed: UInt64(trial) &+ 7)
        for _ in 0..<500 {
            let bytes = Self.randomBytes(&random)
            var prefix = Array(bytes.prefix(random.below(bytes.count + 2)))
            if !prefix.isEmpty && random.below(2) == 0 { prefix[random.below(prefix.count)] ^= 1 }
            let got = bytes.withUnsafeBufferPointer { b in prefix.withUnsafeBufferPointer { ByteScan.hasPrefix(b, $0) }
            }
            #expect(got == bytes.starts(with: prefix))
        }
    }
}

/// The politeness notice waits for a profiled host's first line, however alike the hosts before it look.
struct HostWatchTests {
    /// Pauses the scan after every line, so each step's news belongs to one line.
    struct OneAtATime: ListSink {
        var lines: [Int] = []
        mutating func take(_ entry: ListEntry) -> Bool {
            lines.append(entry.line)
            return false
        }
    }

    @Test func aWatchedHostIsSeenAtItsFirstLineAfterLinesOfHostsAlikeToIt() throws {
        let lines = [
            "http://upload.example.org/a", "http://upload.example.org/b", "http://upload.example.org.x/c",
            "http://upload.example.org", "http://port.ex/d", "http://port.ex?e",
            "http://user@UPLOAD.example/f", "http://port.example:80#g", "http://upload.example/h", "rel/i.jpg",
        ]
        var watch = HostWatch(OneAtATime(), hosts: ["upload.example", "port.example", "base.example", "never.example"])
        var scanner = ListFeed.scanner(Array(lines.joined(separator: "\n").utf8), base: "http://base.example/")
        var hostsAt: [Int: [String]] = [:]
        while try scanner.scan(into: &watch) != .end {
            if !watch.seen.isEmpty { hostsAt[watch.inner.lines.last ?? 0, default: []] += watch.seen }
            watch.seen.removeAll()
        }
        #expect(watch.inner.lines == Array(1...10))
        #expect(hostsAt == [7: ["upload.example"], 8: ["port.example"], 10: ["base.example"]])
    }
}
