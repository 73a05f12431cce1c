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

    init(_ collection: GradeCollection) {
        id = collection.id
        name = collection.name
        keyStage = collection.keyStage.rawValue
        academicYear = collection.academicYear
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

        add(.get, "/v1/collections", access: .anyUser) { [store] _, _, _ in
            try JSON.response(try await store.collections().map(CollectionView.init))
        }
    }
}
