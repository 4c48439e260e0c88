import Synchronization

/// A process-wide turnstile: at most one holder at a time, waiters served in arrival order.
///
/// A progressive JPEG can only be output after its last scan, so libjpeg keeps every DCT coefficient of the
/// image (about 72 MB for 6000×4000 4:2:0). `JPEGDecoder.feed` takes `LargeDecodeGate.shared` before it lets
/// libjpeg allocate such a buffer, and gives it back when the image is done, has failed, or the decoder is
/// dropped. Baseline images never touch it.
public final class LargeDecodeGate: Sendable {
    public static let shared = LargeDecodeGate()

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held = false
        var nextID: UInt64 = 0
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Waits until the gate is free and takes it. Throws `CancellationError` if the task is cancelled while
    /// waiting (the gate is then not held).
    public func acquire() async throws(CancellationError) {
        let id: UInt64? = state.withLock { state in
            if !state.held {
                state.held = true
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    // Cancellation may have come before we got here: the handler then found nothing to remove.
                    let cancelled = state.withLock { state in
                        if Task.isCancelled { return true }
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                        return false
                    }
                    if cancelled { continuation.resume(throwing: CancellationError()) }
                }
            } onCancel: {
                let waiter = state.withLock { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        } catch {
            throw CancellationError()
        }
    }

    /// Takes the gate if it is free, without waiting.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            if state.held { return false }
            state.held = true
            return true
        }
    }

    /// Gives the gate back, handing it straight to the longest waiter if there is one.
    public func release() {
        let next = state.withLock { state -> Waiter? in
            precondition(state.held, "LargeDecodeGate released while not held")
            if state.waiters.isEmpty {
                state.held = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}
