import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import GradeBenchTestSupport
import Hummingbird
import HummingbirdTesting
import Logging

/// A server over a fresh SQLite store with two schools and one user (and token) per role.
struct TestApp {
    static let schoolA = URN(rawValue: 900_201)!
    static let schoolB = URN(rawValue: 900_202)!
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let store: Store
    let policies: PolicySet
    /// Every route the server registered, with its declared access.
    let declarations: [RouteDeclaration]
    let responder: RouterResponder<BasicRequestContext>
    /// Users of each role; school roles belong to school A.
    let users: [Role: User]

    static let keys = ServerKeys(rekey: Array(repeating: 1, count: 32), data: Array(repeating: 2, count: 32))!

    static let logger: Logger = {
        var logger = Logger(label: "gradebench.test")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` against a fresh app over a fresh database (SQLite unless told otherwise).
    static func with<T: Sendable>(database: TestDatabase = .sqlite, _ body: @Sendable (TestApp) async throws -> T) async throws -> T {
        let policies = try PolicyFiles.load(directory: repositoryRoot.appendingPathComponent("policies").path)
        return try await database.withStore { store in
            for urn in [schoolA, schoolB] {
                try await store.registerSchool(
                    School(urn: urn, name: "Synthetic \(urn)", region: "London", type: "academy", phase: "secondary"), actor: "test"
                )
            }
            try await store.registerCollection(
                GradeCollection(id: "ks4-t", name: "KS4", keyStage: .ks4, academicYear: "2025/26"), actor: "test")
            var users: [Role: User] = [:]
            for role in Role.allCases {
                users[role] = try await store.createUser(
                    name: "user-\(role.rawValue)", role: role, school: role.isSchoolScoped ? schoolA : nil, passwordHash: nil, actor: "test"
                )
            }
            let (router, api) = GradeBenchApp.buildRouter(
                store: store, policies: policies, keys: keys, configuration: ServerConfiguration(maxSubmissionBytes: 1 << 20)
            )
            let app = TestApp(
                store: store, policies: policies, declarations: api.declarations, responder: router.buildResponder(), users: users)
            return try await body(app)
        }
    }

    /// A fresh token for the role's user.
    func token(_ role: Role) async throws -> String {
        try await store.issueToken(userID: users[role]!.id, label: "test", lifetime: .seconds(600), actor: "test").secret
    }

    func application() -> some ApplicationProtocol {
        Application(responder: responder, logger: Self.logger)
    }
}

extension HTTPFields {
    static func bearer(_ token: String?) -> HTTPFields {
        guard let token else { return [:] }
        return [.authorization: "Bearer \(token)"]
    }
}
