import Foundation
import GradeBenchCore
import GradeBenchServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

/// docs/openapi.yaml against the routes the server registers: every registered route is described and every
/// described route is registered; an authenticated route documents 401 and 403, a school-scoped one 404, the public
/// one needs no token; every error response is the one error shape.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    typealias Object = [String: Any]

    static let methods = ["get", "post", "put", "patch", "delete"]

    static func document() throws -> Object {
        let text = try String(contentsOf: TestApp.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? Object)
    }

    /// `/v1/schools/:urn` → `/v1/schools/{urn}`.
    static func templated(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }

    static func operations(_ document: Object) throws -> [String: Object] {
        let paths = try #require(document["paths"] as? Object)
        var operations: [String: Object] = [:]
        for (path, item) in paths {
            let item = try #require(item as? Object, "\(path)")
            for method in methods { if let operation = item[method] as? Object { operations["\(method.uppercased()) \(path)"] = operation } }
        }
        return operations
    }

    @Test func describesExactlyTheRegisteredRoutes() async throws {
        let described = Set(try Self.operations(try Self.document()).keys)
        let registered = Set(try await TestApp.with { $0.declarations }.map { "\($0.method.rawValue) \(Self.templated($0.path))" })
        #expect(!registered.isEmpty)
        #expect(
            registered == described,
            "registered, not described: \(registered.subtracting(described).sorted()); described, not registered: \(described.subtracting(registered).sorted())"
        )
    }

    @Test func documentsEachRoutesAccess() async throws {
        let operations = try Self.operations(try Self.document())
        for route in try await TestApp.with({ $0.declarations }) {
            let name = "\(route.method.rawValue) \(Self.templated(route.path))"
            guard let operation = operations[name], let responses = operation["responses"] as? Object else { continue }
            if route.access.isPublic {
                #expect((operation["security"] as? [Any])?.isEmpty == true, "\(name) is public: security must be []")
                continue
            }
            #expect(responses["401"] != nil, "\(name) needs a token: document 401")
            if route.access.roles != Set(Role.allCases) { #expect(responses["403"] != nil, "\(name) limits roles: document 403") }
            if route.access.schoolParameter != nil { #expect(responses["404"] != nil, "\(name) is school-scoped: document 404") }
        }
    }

    @Test func servedAsWritten() async throws {
        let written = try Data(contentsOf: TestApp.repositoryRoot.appendingPathComponent("docs/openapi.yaml"))
        let served = try await TestApp.with { app in
            try await app.application().test(.router) { client in
                try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                    return Data(response.body.readableBytesView)
                }
            }
        }
        #expect(served == written)
    }

    @Test func everyErrorResponseIsTheErrorShape() throws {
        let document = try Self.document()
        let components = try #require(document["components"] as? Object)
        let shared = try #require(components["responses"] as? Object)
        for (name, operation) in try Self.operations(document) {
            let responses = try #require(operation["responses"] as? Object, "\(name)")
            #expect(!responses.isEmpty, "\(name) has no responses")
            for (status, response) in responses where Int(status).map({ $0 >= 400 }) ?? true {
                let reference = (response as? Object)?["$ref"] as? String
                let key = reference.map { String($0.split(separator: "/").last ?? "") } ?? ""
                let body = shared[key] as? Object
                let schema = ((body?["content"] as? Object)?["application/json"] as? Object)?["schema"] as? Object
                #expect(schema?["$ref"] as? String == "#/components/schemas/Error", "\(name) \(status): an error response must be the Error shape")
            }
        }
    }
}
