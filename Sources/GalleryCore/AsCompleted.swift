/// Swift's `asyncio.as_completed`: starts `operation` on every element at once and hands each outcome to `body`
/// in the order the operations finish, not the order they started.
///
/// `body` may return another element to start (a replacement for a failed image); the loop ends when every
/// started operation has finished. Cancelling the calling task cancels every operation still running.
///
/// The operations run on the global concurrent executor (the cooperative pool) even when the caller prefers
/// another one, so a caller on an executor of its own (`Pipeline`) keeps it for `body`, which then never waits
/// behind busy operations for a thread.
public func asCompleted<Element: Sendable, Outcome: Sendable>(
    _ elements: [Element],
    operation: @escaping @Sendable (Element) async -> Outcome,
    body: (Outcome) async -> Element?
) async {
    var rest = elements[...]
    await asCompleted(slots: elements.count, next: { rest.popFirst() }, operation: operation) { outcome in
        guard let replacement = await body(outcome) else { return false }
        rest.append(replacement)
        return true
    }
}

/// `asCompleted` over a source that is still being read: `next()` is called once per free slot, up to `slots`
/// times, and each element starts as soon as it is returned, so the first operation runs while the source is
/// still producing the others. When `body` answers true (a failed image wants a replacement), `next()` is called
/// once more. Once `next()` returns nil it is not called again.
///
/// `next()` runs on the calling task, between outcomes: it is the only one touching its source.
public func asCompleted<Element: Sendable, Outcome: Sendable>(
    slots: Int,
    next: () async -> Element?,
    operation: @escaping @Sendable (Element) async -> Outcome,
    body: (Outcome) async -> Bool
) async {
    await withTaskGroup(of: Outcome.self) { group in
        var exhausted = false
        func start() async {
            guard !exhausted, !Task.isCancelled, let element = await next() else {
                exhausted = true
                return
            }
            group.addTask(executorPreference: globalConcurrentExecutor) { await operation(element) }
        }
        for _ in 0..<slots where !exhausted { await start() }
        for await outcome in group {
            if await body(outcome) { await start() }
        }
    }
}
