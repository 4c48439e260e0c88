import Synchronization

/// The one answer to a question two parties race to settle: the first `give` wins, later ones are ignored.
final class FirstAnswer<Value: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Value?, Never>?)
        case answered(Value?)
    }

    private let state = Mutex(State.waiting(nil))

    func give(_ value: Value?) {
        let waiter = state.withLock { state -> CheckedContinuation<Value?, Never>?? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .answered(value)
            return .some(waiter)
        }
        if case .some(let waiter?) = waiter { waiter.resume(returning: value) }
    }

    func value() async -> Value? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value?? in
                if case .answered(let value) = state { return .some(value) }
                state = .waiting(continuation)
                return nil
            }
            if case .some(let value) = ready { continuation.resume(returning: value) }
        }
    }
}
