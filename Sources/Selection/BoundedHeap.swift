/// The `capacity` smallest elements offered, in a binary max-heap: the largest kept sits on top, so deciding
/// whether a new element belongs costs one comparison, and keeping it O(log capacity).
struct BoundedHeap<Element: Comparable & Sendable>: Sendable {
    let capacity: Int
    private var elements: [Element] = []

    init(capacity: Int) {
        precondition(capacity >= 1, "a heap that keeps nothing")
        self.capacity = capacity
        elements.reserveCapacity(min(capacity, 1 << 16))
    }

    var isFull: Bool { elements.count == capacity }

    /// The largest element kept: the first to go when a smaller one arrives.
    var worst: Element? { elements.first }

    /// Keeps `element` if it is among the `capacity` smallest so far.
    mutating func insert(_ element: Element) {
        if !isFull {
            elements.append(element)
            siftUp(elements.count - 1)
        } else if element < elements[0] {
            elements[0] = element
            siftDown(0)
        }
    }

    /// The elements kept, smallest first.
    func sorted() -> [Element] { elements.sorted() }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[parent] < elements[child] else { return }
            elements.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let (left, right) = (2 * parent + 1, 2 * parent + 2)
            var largest = parent
            if left < elements.count, elements[largest] < elements[left] { largest = left }
            if right < elements.count, elements[largest] < elements[right] { largest = right }
            guard largest != parent else { return }
            elements.swapAt(parent, largest)
            parent = largest
        }
    }
}
