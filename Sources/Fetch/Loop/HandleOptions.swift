import CCurl

/// Easy handles for transfers: taken from the idle list or made, and given each transfer's options.
extension FetchLoop {
    /// The easy handle for a transfer about to start, configured; nil (and the pipe finished) when curl refuses.
    func makeTransfer(_ pending: Pending) -> Transfer? {
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
        let transfer = Transfer(pending: pending, handle: handle, maxBytes: configuration.maxBytes)
        if let problem = configure(transfer) {
            pending.pipe.finish(FetchError(url: url, reason: .setup(problem)))
            return nil
        }
        return transfer
    }

    /// Sets the options every transfer of this engine shares, once per easy handle: they stay set while the handle
    /// is reused. Returns curl's complaint about the first option it refused.
    func configureOnce(_ h: EasyHandle) -> String? {
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
        codes += multi.sockets.adopt(h)
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
    func configure(_ transfer: Transfer) -> String? {
        let h = transfer.handle
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        var range: String?
        var headers: [String] = []
        switch transfer.request.method {
        case .get, .head: break
        case .probe: range = "0-0"
        }
        if let plan = transfer.plan, plan.offset > 0 {
            // Range + If-Range: the rest of the body if it is still the same file, the whole new file otherwise.
            // - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_RANGE.html>
            range = "\(plan.offset)-"
            headers.append("If-Range: \(plan.validator)")
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
}
