import Testing

@testable import Fetch

extension FetchEngine {
    /// The failures of the multi handle's calls that a test can provoke without breaking curl, and what follows.
    @Suite struct MultiHandleTests {
        /// curl refuses a handle that is already in: the error names the call, and the handle stays usable.
        @Test func addingAHandleTwiceIsRefusedNamingTheCall() throws {
            #expect(CurlRuntime.ensureInitialised() == nil)
            let multi = try #require(MultiHandle())
            let easy = try #require(EasyHandle())
            #expect(multi.add(easy) == nil)
            let refused = try #require(multi.add(easy))
            #expect(refused.description.hasPrefix("curl_multi_add_handle: "))
            #expect(multi.remove(easy))
            #expect(multi.add(easy) == nil, "after a refused add the handle can still be added")
            #expect(multi.remove(easy))
            multi.close()
        }

        /// After `close`, every call is a no-op and reports what the loop needs: nothing finished, nothing removed.
        @Test func aClosedMultiHandleRefusesCallsWithoutCrashing() throws {
            #expect(CurlRuntime.ensureInitialised() == nil)
            let multi = try #require(MultiHandle())
            let easy = try #require(EasyHandle())
            multi.close()
            multi.close()
            #expect(multi.waker == nil)
            #expect(multi.add(easy)?.description.hasPrefix("curl_multi_add_handle: ") == true)
            #expect(!multi.remove(easy))
            #expect(multi.perform() == nil)
            #expect(multi.nextFinished() == nil)
            multi.poll(milliseconds: 1)
        }

        /// An idle handle keeps no pointer into the transfer it served.
        @Test func aDetachedHandleHasNoUserdataLeft() throws {
            #expect(CurlRuntime.ensureInitialised() == nil)
            let easy = try #require(EasyHandle())
            #expect(easy.detach())
        }
    }
}
