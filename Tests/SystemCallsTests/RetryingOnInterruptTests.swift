import Foundation
import Synchronization
import SystemCalls
import Testing

/// `retryingOnInterrupt` against real system calls: a blocking read interrupted by a real signal, and a real failure.
@Suite(.serialized)
struct RetryingOnInterruptTests {
    /// What the reading thread and the test share.
    final class Shared: Sendable {
        let reader = Mutex<pthread_t?>(nil)
        let calls = Atomic<Int>(0)
        let result = Mutex<(count: Int, byte: UInt8)?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    /// SIGUSR2 with a handler that does nothing and no SA_RESTART, so a blocked read returns EINTR.
    static func installInterruptingHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR2, &action, nil)
    }

    @Test func aReadInterruptedBySignalsIsCalledAgainUntilTheByteArrives() throws {
        Self.installInterruptingHandler()
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { for fd in fds { close(fd) } }
        let shared = Shared()
        let input = fds[0]
        Thread.detachNewThread {
            // The runner's threads may start with signals blocked; this one must take SIGUSR2.
            var unblocked = sigset_t()
            sigemptyset(&unblocked)
            sigaddset(&unblocked, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
            shared.reader.withLock { $0 = pthread_self() }
            var byte: UInt8 = 0
            let count = retryingOnInterrupt {
                shared.calls.add(1, ordering: .sequentiallyConsistent)
                return read(input, &byte, 1)
            }
            shared.result.withLock { $0 = (count, byte) }
            shared.done.signal()
        }
        // Signal the reader until a call has come back with EINTR and been made again; the deadline is a hang
        // guard only.
        let deadline = ContinuousClock.now + .seconds(20)
        while shared.calls.load(ordering: .sequentiallyConsistent) < 3 && ContinuousClock.now < deadline {
            if let thread = shared.reader.withLock({ $0 }) { pthread_kill(thread, SIGUSR2) }
            usleep(10_000)
        }
        var byte: UInt8 = 42
        #expect(write(fds[1], &byte, 1) == 1)
        #expect(shared.done.wait(timeout: .now() + 20) == .success)
        let outcome = try #require(shared.result.withLock { $0 })
        #expect(outcome.count == 1)
        #expect(outcome.byte == 42)
        #expect(shared.calls.load(ordering: .sequentiallyConsistent) >= 3)
    }

    @Test func anotherFailureIsReturnedAtOnceWithItsErrno() {
        var calls = 0
        var byte: UInt8 = 0
        let count = retryingOnInterrupt {
            calls += 1
            return read(-1, &byte, 1)
        }
        let failure = errno
        #expect(count == -1)
        #expect(failure == EBADF)
        #expect(calls == 1)
    }
}
