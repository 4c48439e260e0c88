/// A transfer before it has a handle.
struct Pending {
    let id: TransferID
    let request: Request
    /// `request.hostKey` and `request.hostName`, worked out once: the schedule reads them on every allotment.
    let hostKey: String
    let hostName: String
    /// Where the attempt resumes the body; nil for a fresh start.
    let plan: ResumeToken?
    let pipe: BodyPipe

    init(id: TransferID, request: Request, plan: ResumeToken?, pipe: BodyPipe) {
        self.id = id
        self.request = request
        hostKey = request.hostKey
        hostName = Request.hostName(ofKey: hostKey)
        self.plan = plan
        self.pipe = pipe
    }
}

/// The transfers waiting for a slot, in arrival order.
///
/// Taking from the front moves a head index instead of rebuilding or shifting the whole queue, which with a long
/// queue would make starting each transfer cost the queue's length. Slots before the head are dropped in one go once
/// they are half the array.
struct WaitQueue {
    private var items: [Pending] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    /// Oldest first.
    var pending: ArraySlice<Pending> { items[head...] }

    mutating func append(_ pending: Pending) { items.append(pending) }

    mutating func remove(_ id: TransferID) -> Pending? {
        guard let index = items[head...].firstIndex(where: { $0.id == id }) else { return nil }
        return items.remove(at: index)
    }

    /// Offers waiting transfers, oldest first, to `take` while `canStart()`; those it takes (returns true: started,
    /// or failed and finished) leave the queue, the others keep their place and order.
    mutating func startEach(while canStart: () -> Bool, _ take: (Pending) -> Bool) {
        var index = head
        var kept: [Pending] = []
        while index < items.count, canStart() {
            let pending = items[index]
            index += 1
            if !take(pending) { kept.append(pending) }
        }
        // The kept ones go back just before the first transfer not offered, in their order.
        head = index - kept.count
        for (offset, pending) in kept.enumerated() { items[head + offset] = pending }
        if head > 0 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
