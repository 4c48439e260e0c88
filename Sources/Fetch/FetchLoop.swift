import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The one thread that drives every transfer, and the state only it touches.
///
/// It uses `curl_multi_poll` + `curl_multi_wakeup` rather than `curl_multi_socket_action` with our own epoll:
/// curl keeps ownership of its sockets and timers, other threads wake it with one thread-safe call, and for the
/// tens of transfers gallery runs at once poll(2) over that many sockets costs nothing measurable. The choice stays
/// inside this file.
/// - SeeAlso: <https://curl.se/libcurl/c/curl_multi_poll.html>, <https://curl.se/libcurl/c/curl_multi_wakeup.html>
///
/// Owned by the fetch loop thread; never shared.
final class FetchLoop {
    private let multi: UnsafeMutableRawPointer
    private let inbox: Inbox
    private let configuration: FetchConfiguration
    private let board: ProgressBoard

    private var active: [TransferID: Transfer] = [:]
    /// Started by a task but waiting for a free slot (global or per host), in arrival order. No easy handle yet:
    /// `--count 1000` must not hold 1,000 curl handles while 50 run.
    private var waiting = WaitQueue()
    private var inFlightPerHost: [String: Int] = [:]
    /// Finished in curl while their consumers were behind (`BodyPipe.finish`): they keep their slot under
    /// `maxInFlight` until the consumer catches up, so at most that many bodies, and the decoders they feed, are
    /// in memory however fast the network is. (`--count 1000` once held a decoder for every image at once.)
    private var draining: Set<TransferID> = []
    /// Set when a transfer starts or ends: the rate shares must be recomputed.
    private var ratesChanged = false
    /// https hosts that answered with HTTP/1.x: no PIPEWAIT for them, open connections at once.
    private var http1Hosts: Set<String> = []
    private var lastPublish = ContinuousClock.now
    /// Easy handles of ended transfers, kept with their options for the next ones: `curl_easy_init` and
    /// `curl_easy_cleanup` for every transfer cost about 5 % of the engine's instructions over 1,000 small files, and
    /// `curl_easy_reset` plus setting every option again cost the scale case another 3–6 % of its wall time (curl frees
    /// and reallocates its receive buffer, and parses the protocol lists each time). At most `maxInFlight` are kept.
    private var idleHandles: [EasyHandle] = []

    init(multi: UnsafeMutableRawPointer, inbox: Inbox, configuration: FetchConfiguration, board: ProgressBoard) {
        self.multi = multi
        self.inbox = inbox
        self.configuration = configuration
        self.board = board
    }

    /// Runs until a `.shutdown` command, then fails whatever is left and cleans up the multi handle.
    func run() {
        var running: Int32 = 0
        while true {
            if !handle(inbox.drain()) { break }
            startWaiting()
            shareRates()
            curl_multi_perform(multi, &running)
            collectFinished()
            endStalled()
            startWaiting()
            shareRates()
            resumePaced()
            publishProgressIfDue()
            wakeConsumers()
            curl_multi_poll(multi, nil, 0, inbox.park() ? pollMilliseconds : 0, nil)
        }
        shutDown()
    }

    /// Wakes the consumers whose pipes were offered bytes this turn (by `curl_multi_perform` or by un-pausing): one
    /// wake per transfer and turn, not one per write callback. Transfers that ended were woken by their `finish`.
    private func wakeConsumers() {
        for transfer in active.values where transfer.offeredBytes {
            transfer.offeredBytes = false
            transfer.pipe.wake()
        }
    }

    // MARK: Commands

    /// Returns false on `.shutdown`.
    private func handle(_ commands: [Command]) -> Bool {
        for command in commands {
            switch command {
            case .start(let id, let request, let plan, let pipe):
                enqueue(id: id, request: request, plan: plan, pipe: pipe)
            case .cancel(let id):
                end(id, reason: .cancelled)
            case .consumed(let id):
                draining.remove(id)
            case .resume(let id):
                guard let transfer = active[id], transfer.isPaused else { continue }
                transfer.isPaused = false
                transfer.state = .receiving
                // Still ahead of its pace: resumePaced() un-pauses it when the credit is back.
                if transfer.pace?.isHolding == true { continue }
                // curl may call the write callback from inside this call, re-delivering the paused bytes.
                curl_easy_pause(transfer.handle.raw, gallery_pause_cont)
            case .shutdown:
                return false
            }
        }
        return true
    }

    private func enqueue(id: TransferID, request: Request, plan: AttemptPlan, pipe: BodyPipe) {
        waiting.append(Pending(id: id, request: request, hostKey: request.hostKey, plan: plan, pipe: pipe))
    }

    /// The easy handle for a transfer about to start, configured; nil (and the pipe finished) when curl refuses.
    private func makeTransfer(_ pending: Pending) -> Transfer? {
        let url = pending.request.url
        let handle: EasyHandle
        if let idle = idleHandles.popLast() {
            handle = idle
        } else {
            guard let fresh = EasyHandle() else {
                pending.pipe.finish(FetchError(url: url, reason: .setup("curl_easy_init failed")))
                return nil
            }
            if let problem = configureOnce(fresh) {
                pending.pipe.finish(FetchError(url: url, reason: .setup(problem)))
                return nil
            }
            handle = fresh
        }
        let transfer = Transfer(
            id: pending.id, request: pending.request, hostKey: pending.hostKey, plan: pending.plan, pipe: pending.pipe,
            handle: handle, maxBytes: configuration.maxBytes)
        if let problem = configure(transfer) {
            pending.pipe.finish(FetchError(url: url, reason: .setup(problem)))
            return nil
        }
        return transfer
    }

    /// Moves waiting transfers into curl while the global and per-host limits allow, in arrival order.
    /// Runs on every loop turn, so it returns at once when no slot is free.
    private func startWaiting() {
        guard !waiting.isEmpty, hasFreeSlot else { return }
        waiting.startEach(while: { hasFreeSlot }) { pending in
            let host = pending.hostKey
            let hostCount = inFlightPerHost[host, default: 0]
            let hostMax =
                configuration.hostLimits.isEmpty
                ? configuration.maxPerHost
                : configuration.hostLimits[pending.request.hostName]?.maxInFlight ?? configuration.maxPerHost
            guard hostCount < max(1, hostMax) else { return false }
            guard let transfer = makeTransfer(pending) else { return true }
            // PIPEWAIT makes new transfers wait for an existing connection, hoping to multiplex over HTTP/2.
            // Plain http:// never speaks HTTP/2 here, and known HTTP/1.1 hosts never will: for those it only
            // serialises the start, so set it only for https hosts not yet known to be HTTP/1.x.
            let mayMultiplex = transfer.request.isHTTPS && !http1Hosts.contains(host)
            transfer.handle.set(CURLOPT_PIPEWAIT, mayMultiplex ? 1 : 0)
            let added = curl_multi_add_handle(multi, transfer.handle.raw)
            guard added == CURLM_OK else {
                let text = String(cString: curl_multi_strerror(added))
                transfer.pipe.finish(FetchError(url: transfer.request.url, reason: .setup(text)))
                return true
            }
            transfer.state = .connecting
            transfer.stall = StallMeter(since: .now)
            active[transfer.id] = transfer
            inFlightPerHost[host] = hostCount + 1
            ratesChanged = true
            return true
        }
    }

    /// Transfers in curl and those whose consumers are still behind count alike against `maxInFlight`.
    private var hasFreeSlot: Bool { active.count + draining.count < configuration.maxInFlight }

    // MARK: Completion

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE else { continue }
            let easy = message.pointee.easy_handle
            let code = message.pointee.data.result
            var privateData: UnsafeMutableRawPointer?
            gallery_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &privateData)
            let id = TransferID(value: UInt64(UInt(bitPattern: privateData)))
            guard let transfer = active[id] else { continue }
            end(id, with: outcome(of: transfer, code: code))
        }
    }

    /// Ends a transfer for a reason of the engine's own (cancelled, shut down), naming its URL. Idempotent: a
    /// transfer that already ended is not found.
    private func end(_ id: TransferID, reason: FetchError.Reason) {
        // A consumer that gives up after curl finished frees the slot it held.
        if draining.remove(id) != nil { return }
        guard let request = active[id]?.request ?? waiting.pending.first(where: { $0.id == id })?.request else {
            return
        }
        end(id, with: .failure(FetchError(url: request.url, reason: reason)))
    }

    /// Removes a transfer wherever it is (waiting or in curl) and delivers its outcome. Idempotent.
    private func end(_ id: TransferID, with outcome: AttemptOutcome) {
        // Most ends are transfers in curl: look there first, not through the whole queue.
        guard let transfer = active.removeValue(forKey: id) else {
            waiting.remove(id)?.pipe.finish(outcome)
            return
        }
        curl_multi_remove_handle(multi, transfer.handle.raw)
        if idleHandles.count < configuration.maxInFlight {
            // The error buffer is the transfer's, freed with it: curl must not keep a pointer to it.
            transfer.handle.set(CURLOPT_ERRORBUFFER, pointer: nil)
            idleHandles.append(transfer.handle)
        }
        let host = transfer.hostKey
        inFlightPerHost[host] = max(0, inFlightPerHost[host, default: 1] - 1)
        ratesChanged = true
        board.remove(id)
        if transfer.pipe.finish(outcome) { draining.insert(id) }
    }

    private func end(_ id: TransferID, with result: Result<Response, FetchError>) {
        end(id, with: AttemptOutcome(result: result))
    }

    /// A failed attempt, with what a retry needs: the server's Retry-After and whether the body may be resumed.
    private func failure(of transfer: Transfer, _ reason: FetchError.Reason) -> AttemptOutcome {
        let retryAfter = transfer.headers.retryAfter.flatMap {
            RetryPolicy.parseRetryAfter($0, now: RetryPolicy.wallClockNow)
        }
        let resumable = transfer.request.method == .get && (transfer.status == 200 || transfer.status == 206)
        return AttemptOutcome(
            result: .failure(FetchError(url: transfer.request.url, reason: reason)),
            retryAfter: retryAfter,
            resume: resumable ? transfer.headers.resumePoint : nil)
    }

    private func outcome(of transfer: Transfer, code: CURLcode) -> AttemptOutcome {
        let url = transfer.request.url
        let handle = transfer.handle
        learnProtocol(of: transfer)
        guard code == CURLE_OK || (code == CURLE_WRITE_ERROR && transfer.cutAfterHeaders) else {
            var reason =
                transfer.abortReason
                ?? CurlFailure.reason(
                    code: code, osErrno: handle.long(CURLINFO_OS_ERRNO) ?? 0, detail: transfer.errorText,
                    configuration: configuration)
            // "transfer closed with N bytes remaining" says less than the two numbers.
            if code == CURLE_PARTIAL_FILE, transfer.abortReason == nil, let total = transfer.expectedTotal {
                reason = .shortBody(received: transfer.bodyOffset + transfer.received, announced: total)
            }
            return failure(of: transfer, reason)
        }
        let status = handle.long(CURLINFO_RESPONSE_CODE) ?? 0
        if status >= 400 {
            return failure(of: transfer, .http(status: status, reason: transfer.statusText))
        }
        transfer.status = status
        if transfer.request.method == .get, let problem = transfer.beginBody() {
            return failure(of: transfer, problem)
        }
        let total = transfer.bodyOffset + transfer.received
        let announced = transfer.expectedTotal
        if transfer.request.method == .get, let announced, total != announced {
            return failure(of: transfer, .shortBody(received: total, announced: announced))
        }
        let response = Response(
            url: url,
            status: status,
            bytes: transfer.request.method == .get ? total : 0,
            announcedLength: announced,
            httpVersion: httpVersionText(handle.long(CURLINFO_HTTP_VERSION) ?? 0),
            seconds: Double(handle.offset(CURLINFO_TOTAL_TIME_T) ?? 0) / 1e6,
            completedAt: .now,
            newConnections: handle.long(CURLINFO_NUM_CONNECTS) ?? 0,
            validator: transfer.request.method == .get ? transfer.validator : nil)
        return AttemptOutcome(result: .success(response))
    }

    // MARK: Stalls and rates

    /// Ends transfers that received too little for `stallTimeout` of unpaused time (see `StallMeter`).
    private func endStalled() {
        let now = ContinuousClock.now
        let timeout = configuration.stallTimeout
        let bytes = Int64((Double(configuration.stallBytesPerSecond) * timeout.seconds).rounded(.up))
        var stalled: [Transfer] = []
        for transfer in active.values
        where transfer.stall.isStalled(
            received: transfer.received, paused: transfer.isPaused || transfer.pace?.isHolding == true, now: now,
            bytes: bytes, timeout: timeout)
        {
            stalled.append(transfer)
        }
        for transfer in stalled {
            end(transfer.id, with: failure(of: transfer, .stalled(seconds: timeout.seconds)))
        }
    }

    /// Wakes often enough to notice a stall within a quarter of its timeout, and at least every 100 ms; every 10 ms
    /// while some transfer waits for its pace.
    private var pollMilliseconds: Int32 {
        let paced = active.values.contains { $0.pace?.isHolding == true }
        return Int32(max(5, min(paced ? 10 : 100, configuration.stallTimeout.milliseconds / 4)))
    }

    /// Un-pauses paced transfers whose credit is back (unless backpressure still holds them).
    private func resumePaced() {
        let now = ContinuousClock.now
        for transfer in active.values where transfer.pace?.mayResume(now: now) == true && !transfer.isPaused {
            curl_easy_pause(transfer.handle.raw, gallery_pause_cont)
        }
    }

    /// Splits the total and per-host rate caps evenly between the transfers in flight, whenever that set changes.
    private func shareRates() {
        guard ratesChanged else { return }
        ratesChanged = false
        let hostCaps = configuration.hostLimits.compactMapValues(\.maxBytesPerSecond)
        guard configuration.maxBytesPerSecond != nil || !hostCaps.isEmpty else { return }
        var perHostName: [String: Int] = [:]
        for transfer in active.values { perHostName[transfer.request.hostName, default: 0] += 1 }
        for transfer in active.values {
            var share = Int.max
            if let total = configuration.maxBytesPerSecond { share = total / max(1, active.count) }
            let name = transfer.request.hostName
            if let cap = hostCaps[name] { share = min(share, cap / max(1, perHostName[name, default: 1])) }
            if share == Int.max {
                transfer.pace = nil
            } else if transfer.pace == nil {
                transfer.pace = RatePacer(bytesPerSecond: share)
            } else {
                transfer.pace?.bytesPerSecond = max(1, share)
            }
        }
    }

    /// Remembers https hosts that spoke HTTP/1.x, so their next transfers open connections without PIPEWAIT.
    private func learnProtocol(of transfer: Transfer) {
        guard transfer.request.isHTTPS, let version = transfer.handle.long(CURLINFO_HTTP_VERSION) else { return }
        if version == Int(CURL_HTTP_VERSION_1_0) || version == Int(CURL_HTTP_VERSION_1_1) {
            http1Hosts.insert(transfer.hostKey)
        }
    }

    private func httpVersionText(_ version: Int) -> String {
        switch version {
        case Int(CURL_HTTP_VERSION_1_0): "1.0"
        case Int(CURL_HTTP_VERSION_1_1): "1.1"
        case Int(CURL_HTTP_VERSION_2_0): "2"
        case Int(CURL_HTTP_VERSION_3): "3"
        default: "?"
        }
    }

    // MARK: Progress

    private func publishProgressIfDue() {
        let now = ContinuousClock.now
        guard now - lastPublish >= .milliseconds(66) else { return }
        lastPublish = now
        var snapshot: [TransferProgress] = []
        snapshot.reserveCapacity(active.count + waiting.count)
        for transfer in active.values {
            transfer.rate.update(total: transfer.received, at: now)
            snapshot.append(
                TransferProgress(
                    id: transfer.id, url: transfer.request.url, state: transfer.state,
                    received: transfer.bodyOffset + transfer.received, expected: transfer.expectedTotal,
                    bytesPerSecond: transfer.rate.bytesPerSecond))
        }
        for pending in waiting.pending {
            snapshot.append(
                TransferProgress(
                    id: pending.id, url: pending.request.url, state: .queued, received: 0, expected: nil,
                    bytesPerSecond: 0))
        }
        board.publish(snapshot)
    }

    // MARK: Setup and teardown

    /// Sets the options every transfer of this engine shares, once per easy handle: they stay set while the handle
    /// is reused. Returns curl's complaint about the first option it refused.
    private func configureOnce(_ h: EasyHandle) -> String? {
        let c = configuration
        var codes: [(String, CURLcode)] = [
            ("CURLOPT_NOSIGNAL", h.set(CURLOPT_NOSIGNAL, 1)),
            ("CURLOPT_PROTOCOLS_STR", h.set(CURLOPT_PROTOCOLS_STR, "http,https")),
            ("CURLOPT_REDIR_PROTOCOLS_STR", h.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")),
            ("CURLOPT_FOLLOWLOCATION", h.set(CURLOPT_FOLLOWLOCATION, 1)),
            ("CURLOPT_MAXREDIRS", h.set(CURLOPT_MAXREDIRS, c.maxRedirects)),
            ("CURLOPT_CONNECTTIMEOUT_MS", h.set(CURLOPT_CONNECTTIMEOUT_MS, c.connectTimeout.milliseconds)),
            ("CURLOPT_USERAGENT", h.set(CURLOPT_USERAGENT, c.userAgent)),
            ("CURLOPT_BUFFERSIZE", h.set(CURLOPT_BUFFERSIZE, 64 * 1024)),
            ("CURLOPT_WRITEFUNCTION", gallery_easy_setopt_write_callback(h.raw, CURLOPT_WRITEFUNCTION, writeCallback)),
            (
                "CURLOPT_HEADERFUNCTION",
                gallery_easy_setopt_write_callback(h.raw, CURLOPT_HEADERFUNCTION, headerCallback)
            ),
        ]
        if let total = c.totalTimeout {
            codes.append(("CURLOPT_TIMEOUT_MS", h.set(CURLOPT_TIMEOUT_MS, total.milliseconds)))
        }
        if let ca = c.caCertificates { codes.append(("CURLOPT_CAINFO", h.set(CURLOPT_CAINFO, ca))) }
        if c.insecure {
            codes.append(("CURLOPT_SSL_VERIFYPEER", h.set(CURLOPT_SSL_VERIFYPEER, 0)))
            codes.append(("CURLOPT_SSL_VERIFYHOST", h.set(CURLOPT_SSL_VERIFYHOST, 0)))
        }
        return Self.firstRefusal(codes)
    }

    /// Sets what differs from one transfer to the next, including back to curl's default what the handle's last
    /// transfer may have changed (a HEAD, a range, an If-Range header). Returns curl's complaint, if any.
    private func configure(_ transfer: Transfer) -> String? {
        let h = transfer.handle
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        var range: String?
        var headers: [String] = []
        switch transfer.request.method {
        case .get, .head: break
        case .probe: range = "0-0"
        }
        if transfer.plan.offset > 0 {
            // Range + If-Range: the rest of the body if it is still the same file, the whole new file otherwise.
            // - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_RANGE.html>
            range = "\(transfer.plan.offset)-"
            if let validator = transfer.plan.validator { headers.append("If-Range: \(validator)") }
        }
        let codes: [(String, CURLcode)] = [
            ("CURLOPT_URL", h.set(CURLOPT_URL, transfer.request.url)),
            // The id, not a pointer, so finished handles are found by a dictionary lookup.
            (
                "CURLOPT_PRIVATE",
                h.set(CURLOPT_PRIVATE, pointer: UnsafeMutableRawPointer(bitPattern: UInt(transfer.id.value)))
            ),
            ("CURLOPT_ERRORBUFFER", h.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(transfer.errorBuffer))),
            ("CURLOPT_WRITEDATA", h.set(CURLOPT_WRITEDATA, pointer: context)),
            ("CURLOPT_HEADERDATA", h.set(CURLOPT_HEADERDATA, pointer: context)),
            // 0 also turns a handle that last sent a HEAD back to GET.
            ("CURLOPT_NOBODY", h.set(CURLOPT_NOBODY, transfer.request.method == .head ? 1 : 0)),
            ("CURLOPT_RANGE", h.set(CURLOPT_RANGE, range)),
            ("CURLOPT_HTTPHEADER", h.setHeaders(headers)),
        ]
        return Self.firstRefusal(codes)
    }

    /// "CURLOPT_CAINFO: Problem with the SSL CA cert" for the first option curl refused, or nil.
    private static func firstRefusal(_ codes: [(String, CURLcode)]) -> String? {
        guard let (name, code) = codes.first(where: { $0.1 != CURLE_OK }) else { return nil }
        return "\(name): \(String(cString: curl_easy_strerror(code)))"
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
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
    }
}

@available(*, unavailable)
extension FetchLoop: Sendable {}

/// A transfer before it has a handle.
private struct Pending {
    let id: TransferID
    let request: Request
    /// `request.hostKey`, worked out once.
    let hostKey: String
    let plan: AttemptPlan
    let pipe: BodyPipe
}

/// The transfers waiting for a slot, in arrival order.
///
/// Taking from the front moves a head index instead of rebuilding or shifting the whole queue: with `--count 1000`
/// and 50 slots, each of the 950 transfers that end starts one more, and copying the rest of the queue every time
/// was quadratic. Slots before the head are dropped in one go once they are half the array.
private struct WaitQueue {
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

extension Duration {
    var milliseconds: Int { Int((seconds * 1000).rounded()) }
}
