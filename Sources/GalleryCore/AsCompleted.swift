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
    await withTaskGroup(of: Outcome.self) { group in
        for element in elements {
            group.addTask(executorPreference: globalConcurrentExecutor) { await operation(element) }
        }
        for await outcome in group {
            if let next = await body(outcome) {
                group.addTask(executorPreference: globalConcurrentExecutor) { await operation(next) }
            }
        }
    }
}
