import Crypto
import Foundation

/// One entry of the append-only audit log. It records who did what to which object, never a pupil value.
public struct AuditEvent: Codable, Hashable, Sendable {
    /// Position in the chain, starting at 1.
    public let sequence: Int64
    /// Milliseconds since 1970-01-01 UTC.
    public let time: Int64
    /// Who acted: `user:<id>`, `cli` or `system`.
    public let actor: String
    /// What happened, dotted: `user.create`, `token.revoke`, `school.register`, `consent.grant`, …
    public let action: String
    /// Which object: `user:<id>`, `school:<urn>`, `collection:<id>`, …
    public let target: String
    /// Extra facts as sorted `key=value` pairs (counts, hashes, reasons). Never pupil values.
    public let details: [String: String]
    /// Hash of the previous event (64 zeros for the first).
    public let previousHash: String
    /// SHA-256 over this event's fields and `previousHash`.
    public let hash: String

    public init(
        sequence: Int64, time: Int64, actor: String, action: String, target: String,
        details: [String: String], previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// What a caller asks to record; the store assigns sequence, time and hashes inside the change's transaction.
public struct AuditEntry: Sendable, Hashable {
    public let actor: String
    public let action: String
    public let target: String
    public let details: [String: String]

    public init(actor: String, action: String, target: String, details: [String: String] = [:]) {
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
    }
}

/// Hash chaining for the audit log.
public enum AuditChain {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Canonical encoding of the details: sorted keys, percent-escaped separators.
    public static func encode(details: [String: String]) -> String {
        details.keys.sorted().map { "\(escape($0))=\(escape(details[$0]!))" }.joined(separator: "&")
    }

    public static func decode(details: String) -> [String: String] {
        guard !details.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in details.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = unescape(String(parts[0]))
            result[key] = parts.count > 1 ? unescape(String(parts[1])) : ""
        }
        return result
    }

    /// The hash of an event with these fields following `previousHash`.
    public static func hash(
        sequence: Int64, time: Int64, actor: String, action: String, target: String,
        details: [String: String], previousHash: String
    ) -> String {
        let canonical = [
            String(sequence), String(time), escape(actor), escape(action), escape(target),
            encode(details: details), previousHash,
        ].joined(separator: "|")
        return SHA256.hash(data: Data(canonical.utf8)).hexString
    }

    /// Makes the next event of the chain.
    public static func next(after previous: (sequence: Int64, hash: String)?, entry: AuditEntry, time: Int64) -> AuditEvent {
        let sequence = (previous?.sequence ?? 0) + 1
        let previousHash = previous?.hash ?? genesisHash
        return AuditEvent(
            sequence: sequence, time: time, actor: entry.actor, action: entry.action, target: entry.target,
            details: entry.details, previousHash: previousHash,
            hash: hash(
                sequence: sequence, time: time, actor: entry.actor, action: entry.action, target: entry.target,
                details: entry.details, previousHash: previousHash
            )
        )
    }

    /// Checks a whole chain in order: sequence numbers contiguous from 1, every link and every hash right.
    public static func verify(_ events: some Sequence<AuditEvent>) -> AuditVerification {
        var expectedSequence: Int64 = 1
        var previousHash = genesisHash
        var count = 0
        for event in events {
            guard event.sequence == expectedSequence else {
                return .broken(atSequence: expectedSequence, reason: "event \(expectedSequence) is missing")
            }
            guard event.previousHash == previousHash else {
                return .broken(atSequence: event.sequence, reason: "event \(event.sequence) does not link to the event before it")
            }
            let recomputed = hash(
                sequence: event.sequence, time: event.time, actor: event.actor, action: event.action,
                target: event.target, details: event.details, previousHash: event.previousHash
            )
            guard recomputed == event.hash else {
                return .broken(atSequence: event.sequence, reason: "event \(event.sequence) was altered after it was written")
            }
            previousHash = event.hash
            expectedSequence += 1
            count += 1
        }
        return .intact(events: count, headHash: previousHash)
    }

    private static func escape(_ text: String) -> String {
        text.escaping(["%": "%25", "&": "%26", "=": "%3D", "|": "%7C"])
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "%26", with: "&").replacingOccurrences(of: "%3D", with: "=")
            .replacingOccurrences(of: "%7C", with: "|").replacingOccurrences(of: "%25", with: "%")
    }
}

public enum AuditVerification: Equatable, Sendable {
    case intact(events: Int, headHash: String)
    case broken(atSequence: Int64, reason: String)
}

extension Array where Element == UInt8 {
    /// Bytes from hexadecimal text (either case); `nil` when the text is not whole hex bytes.
    public init?(hex text: some StringProtocol) {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
