import Selection
import Testing

/// Feeds bytes to a `ListScanner` in chunks of a chosen size, the way a pipe delivers them, and collects what the
/// scan hands out.
struct ListFeed {
    /// Every usable line, as a sink.
    struct Collector: ListSink {
        var candidates: [Candidate] = []
        var pauseEvery = Int.max
        mutating func take(_ entry: ListEntry) -> Bool {
            candidates.append(entry.candidate())
            return candidates.count % pauseEvery != 0
        }
    }

    struct Outcome {
        var candidates: [Candidate]
        var warnings: [MalformedLine]
        var summary: String?
        var last: ListScanner.Step
        var steps: Int
    }

    /// A scanner over `bytes`, `chunk` bytes per read; with `stalls`, every other read without waiting finds
    /// nothing ready, like a slow producer.
    static func scanner(
        _ bytes: [UInt8], chunk: Int = 1 << 20, stalls: Bool = false, source: String? = "list.txt",
        base: String = "http://h/", strict: Bool = false
    ) -> ListScanner {
        var rest = bytes[...]
        var stall = false
        return ListScanner(source: source, baseURL: base, strict: strict) { into, wait in
            stall.toggle()
            if stalls && !wait && stall && !rest.isEmpty { return nil }
            let count = min(into.count, rest.count, chunk)
            into.copyBytes(from: rest.prefix(count))
            rest = rest.dropFirst(count)
            return count
        }
    }

    static func run(
        _ bytes: [UInt8], chunk: Int = 1 << 20, stalls: Bool = false, strict: Bool = false, pauseEvery: Int = .max
    ) -> Outcome {
        var scanner = scanner(bytes, chunk: chunk, stalls: stalls, strict: strict)
        var sink = Collector(pauseEvery: pauseEvery)
        var steps = 0
        var warnings: [MalformedLine] = []
        while true {
            steps += 1
            let step: ListScanner.Step
            do {
                step = try scanner.scan(into: &sink)
            } catch {
                Issue.record(error, "the scanner threw")
                step = .end
            }
            warnings += scanner.log.pending
            scanner.log.pending.removeAll()
            if step != .more && step != .paused {
                return Outcome(
                    candidates: sink.candidates, warnings: warnings, summary: scanner.log.summary, last: step,
                    steps: steps)
            }
        }
    }

    static func run(_ text: String, chunk: Int = 1 << 20, stalls: Bool = false) -> Outcome {
        run(Array(text.utf8), chunk: chunk, stalls: stalls)
    }
}
