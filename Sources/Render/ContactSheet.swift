public import Imaging

/// What the contact sheet holds, without any bytes: which slot shows what, and what failed.
///
/// Kept apart from `GalleryScreen` so a full redraw (after SIGWINCH or SIGCONT) can be rebuilt from the model
/// alone. Which slot an image takes is the caller's: its number in the run's tally, counted in completion order.
public struct ContactSheet: Sendable, Equatable {
    public enum Slot: Sendable, Equatable {
        /// Waiting for the image that finishes next.
        case placeholder
        case image(Pixels, Caption)
        /// The run ended before anything arrived for this slot; drawn as a dash.
        case empty
    }

    /// A download or decode that failed; it takes no slot.
    public struct Failure: Sendable, Hashable {
        public var name: String
        public var reason: String

        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    public private(set) var slots: [Slot]
    public private(set) var failures: [Failure] = []

    public init(count: Int) {
        slots = Array(repeating: .placeholder, count: max(0, count))
    }

    /// Puts an image in `slot`. Returns false (and changes nothing) for a slot outside the sheet, so a
    /// caller's off-by-one shows up as a missing thumbnail, never as bytes drawn outside the grid.
    @discardableResult
    public mutating func fill(slot: Int, pixels: Pixels, caption: Caption) -> Bool {
        guard slots.indices.contains(slot) else { return false }
        slots[slot] = .image(pixels, caption)
        return true
    }

    public mutating func fail(name: String, reason: String) {
        failures.append(Failure(name: name, reason: reason))
    }

    /// Marks every slot still waiting as empty and returns their indices.
    public mutating func closeOpenSlots() -> [Int] {
        let open = slots.indices.filter { slots[$0] == .placeholder }
        for index in open {
            slots[index] = .empty
        }
        return open
    }
}
