import CCurl

/// How transfers end: what curl reports turned into outcomes, the engine's own ends (cancelled, stalled, shut
/// down), and the handle going back to the idle list.
extension FetchLoop {
    func collectFinished() {
        while let finished = multi.nextFinished() {
            // The id in CURLOPT_PRIVATE; should curl not give it back, the handle itself names the transfer.
            let transfer =
                finished.privateValue.flatMap { active[TransferID(value: UInt64($0))] }
                ?? active.values.first { $0.handle.raw == finished.easy }
            guard let transfer else { continue }
            end(transfer.id, with: outcome(of: transfer, code: finished.result))
        }
    }

    /// `curl_multi_perform` failed for the whole stack (out of memory, a broken multi handle): no transfer in it can
    /// be trusted to finish, so each fails naming the call. Transfers still waiting start later, with a clean slate.
    func failInFlight(_ failure: MultiHandle.MultiError) {
        for transfer in Array(active.values) {
            end(transfer.id, with: self.failure(of: transfer, .transport(code: 0, message: failure.description)))
        }
    }

    /// Ends transfers that received too little for `stallTimeout` of unpaused time (see `StallMeter`).
    func endStalled() {
        let now = ContinuousClock.now
        let timeout = configuration.stallTimeout
        let bytes = Int64((Double(configuration.stallBytesPerSecond) * timeout.seconds).rounded(.up))
        let stalled = active.values.filter { transfer in
            transfer.stall.isStalled(
                received: transfer.received, paused: transfer.isPaused || transfer.pace?.isHolding == true, now: now,
                bytes: bytes, timeout: timeout)
        }
        for transfer in stalled {
            end(transfer.id, with: failure(of: transfer, .stalled(seconds: timeout.seconds)))
        }
    }

    /// Ends a transfer for a reason of the engine's own (cancelled, shut down), naming its URL. Idempotent: a
    /// transfer that already ended is not found.
    func end(_ id: TransferID, reason: FetchError.Reason) {
        // A consumer that gives up after curl finished frees the slot it held.
        if draining.remove(id) != nil { return }
        guard let request = active[id]?.request ?? waiting.pending.first(where: { $0.id == id })?.request else {
            return
        }
        end(id, with: AttemptOutcome(result: .failure(FetchError(url: request.url, reason: reason))))
    }

    /// Removes a transfer wherever it is (waiting or in curl) and delivers its outcome. Idempotent.
    func end(_ id: TransferID, with outcome: AttemptOutcome) {
        confinement.assertOnLoopThread()
        // Most ends are transfers in curl: look there first, not through the whole queue.
        guard let transfer = active.removeValue(forKey: id) else {
            waiting.remove(id)?.pipe.finish(outcome)
            allotted[id] = nil
            return
        }
        if multi.remove(transfer.handle) { retire(transfer.handle) }
        finishedBytes += transfer.received
        allotted[id] = nil
        let host = transfer.hostKey
        inFlightPerHost[host] = max(0, inFlightPerHost[host, default: 1] - 1)
        ratesChanged = true
        board.remove(id)
        if transfer.pipe.finish(outcome) { draining.insert(id) }
    }

    /// Keeps a handle out of the multi handle for a later transfer, with nothing pointing into the transfer it
    /// served; a handle curl will not detach, or one beyond the limit, is freed.
    func retire(_ handle: EasyHandle) {
        guard idleHandles.count < configuration.maxInFlight, handle.detach() else { return }
        idleHandles.append(handle)
    }

    /// A failed attempt, with what a retry needs: the server's Retry-After and whether the body may be resumed.
    func failure(of transfer: Transfer, _ reason: FetchError.Reason) -> AttemptOutcome {
        let retryAfter = transfer.headers.retryAfter.flatMap {
            RetryPolicy.parseRetryAfter($0, now: RetryPolicy.wallClockNow)
        }
        let resumable = transfer.request.method == .get && (transfer.status == 200 || transfer.status == 206)
        return AttemptOutcome(
            result: .failure(FetchError(url: transfer.request.url, reason: reason)),
            retryAfter: retryAfter,
            resume: resumable ? transfer.headers.resumeToken : nil)
    }

    /// curl's result code in words, with the OS error behind it (0, "no OS error", when curl cannot say).
    func reason(for transfer: Transfer, code: CURLcode) -> FetchError.Reason {
        CurlFailure.reason(
            code: code, osErrno: transfer.handle.long(CURLINFO_OS_ERRNO) ?? 0, detail: transfer.errorText,
            configuration: configuration)
    }

    func outcome(of transfer: Transfer, code: CURLcode) -> AttemptOutcome {
        let handle = transfer.handle
        learnProtocol(of: transfer)
        let probed: Bool
        if case .probed = transfer.phase { probed = true } else { probed = false }
        guard code == CURLE_OK || (code == CURLE_WRITE_ERROR && probed) else {
            var reason = transfer.abortReason ?? self.reason(for: transfer, code: code)
            // "transfer closed with N bytes remaining" says less than the two numbers.
            if code == CURLE_PARTIAL_FILE, transfer.abortReason == nil, let total = transfer.expectedTotal {
                reason = .shortBody(received: transfer.bodyOffset + transfer.received, announced: total)
            }
            return failure(of: transfer, reason)
        }
        // The response code curl parsed; when it cannot say, the status line's.
        let status = handle.long(CURLINFO_RESPONSE_CODE) ?? transfer.status
        if status >= 400 {
            return failure(of: transfer, .http(status: status, reason: transfer.statusText))
        }
        transfer.status = status
        let isGet = transfer.request.method == .get
        if isGet, let problem = transfer.beginBody() {
            return failure(of: transfer, problem)
        }
        let total = transfer.bodyOffset + transfer.received
        let announced = transfer.expectedTotal
        if isGet, let announced, total != announced {
            return failure(of: transfer, .shortBody(received: total, announced: announced))
        }
        // Figures curl cannot give are reported as unknown ("?") or zero: they only inform --verbose.
        let response = Response(
            url: transfer.request.url,
            status: status,
            bytes: isGet ? total : 0,
            announcedLength: announced,
            httpVersion: httpVersionText(handle.long(CURLINFO_HTTP_VERSION) ?? 0),
            seconds: Double(handle.offset(CURLINFO_TOTAL_TIME_T) ?? 0) / 1e6,
            completedAt: .now,
            newConnections: handle.long(CURLINFO_NUM_CONNECTS) ?? 0,
            resumeToken: isGet ? transfer.resumeToken : nil)
        return AttemptOutcome(result: .success(response))
    }

    /// Remembers https hosts that spoke HTTP/1.x, so their next transfers open connections without PIPEWAIT. An
    /// unknown version teaches nothing.
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
}
