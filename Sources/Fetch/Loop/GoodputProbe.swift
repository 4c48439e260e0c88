/// Decides whether more transfers at once still raise the aggregate goodput, from what the loop delivered.
///
/// Pure logic on the loop thread: the loop feeds it a `GoodputSample` each turn and reads `receivers` and
/// `regime`. It reads no clock of its own, so tests drive it with synthetic samples.
///
/// 1. Baseline: every contender receives, and it measures the aggregate over `window` of time in which some
///    transfer could receive. If the aggregate was quiet for `idleShare` of that time, the link had room to spare
///    while every transfer was free to use it: each connection is limited on its own (nginx's `limit_rate` sends a
///    second's worth at once, then waits), and the run keeps full concurrency.
/// 2. Trials: otherwise a quarter as many receive, then a quarter of that, down to one, each level measured against
///    the level above it. The two regimes predict opposite things: where each connection is limited on its own the
///    aggregate falls in proportion to the receivers (a quarter as many deliver a quarter as much); where they share
///    one bottleneck it stays where it was. A level passes when its share of the level above is nearer the shared
///    prediction than the proportional one (`required(level:above:)`), so a trial still ramping up (the leaders'
///    congestion windows growing into the room the held flows left) is not taken for a per-connection server. The
///    first level that fails, or goes quiet, settles the regime on the level above it. Starting from full
///    concurrency and stepping down, rather than
///    ramping up, means a per-connection server loses nothing while the probe learns: every request is already
///    in, and the ones held during a trial are a window behind at most.
/// 3. Monitoring: while link-bound, two windows in a row that go quiet or fall below `keep` of the best seen double
///    the receivers for one window (the link got faster, or the leaders got limited elsewhere); the doubling stays
///    only if it raises the aggregate by a quarter over the second of those windows.
///
/// Windows in which consumers held back receivers (backpressure) are set aside at every step: they measure how fast
/// the decoders take bytes, which stays put whatever the receivers, just as a shared link would. So are a trial's
/// windows in which the held transfers' receive buffers were still filling: while the held flows take their share
/// of the link, a shared link and a server pacing each connection look alike. Waiting for full buffers costs the held
/// transfers nothing, since until then they still receive.
///
/// Per-connection is final for the run. Such servers pace in bursts a second apart, so any window short enough to
/// be cheap for the held transfers would see a quiet stretch or a burst, not the rate, and flip the regime on noise.
struct GoodputProbe {
    struct Settings: Sendable {
        /// Counted time per measurement (time in which nothing could receive does not count).
        var window: Duration = .milliseconds(200)
        /// After the first body byte the baseline waits this long: the flows are still in slow start, which on a
        /// path with a queue (tens of ms of RTT) takes several round trips and would read as a quiet link.
        var warmUp: Duration = .milliseconds(150)
        /// After the receivers change, samples are ignored this long: the held flows' socket buffers fill first.
        var settle: Duration = .milliseconds(60)
        /// Fewer receivers fill the link when they keep this share of the goodput of more (the most a trial needs).
        var keep = 0.8
        /// The least a trial needs, however few it keeps receiving: a proportional loss from ten receivers to two is
        /// a fifth, so half leaves a wide margin on both sides.
        var least = 0.5
        /// A window quiet for this share of its time had spare capacity.
        var idleShare = 0.25
        /// A trial window quiet for this share of its time ends the trial: a flow growing into room the held ones
        /// left is slow but never silent, while a server pacing each connection stops sending altogether between
        /// its bursts (and a burst into the held flows' buffers right after would pass for a climb).
        var silentShare = 0.9
        /// Each trial divides the receivers by this.
        var step = 4
        /// A trial whose goodput is still climbing goes on, up to this long in all: on a shared queue the leaders'
        /// congestion windows take several round trips to grow into the room the held flows left, while a
        /// per-connection server's loss is there at once and stays.
        var longestTrial: Duration = .milliseconds(1500)
        /// A window that beats the trial's previous one by this factor is still climbing.
        var climb = 1.1
        /// A window in which consumers held back some receiver for this share of its time measured the consumers
        /// (decoders behind on a busy CPU), not the link.
        var consumerHeldShare = 0.2
        /// A trial window in which this share of what arrived stayed in unread receive buffers measured the held
        /// flows filling them: the trial starts over once they are full.
        var bufferedShare = 0.25
        /// The most a trial waits for the held flows' buffers to fill (they hold a few hundred KiB each, a
        /// fraction of a second even on a slow link); still filling after this, the trial is lost.
        var longestFill: Duration = .seconds(3)
    }

    private enum Phase {
        case baseline
        /// `level` receive since `since`; `above` did before (the baseline or the last level passed), at `reference`
        /// bytes/s. `last` is this trial's previous window's goodput, if it had one.
        case trial(level: Int, above: Int, reference: Double, since: ContinuousClock.Instant, last: Double?)
        /// Link-bound at the regime's receivers; `best` is the best goodput seen there.
        /// `short`: the last window already fell short of `best`. A raise waits for a second one, measured wholly
        /// after the change, so its goodput is the degraded rate the raise must beat, not a mix with the old one.
        case monitoring(best: Double, short: Bool)
        /// Testing `level` receivers after the regime's receivers fell from `best` to `degraded` bytes/s.
        case raising(level: Int, best: Double, degraded: Double)
        case final
    }

    let settings: Settings
    private(set) var regime: LinkRegime = .undecided
    private var phase = Phase.baseline
    private var window: GoodputWindow?
    private var ignoreUntil: ContinuousClock.Instant?
    private var warmedUp = false
    /// How many received in the baseline: the level the first trial is measured against.
    private var baselineReceivers: Int?
    /// When the current trial level began, for `longestFill`.
    private var trialBegan: ContinuousClock.Instant?

    init(settings: Settings = Settings()) { self.settings = settings }

    /// Per-connection was found: nothing is left to measure.
    var isFinal: Bool {
        if case .final = phase { return true }
        return false
    }

    /// How many transfers should receive at full rate now, trials included; nil = every one.
    var receivers: Int? {
        switch phase {
        case .trial(let level, _, _, _, _), .raising(let level, _, _): level
        case .baseline, .monitoring, .final: regime.receivers
        }
    }

    /// Takes one sample; returns the new regime when this sample decided or changed it.
    mutating func observe(_ sample: GoodputSample) -> LinkRegime? {
        if case .final = phase { return nil }
        if case .baseline = phase, sample.contenders < 2 || sample.delivered == 0 {
            // One transfer has nothing to share the link with; measure once there are two. Before the first body
            // byte the time goes to connecting and headers, which would read as a quiet link.
            window = nil
            return nil
        }
        if !warmedUp {
            warmedUp = true
            ignoreUntil = sample.at + settings.warmUp
        }
        if let until = ignoreUntil {
            guard sample.at >= until else { return nil }
            ignoreUntil = nil
            window = nil
        }
        guard var current = window else {
            window = GoodputWindow(from: sample)
            return nil
        }
        current.add(sample)
        window = current
        guard current.seconds >= settings.window.seconds || trialIsClear(current) else { return nil }
        window = nil
        if current.consumerHeldShare >= settings.consumerHeldShare {
            return setAside(contenders: sample.contenders, at: sample.at)
        }
        if current.bufferedShare >= settings.bufferedShare, case .trial = phase {
            return awaitFullBuffers(contenders: sample.contenders, at: sample.at)
        }
        return conclude(current, contenders: sample.contenders, at: sample.at)
    }

    private mutating func conclude(_ measured: GoodputWindow, contenders: Int, at now: ContinuousClock.Instant)
        -> LinkRegime?
    {
        let goodput = measured.goodput
        let quiet = measured.quietShare >= settings.idleShare
        switch phase {
        case .baseline:
            if quiet { return settle(.perConnection) }
            let trial = Phase.trial(
                level: lower(contenders), above: contenders, reference: goodput, since: now, last: nil)
            baselineReceivers = contenders
            return change(to: trial, at: now)
        case .trial(let level, let above, let reference, let since, let last):
            // The freshest third: the held flows' buffers have filled by then, or are filling still.
            let recent = measured.recentGoodput(over: settings.window.seconds / 3)
            guard !quiet, recent >= required(level: level, above: above) * reference else {
                // A failing trial gets a second window at least, and more while each beats the one before. A ramp
                // has slow stretches at its start, so a climbing window goes on even if it was partly quiet.
                let silent = measured.quietShare >= settings.silentShare
                let climbing = !silent && (last.map { goodput > settings.climb * $0 } ?? true)
                if climbing && now - since < settings.longestTrial {
                    phase = .trial(level: level, above: above, reference: reference, since: since, last: goodput)
                    return nil
                }
                return lose(above: above, contenders: contenders, at: now)
            }
            if level <= 1 { return settle(.linkBound(receivers: 1), at: now, best: recent) }
            let next = Phase.trial(
                level: lower(level), above: level, reference: max(recent, goodput), since: now, last: nil)
            return change(to: next, at: now)
        case .monitoring(let best, let short):
            guard let current = regime.receivers else { return nil }
            if !quiet && goodput >= settings.keep * best {
                phase = .monitoring(best: max(best, goodput), short: false)
                return nil
            }
            guard short else {
                phase = .monitoring(best: best, short: true)
                return nil
            }
            guard current < contenders else { return nil }
            let raised = min(contenders, current * 2)
            return change(to: .raising(level: raised, best: best, degraded: goodput), at: now)
        case .raising(let level, let best, let degraded):
            if goodput >= degraded / settings.keep {
                // The old best stays the reference: if this level still falls short of it, the next window raises
                // again.
                let found: LinkRegime = level >= contenders ? .perConnection : .linkBound(receivers: level)
                return settle(found, at: now, best: max(best, goodput))
            }
            // The link itself slowed: fewer receivers still fill it, at its new rate.
            phase = .monitoring(best: max(goodput, degraded), short: false)
            ignoreUntil = now + settings.settle
            return nil
        case .final:
            return nil
        }
    }

    /// The trial failed: the level above it is the regime. Losing against everyone who received in the baseline is
    /// per-connection, also when more transfers have arrived since: they are limited on their own connections like
    /// the rest.
    private mutating func lose(above: Int, contenders: Int, at now: ContinuousClock.Instant) -> LinkRegime? {
        let everyone = above >= contenders || above == baselineReceivers
        return settle(everyone ? .perConnection : .linkBound(receivers: above), at: now)
    }

    /// A window the consumers limited decides nothing, since the receivers' own backpressure (and a server's burst
    /// landing in their paused buffers) looks just like a link they share: the baseline measures again while every
    /// transfer keeps receiving, and monitoring keeps its regime. A trial goes on up to `longestTrial`; held by its
    /// consumers all that time, it is lost, since holding transfers back for a link nobody showed to be the limit
    /// only costs them time.
    private mutating func setAside(contenders: Int, at now: ContinuousClock.Instant) -> LinkRegime? {
        guard case .trial(_, let above, _, let since, _) = phase, now - since >= settings.longestTrial else {
            return nil
        }
        return lose(above: above, contenders: contenders, at: now)
    }

    /// The held flows are still filling their receive buffers: the trial's own time starts over, so the windows it
    /// is judged on come after them. Lost if they are still filling after `longestFill`: a trial must end.
    private mutating func awaitFullBuffers(contenders: Int, at now: ContinuousClock.Instant) -> LinkRegime? {
        guard case .trial(let level, let above, let reference, _, _) = phase else { return nil }
        if let began = trialBegan, now - began >= settings.longestFill {
            return lose(above: above, contenders: contenders, at: now)
        }
        phase = .trial(level: level, above: above, reference: reference, since: now, last: nil)
        return nil
    }

    /// A trial that already keeps its share a third of the way in (and is not quiet) moves the link to the
    /// leaders at once: waiting would only cost the first image time. "Lost" is never decided early: a ramp (the
    /// leaders' congestion windows growing into the room the held flows left) starts slow.
    private func trialIsClear(_ current: GoodputWindow) -> Bool {
        guard case .trial(let level, let above, let reference, _, _) = phase,
            current.seconds >= settings.window.seconds / 3
        else { return false }
        let share = required(level: level, above: above)
        return current.goodput >= share * reference && current.quietShare < settings.idleShare
            && current.consumerHeldShare < settings.consumerHeldShare && current.bufferedShare < settings.bufferedShare
    }

    /// The share of the level above's goodput that `level` receivers must keep to count as filling the link: the
    /// geometric middle between the shared link's prediction (all of it) and a per-connection server's
    /// (`level / above`), held between `least` and `keep`.
    func required(level: Int, above: Int) -> Double {
        let proportional = Double(max(1, level)) / Double(max(1, above, level))
        return min(settings.keep, max(settings.least, proportional.squareRoot()))
    }

    private func lower(_ level: Int) -> Int { max(1, level / max(2, settings.step)) }

    private mutating func change(to next: Phase, at now: ContinuousClock.Instant) -> LinkRegime? {
        phase = next
        if case .trial = next { trialBegan = now }
        ignoreUntil = now + settings.settle
        return nil
    }

    /// Per-connection ends the probing; link-bound keeps monitoring from `best` (0: the first window sets it).
    private mutating func settle(_ found: LinkRegime, at now: ContinuousClock.Instant? = nil, best: Double = 0)
        -> LinkRegime?
    {
        if found == .perConnection {
            phase = .final
        } else {
            phase = .monitoring(best: best, short: false)
            if let now { ignoreUntil = now + settings.settle }
        }
        let changed = found != regime
        regime = found
        return changed ? found : nil
    }
}
