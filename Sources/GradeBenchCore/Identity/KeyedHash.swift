import Crypto

/// HMAC-SHA256 (RFC 2104) with the key's inner and outer SHA-256 states prepared once. Each MAC is then two short
/// SHA-256 runs over raw bytes; `HMAC<SHA256>` re-derives the key pads on every call and goes through generic
/// `DataProtocol` code, several times slower on the ingestion path, where it runs once per pupil.
/// (Tests check it against `HMAC<SHA256>` and RFC 4231.)
struct KeyedHash: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    /// A key of at most 64 bytes (one SHA-256 block; GradeBench keys are 32).
    init(key: [UInt8]) {
        precondition(key.count <= 64, "HMAC keys longer than a block are hashed first; GradeBench keys never are")
        let block = key + [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    func authenticationCode(for message: [UInt8]) -> [UInt8] {
        var inner = self.inner
        message.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes { Array($0) }
    }
}
