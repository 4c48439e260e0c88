import CCurl

/// Names a transfer across threads: tasks hold ids, only the loop holds handles.
public struct TransferID: Sendable, Hashable, CustomStringConvertible {
    let value: UInt64
    public var description: String { "#\(value)" }
}

/// One download on the loop thread: its easy handle, its pipe to the consumer, and what the callbacks learnt.
///
/// Owned by the fetch loop thread; never shared (checked in debug builds). curl's callbacks reach it through an
/// unretained pointer, which is safe because the loop keeps the `Transfer` alive for as long as its handle is in
/// the multi handle, clears the pointer before the handle idles, and curl calls back only from inside the loop's
/// own curl calls.
final class Transfer {
    /// Where the transfer is. One value instead of flags, so impossible mixes (paused before the body began, a
    /// probe cut off and aborted) cannot be written down.
    enum Phase {
        /// In curl, no response yet.
        case connecting
        /// A status line arrived (maybe a redirect's); the body has not started.
        case headers
        /// The body flows to the pipe; `paused` while the consumer is behind (backpressure).
        case body(paused: Bool)
        /// A `.probe` had the headers it wanted and cut the transfer off: curl reports CURLE_WRITE_ERROR, which is
        /// its success.
        case probed
        /// A callback or the loop refused the transfer for this reason, which explains curl's generic
        /// CURLE_WRITE_ERROR.
        case aborted(FetchError.Reason)
    }

    let id: TransferID
    let request: Request
    /// `request.hostKey` and `request.hostName`, worked out once (`Pending`).
    let hostKey: String
    let hostName: String
    /// Where this attempt resumes the body; nil for a fresh start.
    let plan: ResumeToken?
    let pipe: BodyPipe
    let handle: EasyHandle
    let maxBytes: Int64
    /// curl writes its detailed error text here (CURLOPT_ERRORBUFFER needs a stable address).
    let errorBuffer: UnsafeMutablePointer<CChar>
    private let confinement = LoopConfinement.here()

    var phase = Phase.connecting
    /// Body bytes of this attempt handed to the consumer (not counting `bodyOffset`).
    var received: Int64 = 0
    /// Where this attempt's body starts in the whole file: the plan's offset after a 206, else 0.
    var bodyOffset: Int64 = 0
    var status = 0
    var statusText = ""
    /// Headers of the last response (after redirects), as far as retries and resuming need them.
    var headers = ResponseHeaders()
    /// Bytes went into the pipe this loop turn: the loop wakes the consumer before it polls.
    var offeredThisTurn = false
    /// Paced to this many bytes per second (its allowance, or its trickle floor while held); nil = unlimited.
    var pace: RatePacer?
    /// What the schedule lets it do (see `ShortestRemainingFirst`).
    var allotment = Allotment.receive(bytesPerSecond: nil)
    var rate = RateMeter()
    var stall: StallMeter

    init(
        pending: Pending, handle: EasyHandle, maxBytes: Int64
    ) {
        id = pending.id
        request = pending.request
        hostKey = pending.hostKey
        hostName = pending.hostName
        plan = pending.plan
        pipe = pending.pipe
        self.handle = handle
        self.maxBytes = maxBytes
        stall = StallMeter(since: .now)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit { errorBuffer.deallocate() }

    var errorText: String { String(cString: errorBuffer) }

    /// Paused by backpressure (not by pacing, which `pace` tracks).
    var isPaused: Bool {
        if case .body(paused: true) = phase { return true }
        return false
    }

    /// Why a callback or the loop aborted the transfer, if one did.
    var abortReason: FetchError.Reason? {
        if case .aborted(let reason) = phase { return reason }
        return nil
    }

    /// The body has started (or a probe ended itself after its headers).
    private var hasBegun: Bool {
        switch phase {
        case .body, .probed: true
        case .connecting, .headers, .aborted: false
        }
    }

    /// For progress lines.
    var progressState: TransferState {
        switch phase {
        case .connecting: .connecting
        case .body(paused: true): .paused
        case _ where !allotment.isReceiving: .waitingTurn
        case .headers, .body, .probed, .aborted: .receiving
        }
    }

    /// Body bytes still to come: of the announced length, else of the list's size; nil while neither is known.
    var bytesLeft: Int64? {
        if let total = expectedTotal { return max(0, total - bodyOffset - received) }
        guard let listed = request.expectedBytes else { return nil }
        return max(0, listed - max(bodyOffset, plan?.offset ?? 0) - received)
    }

    /// The whole file's length as the server announced it: Content-Range's total after a 206 (to a resume or a
    /// probe), else Content-Length (unknown when curl cannot say).
    var expectedTotal: Int64? {
        if bodyOffset > 0 || (request.method == .probe && status == 206) { return headers.contentRange?.total }
        return handle.offset(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The write callback's work: check the status once, enforce the size cap, hand bytes to the consumer.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        confinement.assertOnLoopThread()
        // Refused once, refused for good: curl may still call with what it holds, and the reason must stand.
        if case .aborted = phase { return 0 }
        if !hasBegun {
            // The response code curl parsed; when it cannot say, the status line's, which the header callback read.
            status = handle.long(CURLINFO_RESPONSE_CODE) ?? status
            if status >= 400 { return abort(.http(status: status, reason: statusText)) }
            if let problem = beginBody() { return abort(problem) }
        }
        if request.method == .probe {
            // The probe wants the headers. A 206 brings the one byte it asked for; anything more, such as a 200 with
            // the whole file from a server that ignores Range, is cut off at its first buffer.
            if status == 206 && received + Int64(bytes.count) <= 1 {
                received += Int64(bytes.count)
                return bytes.count
            }
            phase = .probed
            return 0
        }
        if bodyOffset + received + Int64(bytes.count) > maxBytes { return abort(.tooLarge(limit: maxBytes)) }
        if pace?.mustWait(now: .now) == true {
            // curl keeps these bytes and delivers them again when the loop un-pauses us.
            return Int(gallery_writefunc_pause)
        }
        switch pipe.offer(bytes) {
        case .accepted:
            offeredThisTurn = true
            received += Int64(bytes.count)
            pace?.spend(bytes.count)
            phase = .body(paused: false)
            return bytes.count
        case .full:
            phase = .body(paused: true)
            return Int(gallery_writefunc_pause)
        case .closed:
            return abort(.rejected("consumer stopped"))
        }
    }

    /// Refuses the bytes, which makes curl end the transfer with CURLE_WRITE_ERROR; `reason` says why.
    private func abort(_ reason: FetchError.Reason) -> Int {
        phase = .aborted(reason)
        return 0
    }

    /// Tells the consumer where this body starts: a 206 to our range request continues at the plan's offset; any
    /// other success starts the file over (RFC 9110's If-Range: a changed file comes back whole, with 200).
    /// - SeeAlso: <https://www.rfc-editor.org/rfc/rfc9110#field.if-range>
    func beginBody() -> FetchError.Reason? {
        guard !hasBegun else { return nil }
        if let plan, plan.offset > 0, status == 206 {
            guard let range = headers.contentRange, range.start == plan.offset else {
                return .badResponse(
                    "asked for bytes from \(plan.offset), got \(headers.contentRangeText ?? "no Content-Range")")
            }
            bodyOffset = plan.offset
        }
        phase = .body(paused: false)
        pipe.begin(offset: bodyOffset, resume: resumeToken)
        return nil
    }

    /// What would resume this body later, with the bytes received so far: the server's validator when it accepts
    /// ranges; after a 206 that resumed it (nginx then sends no Accept-Ranges), the validator that was sent.
    var resumeToken: ResumeToken? {
        guard status == 200 || status == 206 else { return nil }
        let held = bodyOffset + received
        if let offered = headers.resumeToken { return offered.at(held) }
        return bodyOffset > 0 ? plan?.at(held) : nil
    }

    /// The header callback's work: the status line's reason phrase (for "HTTP 404 Not Found") and the headers that
    /// retries and resuming need. A new status line (after a redirect or a 100) forgets the previous headers.
    ///
    /// Works on the bytes: a response has a dozen header lines and the engine wants five of them, so the others are
    /// recognised by name without making a String (this runs on the loop thread for every header of every transfer).
    /// Trims HTTP's whitespace (SP, HTAB) and the line end.
    func header(_ line: UnsafeRawBufferPointer) {
        confinement.assertOnLoopThread()
        let text = line.trimmingHTTPWhitespace()
        if text.starts(with: "HTTP/".utf8) {
            // "HTTP/1.1 404 Not Found": the code after the version, the reason phrase (maybe empty) after the code.
            let space = UInt8(ascii: " ")
            let afterVersion = text.drop { $0 != space }.drop { $0 == space }
            let codeText = afterVersion.prefix { $0 != space }
            guard let code = Int(String(decoding: codeText, as: UTF8.self)) else { return }
            status = code
            statusText = String(decoding: afterVersion[codeText.endIndex...].drop { $0 == space }, as: UTF8.self)
            headers = ResponseHeaders()
            if case .connecting = phase { phase = .headers }
            return
        }
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")),
            let field = ResponseHeaders.Field(name: text[..<colon])
        else { return }
        let value = text[(colon + 1)...].trimmingHTTPWhitespace()
        headers.record(field, String(decoding: value, as: UTF8.self))
    }
}

@available(*, unavailable)
extension Transfer: Sendable {}
