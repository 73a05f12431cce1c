import Testing

@testable import GradeBenchCore

@Suite("Audit chain")
struct AuditChainTests {
    func chain(_ count: Int) -> [AuditEvent] {
        var events: [AuditEvent] = []
        for index in 0..<count {
            let previous = events.last.map { (sequence: $0.sequence, hash: $0.hash) }
            events.append(
                AuditChain.next(
                    after: previous,
                    entry: AuditEntry(actor: "user:\(index)", action: "a.b", target: "t=|&%", details: ["k&=": "v|%", "n": "\(index)"]),
                    time: 1_700_000_000_000 + Int64(index)
                )
            )
        }
        return events
    }

    @Test func intactChainVerifies() {
        let events = chain(5)
        #expect(events.first?.previousHash == String(repeating: "0", count: 64))
        #expect(AuditChain.verify(events) == .intact(events: 5, headHash: events[4].hash))
        #expect(AuditChain.decode(details: AuditChain.encode(details: events[2].details)) == events[2].details)
    }

    @Test func everyKindOfTamperingIsFound() {
        let events = chain(5)
        var altered = events
        altered[2] = AuditEvent(
            sequence: 3, time: events[2].time, actor: "mallory", action: events[2].action, target: events[2].target,
            details: events[2].details, previousHash: events[2].previousHash, hash: events[2].hash
        )
        #expect(AuditChain.verify(altered) == .broken(atSequence: 3, reason: "event 3 was altered after it was written"))
        var removed = events
        removed.remove(at: 1)
        #expect(AuditChain.verify(removed) == .broken(atSequence: 2, reason: "event 2 is missing"))
        // Rehashing one event to hide a change breaks the next link.
        var rehashed = events
        let e = events[1]
        let hash = AuditChain.hash(
            sequence: 2, time: e.time, actor: "mallory", action: e.action, target: e.target, details: e.details,
            previousHash: e.previousHash
        )
        rehashed[1] = AuditEvent(
            sequence: 2, time: e.time, actor: "mallory", action: e.action, target: e.target, details: e.details,
            previousHash: e.previousHash, hash: hash
        )
        #expect(AuditChain.verify(rehashed) == .broken(atSequence: 3, reason: "event 3 does not link to the event before it"))
    }
}

@Suite("Hex")
struct HexTests {
    @Test func decodesWhatHexStringWrites() {
        #expect([UInt8](hex: "00ff10Ab") == [0x00, 0xFF, 0x10, 0xAB])
        #expect([UInt8](hex: "") == [])
        #expect([UInt8](hex: "abc") == nil)
        #expect([UInt8](hex: "zz") == nil)
        let bytes: [UInt8] = [1, 2, 254, 255]
        #expect([UInt8](hex: bytes.hexString) == bytes)
    }
}
