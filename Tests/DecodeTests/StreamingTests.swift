import Decode
import Imaging
import Testing

@Suite struct StreamingTests {
    @Test func rowsAreDecodedWhileTheBytesArrive() async throws {
        let bytes = try fixture("good/baseline-420.jpg")
        let decoder = JPEGDecoder(fitting: slot)
        let half = bytes.count / 2
        for start in stride(from: 0, to: half, by: 4096) {
            try await decoder.feed(Array(bytes[start..<min(start + 4096, half)]))
        }
        let rows = try #require(decoder.decodedSize).height
        #expect(Double(decoder.rowsDecoded) >= 0.4 * Double(rows), "\(decoder.rowsDecoded) of \(rows) rows")
    }

    @Test func imageSizeIsKnownAsSoonAsTheHeaderIsIn() async throws {
        let bytes = try fixture("good/orientation-6.jpg")
        let decoder = JPEGDecoder(fitting: slot)
        var fed = 0
        while decoder.imageSize == nil && fed < bytes.count {
            try await decoder.feed(Array(bytes[fed..<min(fed + 16, bytes.count)]))
            fed += 16
        }
        #expect(decoder.imageSize == PixelSize(width: 48, height: 32))  // upright: stored 32×48
        #expect(fed < bytes.count * 9 / 10, "size known only after \(fed) of \(bytes.count) bytes")
        #expect(decoder.rowsDecoded == 0)
    }

    @Test func onlyUnconsumedBytesAreHeld() async throws {
        let bytes = try fixture("good/baseline-420.jpg")
        let decoder = JPEGDecoder(fitting: slot)
        var most = 0
        for start in stride(from: 0, to: bytes.count, by: 4096) {
            try await decoder.feed(Array(bytes[start..<min(start + 4096, bytes.count)]))
            most = max(most, decoder.bytesHeld)
        }
        #expect(most < 8192, "held up to \(most) of \(bytes.count) bytes")
        _ = try decoder.finish()
    }

    @Test(arguments: [
        (64, 48, 64, 48), (65, 48, 128, 96), (512, 384, 512, 384), (1000, 1000, 512, 384), (0, 0, 512, 384),
    ])
    func dctScaleJustCoversTheBox(_ bw: Int, _ bh: Int, _ w: Int, _ h: Int) async throws {
        let decoder = JPEGDecoder(fitting: PixelSize(width: bw, height: bh))
        try await decoder.feed(try fixture("good/baseline-420.jpg"))
        #expect(decoder.decodedSize == PixelSize(width: w, height: h))
    }

    @Test func tooManyPixelsFailsBeforeDecoding() async throws {
        let limits = DecodeLimits(maxPixels: 1000)
        let error = await decodeError(try fixture("good/baseline-420.jpg"), limits: limits)
        #expect(error == .tooLarge(.jpeg, width: 512, height: 384, maxPixels: 1000))
    }

    @Test func progressiveOverTheMemoryCapIsAClearError() async throws {
        let limits = DecodeLimits(maxMemory: 100_000)
        let error = await decodeError(try fixture("good/progressive.jpg"), limits: limits)
        guard case .memoryLimit = error else {
            Issue.record("expected memoryLimit, got \(String(describing: error))")
            return
        }
    }

    @Test func largeProgressiveDecodesTakeTurns() async throws {
        let gate = LargeDecodeGate()
        let bytes = try fixture("good/progressive.jpg")
        #expect(gate.tryAcquire())  // someone else's large decode is running
        let limits = DecodeLimits(exclusiveAbove: 0)
        let task = Task {
            let decoder = JPEGDecoder(fitting: slot, limits: limits, gate: gate)
            try await decoder.feed(bytes)
            return try decoder.finish()
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!gate.tryAcquire())
        gate.release()  // the waiting decode now gets the gate, decodes, and gives it back
        let thumbnail = try await task.value
        #expect(thumbnail.imageSize == PixelSize(width: 320, height: 240))
        #expect(gate.tryAcquire())
        gate.release()
    }

    @Test func cancelledWhileWaitingForTheGate() async throws {
        let gate = LargeDecodeGate()
        let bytes = try fixture("good/progressive.jpg")
        #expect(gate.tryAcquire())
        let task = Task { () async -> DecodeError? in
            let decoder = JPEGDecoder(fitting: slot, limits: DecodeLimits(exclusiveAbove: 0), gate: gate)
            do throws(DecodeError) {
                try await decoder.feed(bytes)
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == .cancelled)
        gate.release()
        #expect(gate.tryAcquire())
    }
}
