import CCurl

/// Names a transfer across threads: tasks hold ids, only the loop holds handles.
public struct TransferID: Sendable, Hashable, CustomStringConvertible {
    let value: UInt64
    public var description: String { "#\(value)" }
}

/// One download on the loop thread: its easy handle, its pipe to the consumer, and what the callbacks learnt.
///
/// Owned by the fetch loop thread; never shared. curl's callbacks reach it through an unretained pointer,
/// which is safe because the loop keeps the `Transfer` alive for as long as its handle is in the multi handle,
/// and curl calls back only from inside the loop's own curl calls.
final class Transfer {
    let id: TransferID
    let request: Request
    /// `request.hostKey`, worked out once.
    let hostKey: String
    let plan: AttemptPlan
    let pipe: BodyPipe
    let handle: EasyHandle
    let maxBytes: Int64
    /// curl writes its detailed error text here (CURLOPT_ERRORBUFFER needs a stable address).
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// Body bytes of this attempt handed to the consumer (not counting `bodyOffset`).
    var received: Int64 = 0
    /// Where this attempt's body starts in the whole file: `plan.offset` after a 206, else 0.
    var bodyOffset: Int64 = 0
    var began = false
    var status = 0
    var statusText = ""
    /// Headers of the last response (after redirects), as far as retries and resuming need them.
    var headers = ResponseHeaders()
    /// Why a callback (or the stall check) aborted the transfer; it explains curl's generic CURLE_WRITE_ERROR.
    var abortReason: FetchError.Reason?
    /// A `.probe` ended itself once the headers were in (curl reports CURLE_WRITE_ERROR): that is its success.
    var cutAfterHeaders = false
    /// Paused because the consumer fell behind (backpressure).
    var isPaused = false
    /// Bytes went into the pipe this loop turn: the loop wakes the consumer before it polls.
    var offeredBytes = false
    /// Paced to this many bytes per second (its share of the rate caps); nil = unlimited.
    var pace: RatePacer?
    var state: TransferState = .queued
    let started = ContinuousClock.now
    var rate = RateMeter()
    var stall: StallMeter

    init(
        id: TransferID, request: Request, hostKey: String, plan: AttemptPlan, pipe: BodyPipe, handle: EasyHandle,
        maxBytes: Int64
    ) {
        self.id = id
        self.request = request
        self.hostKey = hostKey
        self.plan = plan
        self.pipe = pipe
        self.handle = handle
        self.maxBytes = maxBytes
        stall = StallMeter(since: .now)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit { errorBuffer.deallocate() }

    var errorText: String { String(cString: errorBuffer) }

    /// The whole file's length as the server announced it: Content-Range's total after a 206 (to a resume or a
    /// probe), else Content-Length.
    var expectedTotal: Int64? {
        if bodyOffset > 0 || (request.method == .probe && status == 206) { return headers.contentRange?.total }
        return handle.offset(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The write callback's work: check the status once, enforce the size cap, hand bytes to the consumer.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !began {
            status = handle.long(CURLINFO_RESPONSE_CODE) ?? status
            if status >= 400 {
                abortReason = .http(status: status, reason: statusText)
                return 0
            }
            if let problem = beginBody() {
                abortReason = problem
                return 0
            }
        }
        if request.method == .probe {
            // The probe wants the headers. A 206 brings the one byte it asked for; anything more, such as a 200 with
            // the whole file from a server that ignores Range, is cut off at its first buffer.
            if status == 206 && received + Int64(bytes.count) <= 1 {
                received += Int64(bytes.count)
                return bytes.count
            }
            cutAfterHeaders = true
            return 0
        }
        if bodyOffset + received + Int64(bytes.count) > maxBytes {
            abortReason = .tooLarge(limit: maxBytes)
            return 0
        }
        if pace?.mustWait(now: .now) == true {
            // curl keeps these bytes and delivers them again when the loop un-pauses us.
            return Int(gallery_writefunc_pause)
        }
        switch pipe.offer(bytes) {
        case .accepted:
            offeredBytes = true
            received += Int64(bytes.count)
            pace?.spend(bytes.count)
            state = .receiving
            return bytes.count
        case .full:
            isPaused = true
            state = .paused
            return Int(gallery_writefunc_pause)
        case .closed:
            abortReason = .rejected("consumer stopped")
            return 0
        }
    }

    /// Tells the consumer where this body starts: a 206 to our range request continues at `plan.offset`; any other
    /// success starts the file over (RFC 9110's If-Range: a changed file comes back whole, with 200).
    /// - SeeAlso: <https://www.rfc-editor.org/rfc/rfc9110#field.if-range>
    func beginBody() -> FetchError.Reason? {
        guard !began else { return nil }
        if plan.offset > 0, status == 206 {
            guard let range = headers.contentRange, range.start == plan.offset else {
                return .badResponse(
                    "asked for bytes from \(plan.offset), got \(headers.contentRangeText ?? "no Content-Range")")
            }
            bodyOffset = plan.offset
        }
        began = true
        pipe.begin(offset: bodyOffset, validator: validator)
        return nil
    }

    /// What would resume this body later: the server's validator when it accepts ranges; after a 206 that resumed
    /// it (nginx then sends no Accept-Ranges), the validator that was sent.
    var validator: String? {
        guard status == 200 || status == 206 else { return nil }
        if let point = headers.resumePoint { return point.validator }
        return bodyOffset > 0 ? plan.validator : nil
    }

    /// The header callback's work: the status line's reason phrase (for "HTTP 404 Not Found") and the headers that
    /// retries and resuming need. A new status line (after a redirect or a 100) forgets the previous headers.
    ///
    /// Works on the bytes: a response has a dozen header lines and the engine wants five of them, so the others are
    /// recognised by name without making a String (this runs on the loop thread for every header of every transfer).
    /// Trims HTTP's whitespace (SP, HTAB) and the line end.
    func header(_ line: UnsafeRawBufferPointer) {
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
            state = .receiving
            return
        }
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")),
            let field = ResponseHeaders.Field(name: text[..<colon])
        else { return }
        let value = text[(colon + 1)...].trimmingHTTPWhitespace()
        headers.record(field, String(decoding: value, as: UTF8.self))
    }
}

/// The response headers the engine acts on.
struct ResponseHeaders {
    var acceptsByteRanges = false
    var etag: String?
    var lastModified: String?
    var contentRangeText: String?
    var retryAfter: String?

    /// A strong validator for `If-Range`, when the server offered ranges: weak ETags (`W/`) may not be used there.
    var resumePoint: ResumePoint? {
        guard acceptsByteRanges else { return nil }
        if let etag, !etag.hasPrefix("W/") { return ResumePoint(validator: etag) }
        return lastModified.map { ResumePoint(validator: $0) }
    }

    /// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
    var contentRange: (start: Int64, total: Int64?)? {
        guard let text = contentRangeText, text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-"), let start = Int64(spec[..<dash]) else { return nil }
        let total = spec.split(separator: "/").last.flatMap { Int64($0) }
        return (start, total)
    }

    /// The header fields the engine acts on.
    enum Field {
        case acceptRanges, etag, lastModified, contentRange, retryAfter

        /// The field named `name` (ASCII, any case), or nil for a field the engine ignores. Allocates nothing.
        init?(name: Slice<UnsafeRawBufferPointer>) {
            func named(_ lowercase: StaticString) -> Bool {
                guard name.count == lowercase.utf8CodeUnitCount else { return false }
                return lowercase.withUTF8Buffer { expected in
                    zip(name, expected).allSatisfy { byte, want in
                        // ASCII letters only differ from their capitals in bit 5; '-' has no capital.
                        byte == want || (want >= UInt8(ascii: "a") && want <= UInt8(ascii: "z") && byte == want - 32)
                    }
                }
            }
            switch name.count {
            case 4 where named("etag"): self = .etag
            case 11 where named("retry-after"): self = .retryAfter
            case 13 where named("accept-ranges"): self = .acceptRanges
            case 13 where named("last-modified"): self = .lastModified
            case 13 where named("content-range"): self = .contentRange
            default: return nil
            }
        }
    }

    /// `value` trimmed of whitespace.
    mutating func record(_ field: Field, _ value: String) {
        switch field {
        case .acceptRanges: acceptsByteRanges = value.lowercased() == "bytes"
        case .etag: etag = value
        case .lastModified: lastModified = value
        case .contentRange: contentRangeText = value
        case .retryAfter: retryAfter = value
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Without leading and trailing SP, HTAB, CR and LF (HTTP's optional whitespace and the line end).
    func trimmingHTTPWhitespace() -> Slice<UnsafeRawBufferPointer> { self[...].trimmingHTTPWhitespace() }
}

extension Slice<UnsafeRawBufferPointer> {
    func trimmingHTTPWhitespace() -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
        }
        var start = startIndex
        var end = endIndex
        while start < end, isSpace(self[start]) { start += 1 }
        while end > start, isSpace(self[end - 1]) { end -= 1 }
        return self[start..<end]
    }
}

/// Paces one transfer to a rate by pausing it (CURL_WRITEFUNC_PAUSE) while it is ahead of schedule.
///
/// A token bucket holding at most 100 ms of credit; a write may overdraw it, and the transfer then waits until the
/// debt is paid. Done here rather than with CURLOPT_MAX_RECV_SPEED_LARGE because libcurl 7.88 reads up to a
/// second's worth per call and averages over 3 s windows, so on a fast link short transfers were not slowed at
/// all. Pacing pauses are ours: like backpressure, they never count towards a stall.
/// - SeeAlso: <https://curl.se/libcurl/c/curl_easy_pause.html>
struct RatePacer {
    var bytesPerSecond: Int
    private var credit: Double
    private var last: ContinuousClock.Instant
    /// Set while the write callback is refusing bytes for pacing.
    private(set) var isHolding = false

    init(bytesPerSecond: Int, now: ContinuousClock.Instant = .now) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        credit = Double(self.bytesPerSecond) / 10
        last = now
    }

    private mutating func refill(_ now: ContinuousClock.Instant) {
        let rate = Double(bytesPerSecond)
        credit = min(rate / 10, credit + rate * (now - last).seconds)
        last = now
    }

    /// True (and holding) while the bucket is in debt.
    mutating func mustWait(now: ContinuousClock.Instant) -> Bool {
        refill(now)
        isHolding = credit <= 0
        return isHolding
    }

    mutating func spend(_ count: Int) { credit -= Double(count) }

    /// Loop: whether a holding transfer may run again.
    mutating func mayResume(now: ContinuousClock.Instant) -> Bool {
        guard isHolding else { return false }
        refill(now)
        if credit > 0 { isHolding = false }
        return !isHolding
    }
}

/// Decides when a transfer has stalled: fewer than `bytes` received over `timeout` of *unpaused* time.
///
/// The window restarts whenever `bytes` more have arrived, so a complete stall is caught `timeout` after the last
/// good stretch. Time while our backpressure holds the transfer paused is not counted: a slow consumer is not a
/// slow server. This is why the loop checks stalls itself instead of CURLOPT_LOW_SPEED_TIME, whose window also
/// averages over paused stretches once the transfer runs again.
/// - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_LOW_SPEED_TIME.html>
struct StallMeter {
    private var mark: Int64 = 0
    private var active: Duration = .zero
    private var lastCheck: ContinuousClock.Instant

    init(since start: ContinuousClock.Instant) { lastCheck = start }

    mutating func isStalled(
        received: Int64, paused: Bool, now: ContinuousClock.Instant, bytes: Int64, timeout: Duration
    )
        -> Bool
    {
        let elapsed = now - lastCheck
        lastCheck = now
        if paused { return false }
        if received - mark >= max(1, bytes) {
            mark = received
            active = .zero
            return false
        }
        active += elapsed
        return active >= timeout
    }
}

@available(*, unavailable)
extension Transfer: Sendable {}

/// Bytes per second over about the last second, updated each time the loop publishes progress (not per callback).
///
/// Over a second, not a few tens of milliseconds: servers pace in bursts (nginx's `limit_rate` sends a second's
/// worth, then waits), and short windows swing between zero and several times the real rate.
struct RateMeter {
    static let window = Duration.seconds(1)
    private var samples: [(time: ContinuousClock.Instant, total: Int64)] = []
    private(set) var bytesPerSecond: Double = 0

    mutating func update(total: Int64, at now: ContinuousClock.Instant = .now) {
        samples.append((now, total))
        while samples.count > 2, now - samples[1].time >= Self.window { samples.removeFirst() }
        guard let first = samples.first else { return }
        let span = (now - first.time).seconds
        guard span >= 0.05 else { return }
        bytesPerSecond = Double(total - first.total) / span
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let c = view.first, c.isWhitespace { view.removeFirst() }
        while let c = view.last, c.isWhitespace { view.removeLast() }
        return String(view)
    }
}

// MARK: - curl callbacks (C function pointers: they capture nothing and find their Transfer through userdata)

let writeCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: size * count))
}

let headerCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.header(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
