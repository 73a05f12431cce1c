/// How the read caches (tokens, computed responses, a collection's latest snapshot) decide whether what they hold may
/// be served: *fresh* within `revalidation` of its last check; for as long again it is still served, while one caller
/// re-checks it in the background (`refresh`), so no request waits on that query under load; after that it is
/// *expired* and the request re-checks before answering. So what is served was checked at most twice `revalidation`
/// ago (two seconds by default).
public struct Freshness: Sendable {
    public enum Verdict: Sendable {
        case fresh
        /// Serve it, and re-check it in the background (this caller was chosen to).
        case refresh
        case expired
    }

    public let revalidation: Duration

    public init(revalidation: Duration = .seconds(1)) {
        self.revalidation = revalidation
    }

    /// `refreshing` is the entry's flag that a background re-check is under way; set when `.refresh` is returned.
    public func verdict(checkedAt: ContinuousClock.Instant, refreshing: inout Bool, now: ContinuousClock.Instant = .now) -> Verdict {
        let age = now - checkedAt
        if age < revalidation { return .fresh }
        guard age < revalidation * 2 else { return .expired }
        if refreshing { return .fresh }
        refreshing = true
        return .refresh
    }
}
