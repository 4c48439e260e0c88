import CCurl

/// How the loop applies the schedule: each turn it tells `LinkScheduler` how many body bytes arrived, and when the
/// transfers, their sizes or the receivers changed (or every 100 ms, for fresh rates) it hands out allotments and
/// applies them: a pace for `RatePacer`, an HTTP/2 stream weight, and whether a waiting transfer may start.
///
/// Sizes and probes (HEAD, the one-byte GET) always receive: they carry no body worth scheduling.
extension FetchLoop {
    /// Reports this turn's totals to the probe, and the regime it found, if it found one now.
    ///
    /// The bytes still unread in the sockets' receive buffers go with them: a held transfer's flow keeps arriving
    /// until its buffer is full, and the probe must tell those bytes from the ones its receivers took.
    func observeGoodput() {
        let now = ContinuousClock.now
        var delivered = finishedBytes
        var receiving = 0
        var consumerHeld = 0
        for transfer in active.values {
            delivered += transfer.received
            if transfer.allotment.isReceiving {
                if transfer.isPaused { consumerHeld += 1 } else { receiving += 1 }
            }
        }
        // A trial holds transfers back for a few tenths of a second: only transfers that take longer than that can
        // gain from it, so small ones (a mean under 1 MiB left) leave the probe nothing to decide.
        let left = active.values.compactMap(\.bytesLeft)
        let large = !left.isEmpty && left.reduce(0, +) / Int64(left.count) >= 1 << 20
        let contenders = large ? min(configuration.maxInFlight, active.count + waiting.count) : 1
        // A system call per socket: only while the probe is still deciding.
        let unread = contenders > 1 && scheduler.isProbing ? multi.sockets.unreadBytes() : nil
        let seen = scheduler.observe(
            GoodputSample(
                at: now, delivered: delivered, unread: unread, receiving: receiving, contenders: contenders,
                consumerHeld: consumerHeld))
        if let regime = seen.announce {
            regimes.yield(RegimeChange(regime: regime, seconds: (now - started).seconds))
        }
        if seen.reallot { ratesChanged = true }
    }

    /// Hands out allotments when something changed or 100 ms passed, and applies them to the transfers in curl.
    func allotIfDue() {
        let now = ContinuousClock.now
        guard ratesChanged || now - lastAllot >= .milliseconds(100) else { return }
        ratesChanged = false
        lastAllot = now
        var contenders: [Contender<TransferID>] = []
        var rates: [TransferID: Double] = [:]
        for transfer in active.values where transfer.request.method == .get {
            contenders.append(
                Contender(
                    id: transfer.id, bytesLeft: transfer.bytesLeft, isStarted: true, host: transfer.hostName))
            rates[transfer.id] = transfer.rate.bytesPerSecond
        }
        for pending in waiting.pending where pending.request.method == .get {
            let left = pending.request.expectedBytes.map { max(0, $0 - (pending.plan?.offset ?? 0)) }
            contenders.append(
                Contender(id: pending.id, bytesLeft: left, isStarted: false, host: pending.hostName))
        }
        // Ties go in arrival order, which ids follow.
        contenders.sort { $0.id.value < $1.id.value }
        allotted = scheduler.allot(contenders, rates: rates, now: now)
        var released: [Transfer] = []
        for transfer in active.values where transfer.request.method == .get {
            if apply(allotted[transfer.id] ?? .receive(bytesPerSecond: nil), to: transfer) { released.append(transfer) }
        }
        // Un-pausing may end a transfer (curl re-delivers its held bytes from inside the call).
        for transfer in released where active[transfer.id] != nil { unpause(transfer) }
    }

    /// Sets the transfer's pace and stream weight from its allotment. Returns true when its pace was holding it and
    /// it now has none: the caller un-pauses it, unless backpressure holds it anyway.
    func apply(_ allotment: Allotment, to transfer: Transfer) -> Bool {
        let previous = transfer.allotment
        transfer.allotment = allotment
        if previous.streamWeight != allotment.streamWeight && transfer.request.isHTTPS {
            _ = transfer.handle.set(CURLOPT_STREAM_WEIGHT, allotment.streamWeight)
        }
        guard let rate = allotment.pace else {
            let wasHolding = transfer.pace?.isHolding == true
            transfer.pace = nil
            return wasHolding && !transfer.isPaused
        }
        if transfer.pace == nil {
            transfer.pace = RatePacer(bytesPerSecond: rate)
        } else {
            transfer.pace?.change(to: rate)
        }
        return false
    }
}
