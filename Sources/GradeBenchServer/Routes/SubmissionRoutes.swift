import Foundation
import GradeBenchCore
import GradeBenchStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension APIRouter {
    /// `POST /v1/collections/{collection}/submissions` — a school-admin submits the school's pseudonymised CSV.
    func addSubmissionRoutes(service: SubmissionService, configuration: ServerConfiguration) {
        add(.post, "/v1/collections/:collection/submissions", access: .roles(.schoolAdmin)) { request, context, caller in
            guard let school = caller.user.school else { throw APIError.forbidden() }
            if let named = request.uri.queryParameters.get("school"), URN(String(named)) != school {
                throw APIError.notFound()  // another school's submission: no hint it exists
            }
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            guard contentType.hasPrefix("text/csv") else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type", message: "Send the submission as Content-Type: text/csv."
                )
            }
            if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxSubmissionBytes {
                throw Self.tooLarge(configuration)
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: configuration.maxSubmissionBytes) } catch is NIOTooManyBytesError {
                throw Self.tooLarge(configuration)
            }
            let collection = context.parameters.get("collection") ?? ""
            let outcome = try await service.submit(
                body: Array(body.readableBytesView), collectionID: collection, school: school,
                idempotencyKey: request.headers[.idempotencyKey], actor: caller.auditName, userID: caller.user.id,
                now: Int64(Date().timeIntervalSince1970)
            )
            switch outcome {
            case .accepted(let receipt):
                context.logger.info(
                    "submission accepted",
                    metadata: ["submission": "\(receipt.submission)", "rows": "\(receipt.rows)", "school": "\(school)"]
                )
                return try JSON.response(receipt, status: .created)
            case .replayed(let receipt):
                var response = try JSON.response(receipt, status: .created)
                response.headers[.idempotentReplayed] = "true"
                return response
            }
        }
    }

    static func tooLarge(_ configuration: ServerConfiguration) -> APIError {
        APIError(
            .contentTooLarge, code: "body_too_large",
            message: "The submission is larger than this server accepts (\(configuration.maxSubmissionBytes >> 20) MiB)."
        )
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
