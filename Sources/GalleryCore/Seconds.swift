import Fetch

/// Seconds from `start` to now, for reports (`Duration.seconds` does the arithmetic).
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).seconds
}

func secondsBetween(_ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) -> Double {
    (end - start).seconds
}
