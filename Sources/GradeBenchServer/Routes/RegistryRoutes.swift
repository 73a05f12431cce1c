import Foundation
import GradeBenchCore
import GradeBenchStore
import Hummingbird

struct SchoolView: Codable, Sendable {
    let urn: Int
    let name: String
    let region: String
    let type: String
    let phase: String
    let sizeBand: String?
    let disadvantageBand: String?

    var fields: [String: String] {
        var fields = ["urn": String(urn), "name": name, "region": region, "type": type, "phase": phase]
        fields["size_band"] = sizeBand
        fields["disadvantage_band"] = disadvantageBand
        return fields
    }

    init(_ school: School) {
        urn = school.urn.rawValue
        name = school.name
        region = school.region
        type = school.type
        phase = school.phase
        sizeBand = school.sizeBand
        disadvantageBand = school.disadvantageBand
    }
}

struct CollectionView: Codable, Sendable {
    let id: String
    let name: String
    let keyStage: String
    let academicYear: String
    let opensAt: String?
    let closesAt: String?

    init(_ collection: GradeCollection) {
        id = collection.id
        name = collection.name
        keyStage = collection.keyStage.rawValue
        academicYear = collection.academicYear
        opensAt = collection.opensAt.map(JSON.timestamp)
        closesAt = collection.closesAt.map(JSON.timestamp)
    }
}

extension APIRouter {
    func addRegistryRoutes() {
        add(.get, "/v1/schools", access: .roles(.operator, .dpo)) { [store] _, _, _ in
            try JSON.response(try await store.schools().map(SchoolView.init))
        }

        add(.get, "/v1/schools/:urn", access: .school(roles: .operator, .dpo, .schoolAdmin, .leader)) { [store] _, context, _ in
            guard let urn = context.parameters.get("urn").flatMap(URN.init), let school = try await store.school(urn) else {
                throw APIError.notFound("No school with that URN is registered.")
            }
            return try JSON.response(SchoolView(school))
        }

        add(.post, "/v1/schools", access: .roles(.operator)) { [store] request, _, caller in
            let view = try await JSON.decode(SchoolView.self, from: request)
            let school = try RegistryRules.school(view.fields)
            try await store.registerSchool(school, actor: caller.auditName)
            return try JSON.response(SchoolView(school), status: .created)
        }

        struct NewCollection: Decodable {
            let id: String
            let name: String
            let keyStage: String
            let academicYear: String
            let opensAt: String?
            let closesAt: String?
        }
        add(.post, "/v1/collections", access: .roles(.operator)) { [store] request, _, caller in
            let body = try await JSON.decode(NewCollection.self, from: request)
            let collection = try RegistryRules.collection(
                id: body.id, name: body.name, keyStage: body.keyStage, academicYear: body.academicYear,
                opens: body.opensAt, closes: body.closesAt
            )
            try await store.registerCollection(collection, actor: caller.auditName)
            return try JSON.response(CollectionView(collection), status: .created)
        }
    }
}
