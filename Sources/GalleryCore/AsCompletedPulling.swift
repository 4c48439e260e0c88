/// `asCompleted` over a source that is still being read: `next()` is called once per free slot, up to `slots`
/// times, and each element starts as soon as it is returned. When `body` answers true (a failed image wants a
/// replacement), one more element is asked for. Once `next()` returns nil it is not called again.
///
/// `next()` runs as a child task of its own, at most one at a time, so outcomes are handed to `body` while the
/// source is still reading or probing: an image that finished is shown at once, not after the slots are filled.
/// Cancelling the calling task cancels the operations and the call to `next()` in progress.
public func asCompleted<Element: Sendable, Outcome: Sendable>(
    slots: Int,
    next: @escaping @Sendable () async -> Element?,
    operation: @escaping @Sendable (Element) async -> Outcome,
    body: (Outcome) async -> Bool
) async {
    await asCompleted(slots: slots, wanting: { _ in await next() }, operation: operation, body: body)
}

/// The same, with `next` told how many free slots wait for an element when it is called (the one it returns
/// among them): a source that must look at an element before handing it out (a size probe) can look at that
/// many at once, so a burst of failures is not replaced one look at a time.
public func asCompleted<Element: Sendable, Outcome: Sendable>(
    slots: Int,
    wanting next: @escaping @Sendable (_ waiting: Int) async -> Element?,
    operation: @escaping @Sendable (Element) async -> Outcome,
    body: (Outcome) async -> Bool
) async {
    await withTaskGroup(of: PullStep<Element, Outcome>.self) { group in
        var wanted = slots
        var (pulling, exhausted) = (false, false)
        func pullIfWanted() {
            guard wanted > 0, !pulling, !exhausted, !Task.isCancelled else { return }
            pulling = true
            group.addTask { [wanted] in .pulled(await next(wanted)) }
        }
        pullIfWanted()
        for await step in group {
            switch step {
            case .pulled(let element?):
                pulling = false
                wanted -= 1
                group.addTask(executorPreference: globalConcurrentExecutor) { .finished(await operation(element)) }
            case .pulled(nil):
                (pulling, exhausted) = (false, true)
            case .finished(let outcome):
                if await body(outcome) { wanted += 1 }
            }
            pullIfWanted()
        }
    }
}

/// What one child task of the pulling `asCompleted` brings back.
enum PullStep<Element: Sendable, Outcome: Sendable>: Sendable {
    case pulled(Element?)
    case finished(Outcome)
}
