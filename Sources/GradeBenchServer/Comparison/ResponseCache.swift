import CompressNIO
import GradeBenchCore
import GradeBenchStore
import Hummingbird
import Synchronization

/// A computed response body, and the same gzip-compressed for clients that accept it (compressed once, at the best level, when
/// the body is computed: a national comparison of every pupil group is ~240 kB of JSON and ~10 times smaller compressed).
struct CachedBody: Sendable {
    let plain: ByteBuffer
    let gzip: ByteBuffer

    init(_ plain: ByteBuffer) {
        self.plain = plain
        var input = plain
        if let compressed = try? input.compress(with: .gzip(configuration: .init(compressionLevel: .bestCompression))) {
            // The compressor allocates for the worst case; keep only the bytes.
            var exact = ByteBufferAllocator().buffer(capacity: compressed.readableBytes)
            exact.writeImmutableBuffer(compressed)
            gzip = exact
        } else {
            gzip = plain
        }
    }

    /// The response: gzip when the request's `Accept-Encoding` names it (and it is smaller).
    func response(to request: Request, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.vary] = "Accept-Encoding"
        if gzip.readableBytes < plain.readableBytes, let accepted = request.headers[.acceptEncoding], Self.acceptsGzip(accepted) {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzip))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: plain))
    }

    /// `gzip` listed without `q=0`.
    static func acceptsGzip(_ header: String) -> Bool {
        header.split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { String($0).trimmedBlanks }
            guard parts.first?.lowercased() == "gzip" else { return false }
            return !parts.dropFirst().contains { $0.lowercased().hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
        }
    }
}

/// Computed response bodies kept while what they were computed from (their `Basis`: snapshot and submission ids)
/// is unchanged, re-checked as `Freshness` says: in use, in the background every `revalidation`; unused for longer,
/// before it is served again.
final class ResponseCache<Key: Hashable & Sendable, Basis: Equatable & Sendable>: Sendable {
    private struct Entry {
        let basis: Basis
        let body: CachedBody
        var checkedAt: ContinuousClock.Instant
        var refreshing = false

        var bytes: Int { body.plain.readableBytes + body.gzip.readableBytes }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// The bodies' bytes, plain and compressed.
        var bytes = 0

        mutating func set(_ key: Key, _ entry: Entry?) {
            bytes -= entries[key]?.bytes ?? 0
            bytes += entry?.bytes ?? 0
            entries[key] = entry
        }
    }

    /// When the bodies would take more than this many bytes, the cache starts again empty (the bodies of every
    /// school's every-group comparison, national scale, are ~0.9 GB; the ones in use are a fraction of that).
    let budget: Int
    let freshness: Freshness
    private let state = Mutex(State())

    init(revalidation: Duration, budget: Int = 256 << 20) {
        freshness = Freshness(revalidation: revalidation)
        self.budget = budget
    }

    /// The body to serve without waiting, if there is one; when it is due a re-check, `basis` is read in the
    /// background and the body kept (if unchanged) or dropped.
    func body(_ key: Key, basis: @escaping @Sendable () async throws -> Basis) -> CachedBody? {
        let now = ContinuousClock.now
        let (body, refresh) = state.withLock { state -> (CachedBody?, Bool) in
            guard var entry = state.entries[key] else { return (nil, false) }
            switch freshness.verdict(checkedAt: entry.checkedAt, refreshing: &entry.refreshing, now: now) {
            case .fresh: return (entry.body, false)
            case .refresh:
                state.entries[key] = entry
                return (entry.body, true)
            case .expired: return (nil, false)
            }
        }
        if refresh {
            Task {
                let current = try? await basis()
                self.state.withLock { state in
                    guard var entry = state.entries[key] else { return }
                    if let current, current == entry.basis {
                        entry.checkedAt = .now
                        entry.refreshing = false
                        state.entries[key] = entry
                    } else {
                        state.set(key, nil)
                    }
                }
            }
        }
        return body
    }

    /// The body, if it was computed from `basis`, marked checked now.
    func revalidated(_ key: Key, basis: Basis) -> CachedBody? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard var entry = state.entries[key], entry.basis == basis else { return nil }
            entry.checkedAt = now
            entry.refreshing = false
            state.entries[key] = entry
            return entry.body
        }
    }

    /// Keeps `plain` (and its compressed form) for `key`.
    func remember(_ key: Key, basis: Basis, body plain: ByteBuffer) -> CachedBody {
        let body = CachedBody(plain)
        let entry = Entry(basis: basis, body: body, checkedAt: .now)
        state.withLock { state in
            if state.bytes + entry.bytes > budget { state = State() }
            state.set(key, entry)
        }
        return body
    }

    /// The bodies' bytes now (for tests).
    var bytes: Int { state.withLock { $0.bytes } }
}
