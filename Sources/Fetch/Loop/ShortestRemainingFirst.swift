/// Decides which transfers receive and which are held: when the link is the limit, it goes to the transfers with
/// the fewest bytes left, so images complete one after another instead of all near the end; rate caps are handed
/// out in the same order, as budgets rather than equal shares.
///
/// Pure logic, called by the loop whenever the set of transfers, their sizes or the regime change. Held transfers
/// are treated in one of two ways, and this is why:
/// - A transfer not yet started waits its turn. It has no connection to lose and no bytes in socket buffers
///   taking the link from the leaders. When its turn comes it takes the connection the transfer before it just
///   finished on, from curl's connection cache, with that connection's congestion window already open: over a
///   chain of transfers the connection and its congestion state are kept, and the server never holds an unread
///   response, so no `send_timeout` can fire.
/// - A transfer already started (every transfer starts at once, so a per-connection server loses nothing while
///   `GoodputProbe` learns) keeps a trickle floor rather than a full pause. A paused response stops the server's
///   writes, and nginx closes a connection whose writes made no progress for `send_timeout` (60 s by default),
///   which a transfer behind a long list can easily wait. Reading a little keeps the server's writes completing,
///   so the connection stays, and keeps its flow sending: a sender limited by its application keeps its congestion
///   window, while one idle for a retransmission timeout restarts from slow start. The floor is far above the
///   stall threshold, and time held by the pacer never counts as a stall anyway.
struct ShortestRemainingFirst: Sendable {
    struct Settings: Sendable {
        /// Bytes per second a started, held transfer still reads.
        var trickleFloor = 16 * 1024
        /// A receiver that used less than this share of its allowance is limited elsewhere (its server, its path)…
        var usedShare = 0.8
        /// …and keeps what it used times this, passing the rest of the budget to the next in line.
        var headroom = 1.25
    }

    var settings = Settings()

    /// The order the link is handed out in: fewest bytes left first; unknown sizes after all known ones (the
    /// headers bring them soon); ties in the order given, which is the order the transfers arrived in.
    static func order<ID>(_ contenders: [Contender<ID>]) -> [Contender<ID>] {
        contenders.enumerated().sorted { a, b in
            switch (a.element.bytesLeft, b.element.bytesLeft) {
            case (let x?, let y?) where x != y: x < y
            case (.some, nil): true
            case (nil, .some): false
            default: a.offset < b.offset
            }
        }.map(\.element)
    }

    /// What each contender may do. `receivers` comes from `GoodputProbe` (nil: all); `budget` is `--max-rate`
    /// and `hostBudgets` the per-host caps, in bytes per second.
    func allot<ID>(
        _ contenders: [Contender<ID>], schedule: Schedule, receivers: Int?, budget: Int?,
        hostBudgets: [String: Int] = [:]
    ) -> [ID: Allotment] {
        switch schedule {
        case .even: return even(contenders, budget: budget, hostBudgets: hostBudgets)
        case .adaptive:
            return adaptive(contenders, receivers: receivers, budget: budget, hostBudgets: hostBudgets)
        }
    }

    private func adaptive<ID>(
        _ contenders: [Contender<ID>], receivers: Int?, budget: Int?, hostBudgets: [String: Int]
    ) -> [ID: Allotment] {
        let ordered = Self.order(contenders)
        let chosen = Array(ordered.prefix(receivers.map { max(1, $0) } ?? ordered.count))
        var passes: [[ID: Grant]] = []
        for (host, cap) in hostBudgets.sorted(by: { $0.key < $1.key }) {
            let members = chosen.filter { $0.host == host }
            if !members.isEmpty { passes.append(fill(members, budget: cap, ceilings: [:])) }
        }
        if let budget {
            var ceilings: [ID: Int] = [:]
            for pass in passes {
                for (id, grant) in pass { ceilings[id] = min(ceilings[id] ?? .max, grant.allowance) }
            }
            passes.append(fill(chosen, budget: budget, ceilings: ceilings))
        }
        var result: [ID: Allotment] = [:]
        for contender in ordered {
            let grants = passes.compactMap { $0[contender.id] }
            let isChosen = chosen.contains { $0.id == contender.id }
            if isChosen && grants.allSatisfy({ $0.share > 0 }) {
                result[contender.id] = .receive(bytesPerSecond: grants.map(\.allowance).min())
            } else if contender.isStarted {
                result[contender.id] = .trickle(
                    bytesPerSecond: floor(for: contender, in: contenders, budget, hostBudgets))
            } else {
                result[contender.id] = .waitTurn
            }
        }
        return result
    }

    /// What one budget gives one member: `share` from the budget's pool (0: held), `allowance` with its floor.
    private struct Grant {
        var share: Int
        var allowance: Int
    }

    /// Hands `budget` out in order. Every started member after the first has its floor reserved first, so held
    /// transfers keep theirs within the budget; the rest goes to the first in line, and what it cannot use (it
    /// received well below its last allowance) to the next.
    private func fill<ID>(_ members: [Contender<ID>], budget: Int, ceilings: [ID: Int]) -> [ID: Grant] {
        let floor = floorRate(budget: budget, started: members.filter(\.isStarted).count)
        let reservedCount = members.dropFirst().filter(\.isStarted).count
        var left = max(0, budget - floor * reservedCount)
        var grants: [ID: Grant] = [:]
        for (index, member) in members.enumerated() {
            let reserved = index > 0 && member.isStarted ? floor : 0
            var take = left
            if let ceiling = ceilings[member.id] { take = min(take, max(0, ceiling - reserved)) }
            if let used = member.measured, let allowance = member.allowance,
                used < settings.usedShare * Double(allowance)
            {
                take = min(take, Int(used * settings.headroom) + 1)
            }
            left -= take
            grants[member.id] = Grant(share: take, allowance: take + reserved)
        }
        return grants
    }

    /// The floor under a budget: at most half of it goes to floors, however many transfers are held.
    private func floorRate(budget: Int?, started: Int) -> Int {
        guard let budget else { return settings.trickleFloor }
        return max(1, min(settings.trickleFloor, budget / max(1, 2 * started)))
    }

    private func floor<ID>(
        for contender: Contender<ID>, in all: [Contender<ID>], _ budget: Int?, _ hostBudgets: [String: Int]
    ) -> Int {
        var rate = floorRate(budget: budget, started: all.filter(\.isStarted).count)
        if let cap = hostBudgets[contender.host] {
            let started = all.filter { $0.host == contender.host && $0.isStarted }.count
            rate = min(rate, floorRate(budget: cap, started: started))
        }
        return rate
    }

    /// Today's sharing: every transfer receives, and each cap is split evenly between the started transfers it
    /// covers (a waiting one is told the share it would get, and is recomputed when it starts).
    private func even<ID>(_ contenders: [Contender<ID>], budget: Int?, hostBudgets: [String: Int]) -> [ID: Allotment] {
        let started = max(1, contenders.filter(\.isStarted).count)
        var result: [ID: Allotment] = [:]
        for contender in contenders {
            var share = budget.map { max(1, $0 / started) }
            if let cap = hostBudgets[contender.host] {
                let sameHost = max(1, contenders.filter { $0.host == contender.host && $0.isStarted }.count)
                share = min(share ?? .max, max(1, cap / sameHost))
            }
            result[contender.id] = .receive(bytesPerSecond: share)
        }
        return result
    }
}
