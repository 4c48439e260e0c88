import Foundation
import GalleryCore
import Selection
import Testing

/// A producer that never stops writing URLs (`crawler | gallery --count 10`): first-N takes what it needs from
/// the pipe and stops reading.
struct EndlessListTests {
    /// Writes distinct URL lines into a pipe until told to stop; the pipe's reading end is `/dev/fd/N`.
    final class Producer: @unchecked Sendable {
        let readEnd: Int32
        private let writeEnd: Int32
        private let lock = NSLock()
        private var stopped = false
        private(set) var lines = 0
        private let done = DispatchSemaphore(value: 0)

        init() {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            (readEnd, writeEnd) = (fds[0], fds[1])
            _ = fcntl(writeEnd, F_SETFL, O_NONBLOCK)
            Thread.detachNewThread { self.produce() }
        }

        private func produce() {
            var pending: [UInt8] = []
            while !(lock.withLock { stopped }) {
                if pending.isEmpty {
                    pending = Array((0..<100).map { "http://127.0.0.1:9/a.jpg?\(lines + $0)\n" }.joined().utf8)
                    lines += 100
                }
                let written = pending.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                if written > 0 { pending.removeFirst(written) } else { usleep(1000) }
            }
            close(writeEnd)
            done.signal()
        }

        func stop() {
            lock.withLock { stopped = true }
            done.wait()
            close(readEnd)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func firstNTakesCountLinesFromANeverEndingPipeAndStops() async throws {
        let producer = Producer()
        defer { producer.stop() }
        let stream = ListStream(
            paths: ["/dev/fd/\(producer.readEnd)"], baseURL: "http://h/", strict: false, watchedHosts: [])
        var choice = ListChoice(
            stream: stream, rules: SelectionRules(count: 10), window: 4, probe: { $0 },
            probeSample: { _, _ in ([], 0) }, onNews: { _ in })
        var urls: [String] = []
        for _ in 0..<10 { urls.append(try #require(await choice.next()).url) }
        #expect(urls == (0..<10).map { "http://127.0.0.1:9/a.jpg?\($0)" })
        let spare = try #require(await choice.next())
        #expect(spare.url == "http://127.0.0.1:9/a.jpg?10", "a replacement reads on from the same pipe")
        #expect(await stream.inputs().statusFloor == nil)
    }
}
