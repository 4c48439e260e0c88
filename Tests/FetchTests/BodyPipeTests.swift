import Testing

@testable import Fetch

extension FetchEngine {
    /// When a waiting consumer hears of the bytes the loop thread hands over.
    @Suite struct BodyPipeTests {
        /// Small writes wait for the loop's one wake per turn (a small file's bytes and end then arrive together);
        /// once `eagerWakeBytes` wait, the write itself wakes the consumer, so a decoder starts on a burst while the
        /// loop is still reading the other sockets of the same turn.
        @Test func aWaitingConsumerIsWokenByTheWriteThatFillsItsShare() async throws {
            let pipe = BodyPipe(
                capacity: 8192, eagerWakeBytes: 1024, pool: BodyBufferPool(bufferSize: 8192, maxKept: 4))
            let first = Task { await pipe.next() }
            try await waitUntil { pipe.consumerWaits }

            #expect(offer(pipe, bytes: 1000) == .accepted)
            #expect(pipe.consumerWaits, "fewer than eagerWakeBytes: left for the turn's wake()")
            pipe.wake()
            #expect(try await byteCount(of: first.value, in: pipe) == 1000)

            let second = Task { await pipe.next() }
            try await waitUntil { pipe.consumerWaits }
            #expect(offer(pipe, bytes: 600) == .accepted)
            #expect(pipe.consumerWaits)
            #expect(offer(pipe, bytes: 600) == .accepted)
            let wokenByTheWrite = !pipe.consumerWaits
            #expect(wokenByTheWrite, "1,200 bytes wait: the write wakes the consumer, not the turn's wake()")
            if !wokenByTheWrite { pipe.wake() }
            #expect(try await byteCount(of: second.value, in: pipe) == 1200)
        }

        private func offer(_ pipe: BodyPipe, bytes count: Int) -> BodyPipe.Offer {
            [UInt8](repeating: 1, count: count).withUnsafeBytes { pipe.offer($0) }
        }

        private func byteCount(of event: BodyPipe.Event, in pipe: BodyPipe) throws -> Int {
            guard case .bytes(let buffer, _) = event else { throw PipeTestError.notBytes }
            defer { pipe.recycle(buffer) }
            return buffer.count
        }

        /// Polls `condition` until it holds; a generous deadline only catches a hang.
        private func waitUntil(_ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !condition() {
                guard ContinuousClock.now < deadline else { throw PipeTestError.timedOut }
                try await Task.sleep(for: .milliseconds(1))
            }
        }

        private enum PipeTestError: Error { case notBytes, timedOut }
    }
}
