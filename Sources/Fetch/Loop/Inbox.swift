import Synchronization

/// What tasks ask of the loop. Values only: ids and requests cross threads, handles never do.
enum Command: Sendable {
    case start(TransferID, Request, ResumeToken?, BodyPipe)
    case cancel(TransferID)
    /// The consumer drained a paused transfer's pipe: un-pause it.
    case resume(TransferID)
    /// The consumer took the end of a transfer curl had finished while it was behind: its slot is free.
    case consumed(TransferID)
    case shutdown
}

/// The thread-safe queue from tasks to the loop thread, plus the wakeup that makes the loop look at it.
///
/// Wakeups go through `curl_multi_wakeup`, which curl documents as callable from any thread. They happen under the
/// inbox lock and only while the inbox is open; the loop closes it (under the same lock) before it cleans up the
/// multi handle, so no wakeup can ever reach a freed handle.
final class Inbox: Sendable {
    private struct State {
        var commands: [Command] = []
        var isOpen = true
        /// The loop is in (or about to enter) `curl_multi_poll` with nothing queued: the next command must wake it.
        var loopParked = false
    }

    private let state = Mutex(State())
    private let waker: MultiHandle.Waker

    init(waker: MultiHandle.Waker) {
        self.waker = waker
    }

    /// Queues a command and wakes the loop. Returns false when the loop has shut down.
    @discardableResult
    func send(_ command: Command) -> Bool {
        state.withLock { s in
            guard s.isOpen else { return false }
            // Only a parked loop needs waking, once: a loop at work drains the inbox before it polls again. A burst
            // of 1,000 starts costs one wakeup, not 1,000, and consumers finishing while the loop is busy cost none.
            if s.loopParked {
                s.loopParked = false
                waker.wake()
            }
            s.commands.append(command)
            return true
        }
    }

    /// Loop thread: everything queued so far.
    func drain() -> [Command] {
        state.withLock { s in
            s.loopParked = false
            defer { s.commands = [] }
            return s.commands
        }
    }

    /// Loop thread, before it polls: true when nothing is queued, and from now on `send` wakes the loop. False
    /// means commands wait: poll without sleeping and drain them.
    func park() -> Bool {
        state.withLock { s in
            s.loopParked = s.commands.isEmpty
            return s.loopParked
        }
    }

    /// Loop thread: refuse further commands and return those still queued.
    func close() -> [Command] {
        state.withLock { s in
            s.isOpen = false
            defer { s.commands = [] }
            return s.commands
        }
    }
}
