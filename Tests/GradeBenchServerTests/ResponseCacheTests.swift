import NIOCore
import Testing

@testable import GradeBenchServer

/// The comparison and benchmark bodies' cache: kept per basis, and never more than its byte budget.
@Suite("Response cache")
struct ResponseCacheTests {
    static func body(_ size: Int) -> ByteBuffer { ByteBuffer(bytes: (0..<size).map { UInt8($0 % 251) }) }

    @Test func aBodyIsServedOnlyForItsBasis() {
        let cache = ResponseCache<String, Int>(revalidation: .seconds(60))
        _ = cache.remember("a", basis: 1, body: Self.body(100))
        #expect(cache.body("a", basis: { 1 })?.plain == Self.body(100))
        #expect(cache.revalidated("a", basis: 2) == nil)
        #expect(cache.revalidated("a", basis: 1)?.plain == Self.body(100))
        #expect(cache.body("b", basis: { 1 }) == nil)
    }

    @Test func theBudgetBoundsTheBytesKept() {
        let cache = ResponseCache<Int, Int>(revalidation: .seconds(60), budget: 10_000)
        for key in 0..<50 { _ = cache.remember(key, basis: 0, body: Self.body(1_000)) }
        #expect(cache.bytes <= 10_000)
        #expect(cache.body(49, basis: { 0 }) != nil)  // the newest is kept
        _ = cache.remember(49, basis: 1, body: Self.body(500))  // replacing counts the old body out
        #expect(cache.bytes <= 10_000)
    }
}
