import Hummingbird
import Synchronization

/// Computed response bodies kept while what they were computed from (their `Basis`: snapshot and submission ids)
/// is unchanged. A body younger than `revalidation` is served as it is; an older one is served again only after the
/// caller has re-read its basis (one cheap query) and found it the same.
final class ResponseCache<Key: Hashable & Sendable, Basis: Equatable & Sendable>: Sendable {
    private struct Entry {
        let basis: Basis
        let body: ByteBuffer
        var checkedAt: ContinuousClock.Instant
    }

    /// Beyond this many bodies the cache starts again empty.
    let capacity: Int
    let revalidation: Duration
    private let entries = Mutex<[Key: Entry]>([:])

    init(revalidation: Duration, capacity: Int = 20_000) {
        self.revalidation = revalidation
        self.capacity = capacity
    }

    /// A body checked within `revalidation`.
    func fresh(_ key: Key) -> ByteBuffer? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key], now - entry.checkedAt < revalidation else { return nil }
            return entry.body
        }
    }

    /// The body, if it was computed from `basis`, marked checked now.
    func revalidated(_ key: Key, basis: Basis) -> ByteBuffer? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard var entry = entries[key], entry.basis == basis else { return nil }
            entry.checkedAt = now
            entries[key] = entry
            return entry.body
        }
    }

    func remember(_ key: Key, basis: Basis, body: ByteBuffer) {
        let entry = Entry(basis: basis, body: body, checkedAt: .now)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }
}
