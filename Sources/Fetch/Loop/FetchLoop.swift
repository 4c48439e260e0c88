import CCurl

/// The one thread that drives every transfer, and the state only it touches.
///
/// It uses `curl_multi_poll` + `curl_multi_wakeup` rather than `curl_multi_socket_action` with our own epoll:
/// curl keeps ownership of its sockets and timers, other threads wake it with one thread-safe call, and for the
/// tens of transfers gallery runs at once poll(2) over that many sockets costs nothing measurable. The choice stays
/// inside `MultiHandle`.
/// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_poll.html>, <https://curl.se/libcurl/c/curl_multi_wakeup.html>
///
/// Owned by the fetch loop thread; never shared (checked in debug builds). Its parts: this file runs the turn and
/// takes commands; `Scheduling` decides which transfer starts, runs, waits for its pace or is held; `Completion`
/// turns what curl reports into outcomes; `HandleOptions` configures easy handles.
final class FetchLoop {
    let multi: MultiHandle
    let inbox: Inbox
    let configuration: FetchConfiguration
    let board: ProgressBoard
    var confinement = LoopConfinement()

    var active: [TransferID: Transfer] = [:]
    /// Started by a task but waiting for a free slot (global or per host), in arrival order. No easy handle yet:
    /// `--count 1000` must not hold 1,000 curl handles while 50 run.
    var waiting = WaitQueue()
    var inFlightPerHost: [String: Int] = [:]
    /// Finished in curl while their consumers were behind (`BodyPipe.finish`): they keep their slot under
    /// `maxInFlight` until the consumer catches up, so at most that many bodies, and the decoders they feed, are
    /// in memory however fast the network is.
    var draining: Set<TransferID> = []
    /// Set when a transfer arrives, starts or ends, or the probe changes the receivers: allot again this turn.
    var ratesChanged = false
    /// The schedule: the goodput probe and who receives (`Allotting`).
    var scheduler: LinkScheduler<TransferID>
    /// The last allotment of every transfer, in curl or waiting.
    var allotted: [TransferID: Allotment] = [:]
    var lastAllot = ContinuousClock.now
    /// Body bytes of transfers that ended, so the total delivered never goes back when one leaves `active`.
    var finishedBytes: Int64 = 0
    /// Where the regimes the probe finds go (`Fetcher.regimeChanges`).
    let regimes: AsyncStream<RegimeChange>.Continuation
    let started = ContinuousClock.now
    /// https hosts that answered with HTTP/1.x: no PIPEWAIT for them, open connections at once.
    var http1Hosts: Set<String> = []
    private var lastPublish = ContinuousClock.now
    private var lastSample = ContinuousClock.now
    /// Easy handles of ended transfers, kept with their options for the next ones: creating a handle and setting
    /// every option again costs curl a receive buffer and a parse of the protocol lists each time. At most
    /// `maxInFlight` are kept.
    var idleHandles: [EasyHandle] = []

    init(
        multi: MultiHandle, inbox: Inbox, configuration: FetchConfiguration, board: ProgressBoard,
        regimes: AsyncStream<RegimeChange>.Continuation
    ) {
        self.multi = multi
        self.inbox = inbox
        self.configuration = configuration
        self.board = board
        self.regimes = regimes
        scheduler = LinkScheduler(
            schedule: configuration.schedule, budget: configuration.maxBytesPerSecond,
            hostBudgets: configuration.hostLimits.compactMapValues(\.maxBytesPerSecond))
    }

    /// Runs until a `.shutdown` command, then fails whatever is left and cleans up the multi handle.
    func run() {
        confinement.bind()
        multi.bindToLoopThread()
        while true {
            if !handle(inbox.drain()) { break }
            allotIfDue()
            startWaiting()
            if let failure = multi.perform() { failInFlight(failure) }
            collectFinished()
            endStalled()
            observeGoodput()
            allotIfDue()
            startWaiting()
            resumePaced()
            measureIfDue()
            wakeConsumers()
            multi.poll(milliseconds: inbox.park() ? pollMilliseconds : 0)
        }
        shutDown()
    }

    /// Wakes the consumers whose pipes were offered bytes this turn (by `curl_multi_perform` or by un-pausing): one
    /// wake per transfer and turn, not one per write callback. Transfers that ended were woken by their `finish`.
    private func wakeConsumers() {
        for transfer in active.values where transfer.offeredThisTurn {
            transfer.offeredThisTurn = false
            transfer.pipe.wake()
        }
    }

    /// Returns false on `.shutdown`.
    private func handle(_ commands: [Command]) -> Bool {
        confinement.assertOnLoopThread()
        for command in commands {
            switch command {
            case .start(let id, let request, let plan, let pipe):
                waiting.append(Pending(id: id, request: request, plan: plan, pipe: pipe))
                ratesChanged = true
            case .cancel(let id):
                end(id, reason: .cancelled)
            case .consumed(let id):
                draining.remove(id)
            case .resume(let id):
                guard let transfer = active[id], transfer.isPaused else { continue }
                transfer.phase = .body(paused: false)
                // Still ahead of its pace: resumePaced() un-pauses it when the credit is back.
                if transfer.pace?.isHolding == true { continue }
                unpause(transfer)
            case .shutdown:
                return false
            }
        }
        return true
    }

    /// Samples every rate meter once a `RateMeter.spacing` (the schedule reads the rates too), and publishes the
    /// snapshot `Fetcher.progress` returns once a `configuration.progressInterval`, when one is set.
    private func measureIfDue() {
        let now = ContinuousClock.now
        if now - lastSample >= RateMeter.spacing {
            lastSample = now
            for transfer in active.values { transfer.rate.update(total: transfer.received, at: now) }
        }
        guard let interval = configuration.progressInterval, now - lastPublish >= interval else { return }
        lastPublish = now
        var snapshot: [TransferProgress] = []
        snapshot.reserveCapacity(active.count + waiting.count)
        for transfer in active.values {
            snapshot.append(
                TransferProgress(
                    id: transfer.id, url: transfer.request.url, state: transfer.progressState,
                    received: transfer.bodyOffset + transfer.received, expected: transfer.expectedTotal,
                    bytesPerSecond: transfer.rate.bytesPerSecond))
        }
        for pending in waiting.pending {
            let state: TransferState = allotted[pending.id] == .waitTurn ? .waitingTurn : .queued
            snapshot.append(
                TransferProgress(
                    id: pending.id, url: pending.request.url, state: state, received: 0, expected: nil,
                    bytesPerSecond: 0))
        }
        board.publish(snapshot)
    }

    private func shutDown() {
        let stranded = inbox.close()
        for command in stranded {
            if case .start(_, let request, _, let pipe) = command {
                pipe.finish(FetchError(url: request.url, reason: .shutdown))
            }
        }
        for id in Array(active.keys) + waiting.pending.map(\.id) {
            end(id, reason: .shutdown)
        }
        board.publish([])
        regimes.finish()
        idleHandles.removeAll()
        multi.close()
    }
}

@available(*, unavailable)
extension FetchLoop: Sendable {}
