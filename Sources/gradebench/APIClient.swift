import ArgumentParser
import AsyncHTTPClient
import Foundation
import GradeBenchCore
import NIOCore
import NIOHTTP1

/// `--server` and `--token` for commands that talk to a GradeBench server (the school side has no database).
struct ServerConnection: ParsableArguments {
    @Option(help: "GradeBench server URL, e.g. https://gradebench.example.org") var server: String
    @Option(help: "Your API token (or set GRADEBENCH_TOKEN).") var token: String?

    func client() throws -> APIClient {
        guard let token = token ?? ProcessInfo.processInfo.environment["GRADEBENCH_TOKEN"], !token.isEmpty else {
            throw ValidationError("Give an API token with --token or the GRADEBENCH_TOKEN environment variable.")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an http:// or https:// URL.")
        }
        return APIClient(base: server.hasSuffix("/") ? String(server.dropLast()) : server, token: token)
    }
}

/// A small JSON/CSV client for the GradeBench API. Error responses become one sentence (plus row problems).
struct APIClient: Sendable {
    let base: String
    let token: String

    struct Failure: GradeBenchError {
        let code: String
        let message: String
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
            let problems: [SubmissionProblem]?
            let findings: [String]?
            let total: Int?
        }
        let error: Detail
    }

    func send(
        _ method: HTTPMethod, _ path: String, json: (any Encodable)? = nil, body: HTTPClientRequest.Body? = nil,
        contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(json)))
        } else if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
            request.body = body
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .minutes(10))
        } catch {
            throw Failure(code: "server_unreachable", message: "Could not reach the GradeBench server at \(base).")
        }
        let data = Data((try await response.body.collect(upTo: 64 << 20)).readableBytesView)
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            guard let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data) else {
                throw Failure(code: "http_\(status)", message: "The server answered \(status) \(response.status.reasonPhrase).")
            }
            var message = decoded.error.message
            for finding in decoded.error.findings ?? [] { message += "\n  \(finding)" }
            for problem in decoded.error.problems ?? [] {
                message +=
                    "\n  row \(problem.row.map(String.init) ?? "-")\(problem.column.map { ", column '\($0)'" } ?? ""): \(problem.message)"
            }
            let listed = (decoded.error.problems?.count ?? 0) + (decoded.error.findings?.count ?? 0)
            if let total = decoded.error.total, total > listed {
                message += "\n  … \(total - listed) more"
            }
            throw Failure(code: decoded.error.code, message: message)
        }
        return (status, data)
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw Failure(code: "unexpected_response", message: "The server's answer was not what this gradebench expects.")
        }
    }
}
