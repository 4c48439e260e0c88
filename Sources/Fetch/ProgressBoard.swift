import Synchronization

/// The latest progress snapshot of every transfer in flight: written by the loop, read by the renderer.
final class ProgressBoard: Sendable {
    private let snapshot = Mutex<[TransferID: TransferProgress]>([:])

    func publish(_ items: [TransferProgress]) {
        let fresh = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })
        snapshot.withLock { $0 = fresh }
    }

    func remove(_ id: TransferID) {
        _ = snapshot.withLock { $0.removeValue(forKey: id) }
    }

    func read() -> [TransferProgress] {
        snapshot.withLock { Array($0.values) }.sorted { $0.id.value < $1.id.value }
    }
}
