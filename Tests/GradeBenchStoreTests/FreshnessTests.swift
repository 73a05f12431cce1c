import GradeBenchStore
import Testing

/// The read caches' rule: fresh for one interval, served while one caller re-checks for another, then expired.
@Suite("Freshness")
struct FreshnessTests {
    @Test(arguments: [(0.5, Freshness.Verdict.fresh), (1.0, .refresh), (1.9, .refresh), (2.0, .expired), (60, .expired)])
    func verdict(age: Double, expected: Freshness.Verdict) {
        let freshness = Freshness(revalidation: .seconds(1))
        let now = ContinuousClock.now
        var refreshing = false
        #expect(freshness.verdict(checkedAt: now - .milliseconds(Int(age * 1000)), refreshing: &refreshing, now: now) == expected)
        #expect(refreshing == (expected == .refresh))
    }

    /// Only the first caller past the interval re-checks; the others are served meanwhile.
    @Test func oneRefreshAtATime() {
        let freshness = Freshness(revalidation: .seconds(1))
        let now = ContinuousClock.now
        var refreshing = false
        let verdicts = (0..<3).map { _ in freshness.verdict(checkedAt: now - .milliseconds(1500), refreshing: &refreshing, now: now) }
        #expect(verdicts == [.refresh, .fresh, .fresh])
    }
}
