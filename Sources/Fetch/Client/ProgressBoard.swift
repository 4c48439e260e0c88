import Synchronization

/// The latest progress snapshot of every transfer in flight: written by the loop, read by the renderer.
///
/// Transfers waiting to retry are not in the loop at all; their `Fetcher` task posts them here as `.retrying`.
final class ProgressBoard: Sendable {
    private struct Entries {
        var live: [TransferID: TransferProgress] = [:]
        var retrying: [TransferID: TransferProgress] = [:]
    }

    private let entries = Mutex(Entries())

    /// Loop thread: every transfer it holds, replacing the previous snapshot.
    func publish(_ items: [TransferProgress]) {
        let fresh = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        entries.withLock { $0.live = fresh }
    }

    func remove(_ id: TransferID) {
        _ = entries.withLock { $0.live.removeValue(forKey: id) }
    }

    /// Fetcher task: `item` waits for its next attempt (nil: it no longer does).
    func setRetrying(_ id: TransferID, _ item: TransferProgress?) {
        entries.withLock { $0.retrying[id] = item }
    }

    func read() -> [TransferProgress] {
        let merged = entries.withLock { e in e.retrying.merging(e.live) { _, live in live } }
        return Array(merged.values).sorted { $0.id.value < $1.id.value }
    }
}
