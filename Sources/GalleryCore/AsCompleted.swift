/// Swift's `asyncio.as_completed`: starts `operation` on every element at once and hands each outcome to `body`
/// in the order the operations finish, not the order they started.
///
/// `body` may return another element to start (a replacement for a failed image); the loop ends when every
/// started operation has finished. Cancelling the calling task cancels every operation still running.
public func asCompleted<Element: Sendable, Outcome: Sendable>(
    _ elements: [Element],
    operation: @escaping @Sendable (Element) async -> Outcome,
    body: (Outcome) async -> Element?
) async {
    await withTaskGroup(of: Outcome.self) { group in
        for element in elements {
            group.addTask { await operation(element) }
        }
        for await outcome in group {
            if let next = await body(outcome) {
                group.addTask { await operation(next) }
            }
        }
    }
}
