import Fetch
import Synchronization
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// fetch-bench [--concurrency N] < URLS
///     Downloads every URL read from stdin (one per line; blank lines are skipped, and on a line holding more than
///     one word the last word is the URL, so `SIZE URL` listings work too) with one `Fetcher`
///     (`configuration.maxInFlight` = N, default 50), from 2×N worker tasks that each fetch the next URL when their
///     last one ends, discarding each body as it arrives (its bytes are only counted). Then prints one line:
///     `transfers=N bytes=B seconds=S`, S from the first request to the last body (stdin and set-up excluded).
///     The fetch engine alone, with no decoding: make bench sets it beside `curl --parallel` in the scale case.
///     Exits 1 if any transfer failed (the first few errors go to stderr), 2 on bad usage.
let usage = "usage: fetch-bench [--concurrency N] < URLS"

func printError(_ message: String) {
    let line = "fetch-bench: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

func parseConcurrency(_ arguments: [String]) -> Int? {
    var concurrency = 50
    var rest = arguments[...]
    while let argument = rest.popFirst() {
        switch argument {
        case "--concurrency":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value >= 1 else { return nil }
            concurrency = value
        default:
            return nil
        }
    }
    return concurrency
}

/// Splits on bytes, not Characters: the list is part of the measured run (as curl's `-K` file is of curl's), and
/// walking its lines by Character would weigh on a run that only fetches.
func readURLs() -> [String] {
    var input: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) } }
        guard count > 0 else { break }
        input += chunk[..<count]
    }
    func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
    return input.split(separator: UInt8(ascii: "\n")).compactMap { line in
        line.split(whereSeparator: isSpace).last.map { String(decoding: $0, as: UTF8.self) }
    }
}

func run() async -> Int32 {
    guard let concurrency = parseConcurrency(Array(CommandLine.arguments.dropFirst())) else {
        printError(usage)
        return 2
    }
    let urls = readURLs()
    var configuration = FetchConfiguration()
    configuration.maxInFlight = concurrency
    let fetcher: Fetcher
    do {
        fetcher = try Fetcher(configuration: configuration)
    } catch {
        printError("\(error)")
        return 1
    }
    let clock = ContinuousClock()
    let start = clock.now
    // Twice as many workers as transfers in flight, each fetching the next URL when its last one ends, like curl's
    // --parallel adding a transfer as another ends: the engine always has a slot's worth waiting, while a thousand
    // tasks started at once would each hold a frame and a parent woken per transfer, costs curl does not pay.
    let tally = Tally()
    let queue = URLQueue(urls)
    await withDiscardingTaskGroup { group in
        for _ in 0..<min(urls.count, 2 * concurrency) {
            group.addTask {
                while let url = queue.next() {
                    var received: Int64 = 0
                    do {
                        for try await event in fetcher.body(for: Request(url: url)) {
                            switch event {
                            case .restart: received = 0
                            case .bytes(let chunk): received += Int64(chunk.count)
                            case .done: break
                            }
                        }
                        tally.add(bytes: received)
                    } catch {
                        tally.add(error: error)
                    }
                }
            }
        }
    }
    let (transfers, bytes, errors) = tally.totals
    let seconds = (clock.now - start).seconds
    await fetcher.shutdown()
    print("transfers=\(transfers) bytes=\(bytes) seconds=\((seconds * 1e4).rounded() / 1e4)")
    guard errors.isEmpty else {
        for error in errors.prefix(5) { printError(error) }
        if errors.count > 5 { printError("… and \(errors.count - 5) more failures") }
        return 1
    }
    return 0
}

exit(await run())

/// What the transfers add up to, from whichever task each ends on.
final class Tally: Sendable {
    private let state = Mutex<(transfers: Int, bytes: Int64, errors: [String])>((0, 0, []))

    func add(bytes: Int64) {
        state.withLock {
            $0.transfers += 1
            $0.bytes += bytes
        }
    }
    func add(error: any Error) { state.withLock { $0.errors.append("\(error)") } }
    var totals: (transfers: Int, bytes: Int64, errors: [String]) { state.withLock { $0 } }
}

/// The URLs still to fetch, taken by the workers in order.
final class URLQueue: Sendable {
    private let urls: [String]
    private let taken = Atomic<Int>(0)

    init(_ urls: [String]) { self.urls = urls }

    func next() -> String? {
        let index = taken.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < urls.count ? urls[index] : nil
    }
}
