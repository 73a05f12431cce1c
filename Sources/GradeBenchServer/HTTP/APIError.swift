import Foundation
import GradeBenchCore
import GradeBenchStore
import Hummingbird
import NIOCore

/// Every error response: `{"error": {"code": "…", "message": "…"}}` with a stable code and one sentence.
public struct APIError: HTTPResponseError, GradeBenchError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var headers: HTTPFields = [:]
    /// Row-level problems of a refused submission (capped), and how many there are in all.
    public var problems: [SubmissionProblem]? = nil
    public var total: Int? = nil
    /// What a release guard found (capped), with `total`.
    public var findings: [String]? = nil

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static let unauthenticated: APIError = {
        var error = APIError(.unauthorized, code: "unauthenticated", message: "A valid API token is required (Authorization: Bearer …).")
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }()

    static func forbidden(_ message: String = "Your role may not do this.") -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }

    static func notFound(_ message: String = "Not found.") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    static func badRequest(code: String = "bad_request", _ message: String) -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    /// Maps domain and store errors to HTTP; anything else is a 500 with no detail.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as StoreError:
            if error.isConflict { return APIError(.conflict, code: error.code, message: error.message) }
            if error.isNotFound { return APIError(.notFound, code: error.code, message: error.message) }
            if error.code == "database_unavailable" { return APIError(.serviceUnavailable, code: error.code, message: error.message) }
            return APIError(.internalServerError, code: "internal_error", message: "The server could not complete the request.")
        case let error as UserRuleError: return APIError(.unprocessableContent, code: error.code, message: error.message)
        case let error as CatalogueError: return APIError(.unprocessableContent, code: error.code, message: error.message)
        case let error as RegistryRules.Violation: return APIError(.badRequest, code: error.code, message: error.message)
        case let error as ConsentRules.Violation:
            // A stale acknowledgement or nothing to withdraw conflicts with the register's state; the rest are bad requests.
            let conflict = ["consent_text_changed", "nothing_to_withdraw"].contains(error.code)
            return APIError(conflict ? .conflict : .badRequest, code: error.code, message: error.message)
        case let error as SubmissionRejection:
            var api = APIError(.unprocessableContent, code: error.code, message: error.message)
            api.problems = error.problems
            api.total = error.total
            return api
        case let error as ReleaseGuard.Refusal:
            var api = APIError(.conflict, code: error.code, message: error.message)
            api.findings = error.findings.prefix(100).map(\.description)
            api.total = error.findings.count
            return api
        case let error as NIOTooManyBytesError:
            _ = error
            return APIError(.contentTooLarge, code: "body_too_large", message: "The request body is larger than this server accepts.")
        case let error as DecodingError:
            _ = error
            return APIError(.badRequest, code: "invalid_json", message: "The request body is not the JSON this endpoint expects.")
        default:
            return APIError(.internalServerError, code: "internal_error", message: "The server could not complete the request.")
        }
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let problems: [SubmissionProblem]?
            let findings: [String]?
            let total: Int?
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Body(error: .init(code: code, message: message, problems: problems, findings: findings, total: total)))
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
