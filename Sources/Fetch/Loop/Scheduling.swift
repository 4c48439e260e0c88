import CCurl

/// The loop's scheduling decisions: which waiting transfer gets a slot, when a paced or paused transfer runs again,
/// and how long the loop may sleep. Who receives and at what rate is `Allotting`'s.
extension FetchLoop {
    /// Transfers in curl and those whose consumers are still behind count alike against `maxInFlight`.
    var hasFreeSlot: Bool { active.count + draining.count < configuration.maxInFlight }

    /// Moves waiting transfers into curl while the global and per-host limits allow, in arrival order, skipping
    /// those the schedule holds until their turn. Runs on every loop turn, so it returns at once when no slot is
    /// free.
    func startWaiting() {
        guard !waiting.isEmpty, hasFreeSlot else { return }
        waiting.startEach(while: { hasFreeSlot }) { pending in
            if allotted[pending.id] == .waitTurn { return false }
            let host = pending.hostKey
            let hostCount = inFlightPerHost[host, default: 0]
            let hostMax =
                configuration.hostLimits.isEmpty
                ? configuration.maxPerHost
                : configuration.hostLimits[pending.hostName]?.maxInFlight ?? configuration.maxPerHost
            guard hostCount < max(1, hostMax) else { return false }
            guard let transfer = makeTransfer(pending) else { return true }
            // PIPEWAIT makes new transfers wait for an existing connection, hoping to multiplex over HTTP/2.
            // Plain http:// never speaks HTTP/2 here, and known HTTP/1.1 hosts never will: for those it only
            // serialises the start, so set it only for https hosts not yet known to be HTTP/1.x.
            let mayMultiplex = transfer.request.isHTTPS && !http1Hosts.contains(host)
            transfer.handle.set(CURLOPT_PIPEWAIT, mayMultiplex ? 1 : 0)
            if let refused = multi.add(transfer.handle) {
                // The handle never entered the multi handle: it may serve the next transfer.
                retire(transfer.handle)
                transfer.pipe.finish(FetchError(url: transfer.request.url, reason: .setup(refused.description)))
                return true
            }
            transfer.stall = StallMeter(since: .now)
            _ = apply(allotted[transfer.id] ?? .receive(bytesPerSecond: nil), to: transfer)
            active[transfer.id] = transfer
            inFlightPerHost[host] = hostCount + 1
            ratesChanged = true
            return true
        }
    }

    /// Un-pauses paced transfers whose credit is back (unless backpressure still holds them).
    func resumePaced() {
        let now = ContinuousClock.now
        let ready = active.values.filter { $0.pace?.mayResume(now: now) == true && !$0.isPaused }
        for transfer in ready { unpause(transfer) }
    }

    /// Lets a paused transfer go on. curl re-delivers the held bytes from inside this call, so the write callback
    /// may refuse them here (the size cap, a consumer gone); curl then returns that error. Any failure means the
    /// transfer would never move again, so it ends now, as if curl had reported it done with that code.
    func unpause(_ transfer: Transfer) {
        let code = transfer.handle.unpause()
        guard code != CURLE_OK else { return }
        end(transfer.id, with: outcome(of: transfer, code: code))
    }

    /// Wakes often enough to notice a stall within a quarter of its timeout, and at least every 100 ms; every 10 ms
    /// while some transfer waits for its pace.
    var pollMilliseconds: Int32 {
        let paced = active.values.contains { $0.pace?.isHolding == true }
        return Int32(max(5, min(paced ? 10 : 100, configuration.stallTimeout.milliseconds / 4)))
    }
}
