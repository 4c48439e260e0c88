/// One body's attempts so far and what the next one asks for: the retry decisions, made without suspending.
///
/// A value apart from the reader's suspending code, so a reader waiting in the engine's queue holds only what it
/// needs, and the decisions' temporaries live on the thread's stack.
struct Attempts {
    let policy: RetryPolicy
    /// Body bytes the consumer holds: from `request.resume`, then from the attempts.
    var delivered: Int64
    /// Where the next attempt resumes; nil for a fresh start.
    var plan: ResumeToken?
    /// The validator of the body delivered so far: a retry may resume under it when the attempt that failed
    /// learnt none (it failed before its headers, or its 206 did not repeat Accept-Ranges).
    var known: ResumeToken?
    var retries = 0

    enum Next {
        case finished(Response)
        case retry(after: Duration)
    }

    init(request: Request, policy: RetryPolicy) {
        self.policy = policy
        let resume = request.method == .get ? request.resume.flatMap { $0.offset > 0 ? $0 : nil } : nil
        delivered = resume?.offset ?? 0
        plan = resume
        known = resume
    }

    /// A body starts at byte 0: whatever was delivered before is void.
    mutating func restart(resume: ResumeToken?) {
        known = resume
        delivered = 0
    }

    /// The response, or how long to wait before the next attempt (already planned); throws when there is none.
    @inline(never)
    mutating func next(after outcome: AttemptOutcome) throws(FetchError) -> Next {
        let error: FetchError
        switch outcome.result {
        case .success(var response):
            response.retries = retries
            return .finished(response)
        case .failure(let failure): error = failure
        }
        guard error.reason.isTransient, retries < policy.retries else {
            guard retries > 0, error.reason.isTransient else { throw error }
            throw FetchError(url: error.url, reason: .gaveUp(retries: retries, last: error.reason))
        }
        // Resume under the validator the server offered; without one, the body starts over (`.restart`).
        if let resume = outcome.resume ?? known, delivered > 0 {
            plan = resume.at(delivered)
        } else {
            plan = nil
        }
        retries += 1
        return .retry(
            after: policy.delay(beforeRetry: retries, retryAfter: outcome.retryAfter, jitter: Double.random(in: 0...1)))
    }
}
