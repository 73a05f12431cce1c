import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import GradeBenchCore
import NIOCore
import NIOHTTP1

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send a pseudonymised submission to the server for your school (replaces your previous one).",
        discussion: "The same --idempotency-key with the same file returns the same receipt, so a retried upload never counts twice."
    )

    @OptionGroup var connection: ServerConnection
    @Option(help: "The collection to submit to.") var collection: String
    @Option(help: "A key that makes retries safe (default: the file's SHA-256).") var idempotencyKey: String?
    @Argument(help: "The submission CSV written by 'gradebench pseudonymise'.") var file: String

    func run() async throws {
        try await reportingErrors {
            let client = try connection.client()
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read \(file).") }
            let bytes = Array(data)
            let key = idempotencyKey ?? CryptoHex.sha256(bytes)
            let progress = ProgressBar(total: bytes.count, label: "Uploading \(file)")
            let chunks = UploadChunks(bytes: bytes, progress: progress)
            let path =
                "/v1/collections/\(collection.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? collection)/submissions"
            let (_, body) = try await client.send(
                .POST, path, body: .stream(chunks, length: .known(Int64(bytes.count))), contentType: "text/csv",
                headers: [("Idempotency-Key", key)]
            )
            progress.finish()
            struct Receipt: Decodable {
                let submission: Int64
                let rows: Int
                let pupils: Int
                let subjects: Int
                let sha256: String
                let replaces: Int64?
            }
            let receipt = try client.decode(Receipt.self, body)
            print(
                "Accepted: submission \(receipt.submission), \(receipt.rows) rows, \(receipt.pupils) pupils, \(receipt.subjects) subjects.")
            print("SHA-256 \(receipt.sha256)\(receipt.replaces.map { "; replaces submission \($0)" } ?? "").")
        }
    }
}

/// The file in 256 KiB chunks, advancing the progress bar as the client takes them.
struct UploadChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    let progress: ProgressBar

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let progress: ProgressBar
        var offset = 0

        mutating func next() async throws -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + (256 << 10), bytes.count)
            defer { offset = end }
            progress.update(end)
            return ByteBuffer(bytes: bytes[offset..<end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes, progress: progress) }
}

/// A one-line progress bar on standard error (only when it is a terminal, or for large files).
final class ProgressBar: Sendable {
    let total: Int
    let label: String
    let enabled: Bool

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1 && total > 1 << 20
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let fraction = Double(done) / Double(max(total, 1))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))%".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

enum CryptoHex {
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexString
    }
}
