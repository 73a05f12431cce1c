import GradeBenchCore
import Synchronization

/// Recently resolved API tokens, so that an authenticated request does not cost a database round trip. An entry is
/// re-read from the database at most every `freshness.revalidation` (one second) while in use, in the background
/// (`Freshness`); one unused for longer is re-read before it is trusted. Revoking a token through this store forgets it
/// at once; a revocation by another process (the CLI) takes effect within two seconds. Expiry is checked on every
/// request against the cached expiry time. Keyed by the token's SHA-256 digest, never its secret.
final class TokenCache: Sendable {
    private struct Entry {
        let user: User
        let token: TokenRecord
        var readAt: ContinuousClock.Instant
        var refreshing = false
    }

    /// Beyond this many entries the cache starts again empty (a server has a few thousand users' tokens).
    static let capacity = 50_000
    let freshness: Freshness
    private let entries = Mutex<[[UInt8]: Entry]>([:])
    /// Tokens revoked through this store: a background re-read that began before the revocation must not bring one back.
    private let revoked = Mutex<Set<Int64>>([])

    init(freshness: Freshness = Freshness()) {
        self.freshness = freshness
    }

    /// The cached owner, and whether this caller should re-read it in the background (`refresh(digest:)`).
    func lookup(digest: [UInt8]) -> (owner: (User, TokenRecord), refresh: Bool)? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard var entry = entries[digest] else { return nil }
            switch freshness.verdict(checkedAt: entry.readAt, refreshing: &entry.refreshing, now: now) {
            case .fresh: return ((entry.user, entry.token), false)
            case .refresh:
                entries[digest] = entry
                return ((entry.user, entry.token), true)
            case .expired: return nil
            }
        }
    }

    /// What a (re-)read found: the owner, or `nil` (no such token any more).
    func remember(digest: [UInt8], owner: (User, TokenRecord)?) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            guard let (user, token) = owner, token.revokedAt != nil || !revoked.withLock({ $0.contains(token.id) }) else {
                entries[digest] = nil
                return
            }
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[digest] = Entry(user: user, token: token, readAt: now)
        }
    }

    func forget(digest: [UInt8]) { _ = entries.withLock { $0.removeValue(forKey: digest) } }

    func forget(tokenID: Int64) {
        revoked.withLock { _ = $0.insert(tokenID) }
        entries.withLock { entries in entries = entries.filter { $0.value.token.id != tokenID } }
    }
}
