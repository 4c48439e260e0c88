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
    let pipe: BodyPipe
    let handle: EasyHandle
    let maxBytes: Int64
    /// curl writes its detailed error text here (CURLOPT_ERRORBUFFER needs a stable address).
    let errorBuffer: UnsafeMutablePointer<CChar>

    var received: Int64 = 0
    var status = 0
    var statusText = ""
    /// Why a callback aborted the transfer, when one did; it explains curl's generic CURLE_WRITE_ERROR.
    var abortReason: FetchError.Reason?
    var isPaused = false
    var state: TransferState = .queued
    let started = ContinuousClock.now
    var rate = RateMeter()

    init(id: TransferID, request: Request, pipe: BodyPipe, handle: EasyHandle, maxBytes: Int64) {
        self.id = id
        self.request = request
        self.pipe = pipe
        self.handle = handle
        self.maxBytes = maxBytes
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit { errorBuffer.deallocate() }

    var errorText: String { String(cString: errorBuffer) }

    /// The write callback's work: check the status once, enforce the size cap, hand bytes to the consumer.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        if received == 0, status == 0 {
            status = handle.long(CURLINFO_RESPONSE_CODE) ?? 0
        }
        if status >= 400 {
            abortReason = .http(status: status, reason: statusText)
            return 0
        }
        if received + Int64(bytes.count) > maxBytes {
            abortReason = .tooLarge(limit: maxBytes)
            return 0
        }
        switch pipe.offer(bytes) {
        case .accepted:
            received += Int64(bytes.count)
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

    /// The header callback's work: remember the status line's reason phrase, for "HTTP 404 Not Found".
    func header(_ line: UnsafeRawBufferPointer) {
        guard line.starts(with: "HTTP/".utf8) else { return }
        let text = String(decoding: line, as: UTF8.self).trimmingWhitespace()
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, let code = Int(parts[1]) else { return }
        status = code
        statusText = parts.count == 3 ? String(parts[2]) : ""
        state = .receiving
    }
}

@available(*, unavailable)
extension Transfer: Sendable {}

/// Bytes per second, smoothed, updated by the loop each time it publishes progress (not per callback).
struct RateMeter {
    private var lastBytes: Int64 = 0
    private var lastTime = ContinuousClock.now
    private(set) var bytesPerSecond: Double = 0

    mutating func update(total: Int64, at now: ContinuousClock.Instant = .now) {
        let elapsed = (now - lastTime).seconds
        guard elapsed >= 0.05 else { return }
        let current = Double(total - lastBytes) / elapsed
        bytesPerSecond = bytesPerSecond == 0 ? current : 0.7 * bytesPerSecond + 0.3 * current
        lastBytes = total
        lastTime = now
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
