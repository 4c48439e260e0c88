import Fetch
import Selection

/// Learns the sizes of list lines that have none, with HEAD requests through the fetch engine (a one-byte ranged GET
/// where a server refuses HEAD).
///
/// Probes in order with a sliding window of at most `concurrency` requests, and starts another only while the
/// eligible ones found plus those in flight are fewer than needed: a list of sizeless lines where every probe
/// succeeds costs exactly `need` HEADs, and each ineligible or failed probe costs one more.
struct SizeProber: Sendable {
    let fetcher: Fetcher
    let concurrency: Int
    let rules: SelectionRules
    /// Told about each probe that failed, for a warning; the line is then ineligible.
    let onFailure: @Sendable (Candidate, String) -> Void

    func fill(from sample: [Candidate], need: Int) async -> (found: [Candidate], probed: Int) {
        var next = sample.startIndex
        var found: [(position: Int, candidate: Candidate)] = []
        var inFlight = 0
        await withTaskGroup(of: (Int, Candidate?).self) { group in
            func startMore() {
                while next < sample.endIndex, inFlight < concurrency, found.count + inFlight < need {
                    let (position, candidate) = (next, sample[next])
                    next += 1
                    inFlight += 1
                    group.addTask { (position, await sized(candidate)) }
                }
            }
            startMore()
            for await (position, candidate) in group {
                inFlight -= 1
                if let candidate, rules.admits(size: candidate.size) { found.append((position, candidate)) }
                startMore()
            }
        }
        // In sample order, so the first eligible lines win whatever order their answers came in.
        return (found.sorted { $0.position < $1.position }.map(\.candidate), next - sample.startIndex)
    }

    /// The candidate with its size filled in, or unchanged when the server did not say; nil when the HEAD failed.
    /// `ListChoice`'s probe for first-N, where each unsized line is probed when reached.
    func sized(_ candidate: Candidate) async -> Candidate? {
        do {
            var sized = candidate
            sized.size = try await fetcher.size(of: candidate.url)
            return sized
        } catch let error as FetchError {
            onFailure(candidate, error.reasonText)
        } catch {
            onFailure(candidate, String(describing: error))
        }
        return nil
    }
}
