#if canImport(Glibc)
    import Glibc
#endif

/// The spool's bookkeeping, done under its lock: bytes per image, the total, and which image goes first.
extension Spool.State {
    /// Takes `id` out of the accounting: its bytes leave the total and it leaves the eviction order. Returns its
    /// descriptor when it was sealed, for the caller to close outside the lock.
    mutating func release(_ id: Int) -> Int32? {
        order.removeAll { $0 == id }
        switch entries[id] {
        case .writing(let bytes):
            total -= bytes
            return nil
        case .sealed(let bytes, let fd):
            total -= bytes
            return fd
        default:
            return nil
        }
    }

    /// Counts `count` more bytes for `id`, which is being written. False when `id` may not grow: it was dropped
    /// already, or would be larger than the whole cap (it becomes `tooLarge`). Otherwise the oldest other bodies are
    /// dropped until the total fits; a sealed one's descriptor is closed here (a nameless file's last reference, so
    /// its space is freed), a growing one is marked and its writer stops at its next chunk.
    mutating func reserve(_ count: Int, for id: Int, capacity: Int64) -> Bool {
        guard case .writing(let bytes) = entries[id] else { return false }
        let grown = bytes + Int64(count)
        guard grown <= capacity else {
            _ = release(id)
            entries[id] = .tooLarge
            return false
        }
        entries[id] = .writing(bytes: grown)
        total += Int64(count)
        while total > capacity, let oldest = order.first(where: { $0 != id }) {
            if let fd = release(oldest) { close(fd) }
            entries[oldest] = .evicted
        }
        return true
    }
}
