/// What a format's decoder keeps besides its C state: the first error (every later call throws it again), whether
/// `finish()` has run, the bytes fed, and its turn at `LargeDecodeGate` while it holds one.
///
/// Not Sendable: owned by one decoder, used by one task at a time.
final class DecodeLedger {
    let format: ImageFormat
    let gate: LargeDecodeGate
    private(set) var failure: DecodeError?
    private(set) var finished = false
    private(set) var bytesFed = 0
    private var holdsGate = false

    init(_ format: ImageFormat, gate: LargeDecodeGate = .shared) {
        self.format = format
        self.gate = gate
    }

    deinit { releaseGate() }

    /// Before handing `count` bytes to C: the earlier error if there was one; counts them otherwise.
    func admit(_ count: Int) throws(DecodeError) {
        if let failure { throw failure }
        precondition(!finished, "\(format) decoder fed after finish()")
        bytesFed += count
    }

    /// Before finishing: the earlier error if there was one; marks the decoder finished otherwise.
    func close() throws(DecodeError) {
        if let failure { throw failure }
        precondition(!finished, "\(format) decoder finished twice")
        finished = true
    }

    /// Records `error` as the decoder's answer from now on, and gives the gate back.
    func fail(_ error: DecodeError) -> DecodeError {
        failure = error
        releaseGate()
        return error
    }

    /// Waits for the gate; a cancelled wait fails the decoder.
    func takeGate() async throws(DecodeError) {
        do {
            try await gate.acquire()
        } catch {
            throw fail(.cancelled)
        }
        holdsGate = true
    }

    func releaseGate() {
        if holdsGate {
            holdsGate = false
            gate.release()
        }
    }
}

@available(*, unavailable)
extension DecodeLedger: Sendable {}
