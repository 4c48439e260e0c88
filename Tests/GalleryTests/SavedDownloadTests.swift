import Decode
import Fetch
import Foundation
import GalleryTestSupport
import Imaging
import Selection
import Testing

@testable import GalleryCore

/// `SavedDownload`'s rules for a part an earlier run left, through `ImageJob` in process against nginx.
@Suite(.serialized)
struct SavedDownloadTests {
    /// One image job saving `slow.jpg` into a fresh folder, beside the server and the folder to inspect.
    struct Setup {
        let server: JPEGServer
        let out: TempFolder
        let fetcher: Fetcher
        let job: ImageJob
        let candidate: Candidate

        init() throws {
            server = try JPEGServer(names: ["a.jpg"])
            out = try TempFolder()
            fetcher = try Fetcher()
            let folder = try SaveFolder(path: out.url.path)
            candidate = Candidate(line: 1, url: server.url("a.jpg"), size: nil)
            job = ImageJob(
                fetcher: fetcher, box: { PixelSize(width: 64, height: 48) }, limits: .default,
                save: folder)
        }

        /// Leaves `.a.jpg.part` (and its validator, if any) as a killed run would have.
        func leavePart(_ bytes: [UInt8], validator: String?) throws {
            try out.write(".a.jpg.part", bytes: bytes)
            if let validator { try out.write(".a.jpg.part.validator", bytes: Array((validator + "\n").utf8)) }
        }

        /// nginx's validator for the file, as the body stream reports it.
        func validator() async throws -> String {
            for try await event in fetcher.body(for: Request(url: candidate.url)) {
                if case .restart(let token) = event { return try #require(token?.validator) }
            }
            throw CancellationError()
        }

        /// Runs the job and checks it saved the server's file and left nothing else.
        func runAndExpectTheWholeFile() async throws -> ShownImage? {
            let outcome = await job.run(candidate, savingAs: "a.jpg")
            await fetcher.shutdown()
            guard case .shown(let image) = outcome else {
                Issue.record("not shown: \(outcome)")
                return nil
            }
            #expect(SaveTests.files(in: out.url) == ["a.jpg"])
            #expect([UInt8](try Data(contentsOf: out.url.appendingPathComponent("a.jpg"))) == server.jpeg)
            return image
        }

        var statuses: [Int] { SaveTests.statuses(of: "/a.jpg", in: server.nginx.accessLog()) }

        func stop() {
            server.stop()
            out.remove()
        }
    }

    /// The part already held the whole file: the range request gets 416, and the part starts over from byte 0.
    @Test func aPartHoldingTheWholeFileGets416AndStartsOver() async throws {
        let setup = try Setup()
        defer { setup.stop() }
        let validator = try await setup.validator()
        try setup.leavePart(setup.server.jpeg, validator: validator)
        let image = try await setup.runAndExpectTheWholeFile()
        #expect(image?.resumedFrom == nil)
        #expect(setup.statuses == [200, 416, 200])
    }

    /// The file changed since the part was written: If-Range does not match, the whole file comes (200), and the
    /// part's bytes, already fed to the decoder, are dropped with it.
    @Test func aPartUnderAnOldValidatorRestartsWithTheWholeFile() async throws {
        let setup = try Setup()
        defer { setup.stop() }
        try setup.leavePart(Array(setup.server.jpeg.prefix(1000)), validator: "\"an-old-etag\"")
        let image = try await setup.runAndExpectTheWholeFile()
        #expect(image?.resumedFrom == nil)
        #expect(setup.statuses == [200])
    }

    /// A part under the current validator continues where it ended (206).
    @Test func aPartUnderTheCurrentValidatorContinues() async throws {
        let setup = try Setup()
        defer { setup.stop() }
        let validator = try await setup.validator()
        try setup.leavePart(Array(setup.server.jpeg.prefix(1000)), validator: validator)
        let image = try await setup.runAndExpectTheWholeFile()
        #expect(image?.resumedFrom == 1000)
        #expect(setup.statuses == [200, 206])
    }

    /// Without a validator a part cannot be continued, and bytes that do not decode are no use: both start over
    /// without asking for a range.
    @Test(arguments: [false, true])
    func aPartThatCannotBeContinuedStartsOver(withValidator: Bool) async throws {
        let setup = try Setup()
        defer { setup.stop() }
        let validator = withValidator ? try await setup.validator() : nil
        try setup.leavePart([UInt8](repeating: 0x42, count: 1000), validator: validator)
        let image = try await setup.runAndExpectTheWholeFile()
        #expect(image?.resumedFrom == nil)
        #expect(setup.statuses == (withValidator ? [200, 200] : [200]))
        #expect(!setup.server.nginx.accessLog().contains("206"))
    }
}
