import GradeBenchCore
import Synchronization

/// Recently resolved API tokens, so that an authenticated request does not cost a database round trip: an entry is
/// trusted for `revalidation` (one second) after it was read, then read again. Revoking a token through this store
/// forgets it at once; a revocation by another process (the CLI) takes effect within `revalidation`. Expiry is checked
/// on every request against the cached expiry time. Keyed by the token's SHA-256 digest, never its secret.
final class TokenCache: Sendable {
    private struct Entry {
        let user: User
        let token: TokenRecord
        let readAt: ContinuousClock.Instant
    }

    /// Beyond this many entries the cache starts again empty (a server has a few thousand users' tokens).
    static let capacity = 50_000
    let revalidation: Duration
    private let entries = Mutex<[[UInt8]: Entry]>([:])

    init(revalidation: Duration = .seconds(1)) {
        self.revalidation = revalidation
    }

    func lookup(digest: [UInt8]) -> (User, TokenRecord)? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[digest], now - entry.readAt < revalidation else { return nil }
            return (entry.user, entry.token)
        }
    }

    func remember(digest: [UInt8], user: User, token: TokenRecord) {
        let entry = Entry(user: user, token: token, readAt: .now)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[digest] = entry
        }
    }

    func forget(tokenID: Int64) {
        entries.withLock { entries in entries = entries.filter { $0.value.token.id != tokenID } }
    }
}
