import GradeBenchCore

extension Store {
    /// Registers a school; a URN already registered is a conflict.
    public func registerSchool(_ school: School, actor: String) async throws {
        try await registerSchools([school], actor: actor)
    }

    /// Registers several schools in one transaction (all or none), one audit event each.
    public func registerSchools(_ schools: [School], actor: String) async throws {
        try await driver.withTransaction { session in
            for school in schools {
                if try await !session.query("SELECT 1 FROM schools WHERE urn = $1", .int(school.urn.rawValue)).isEmpty {
                    throw StoreError.conflict("A school with URN \(school.urn) is already registered.")
                }
                try await session.query(
                    """
                    INSERT INTO schools (urn, name, region, type, phase, size_band, disadvantage_band, registered_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """,
                    .int(school.urn.rawValue), .text(school.name), .text(school.region), .text(school.type), .text(school.phase),
                    .optional(school.sizeBand), .optional(school.disadvantageBand), .int(Store.now())
                )
                try await appendAudit(AuditEntry(actor: actor, action: "school.register", target: "school:\(school.urn)"), in: session)
            }
        }
    }

    public func school(_ urn: URN) async throws -> School? {
        try await schools(where: "WHERE urn = $1", [.int(urn.rawValue)]).first
    }

    public func schools() async throws -> [School] {
        try await schools(where: "", [])
    }

    static let schoolSelect = "SELECT urn, name, region, type, phase, size_band, disadvantage_band FROM schools"

    private func schools(where clause: String, _ binds: [SQLValue]) async throws -> [School] {
        try await read { session in
            try await session.query(SQLStatement("\(Self.schoolSelect) \(clause) ORDER BY urn", binds)).map(Self.school)
        }
    }

    /// A school from `schoolSelect`'s columns.
    static func school(_ row: SQLRow) throws(StoreError) -> School {
        guard let urn = URN(rawValue: Int(try row.int(0))) else { throw StoreError.corruptRow(column: 0) }
        return School(
            urn: urn, name: try row.text(1), region: try row.text(2), type: try row.text(3), phase: try row.text(4),
            sizeBand: try row.optionalText(5), disadvantageBand: try row.optionalText(6)
        )
    }

    /// Registers a collection; an id already used is a conflict.
    public func registerCollection(_ collection: GradeCollection, actor: String) async throws {
        try await change(audit: { AuditEntry(actor: actor, action: "collection.register", target: "collection:\(collection.id)") }) {
            session in
            if try await !session.query("SELECT 1 FROM collections WHERE id = $1", .text(collection.id)).isEmpty {
                throw StoreError.conflict("A collection with id '\(collection.id)' already exists.")
            }
            try await session.query(
                """
                INSERT INTO collections (id, name, key_stage, academic_year, opens_at, closes_at, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                .text(collection.id), .text(collection.name), .text(collection.keyStage.rawValue), .text(collection.academicYear),
                .optional(collection.opensAt), .optional(collection.closesAt), .int(Store.now())
            )
        }
    }

    public func collection(_ id: String) async throws -> GradeCollection? {
        try await collections(where: "WHERE id = $1", [.text(id)]).first
    }

    public func collections() async throws -> [GradeCollection] {
        try await collections(where: "", [])
    }

    private func collections(where clause: String, _ binds: [SQLValue]) async throws -> [GradeCollection] {
        try await read { session in
            try await session.query(
                SQLStatement(
                    "SELECT \(Self.collectionColumns("collections")) FROM collections \(clause) ORDER BY id",
                    binds
                )
            ).map { row throws(StoreError) in try Self.collection(row, from: 0) }
        }
    }

    static func collectionColumns(_ table: String) -> String {
        qualified(["id", "name", "key_stage", "academic_year", "opens_at", "closes_at"], of: table)
    }

    /// A collection from `collectionColumns`, starting at column `base`.
    static func collection(_ row: SQLRow, from base: Int) throws(StoreError) -> GradeCollection {
        guard let keyStage = KeyStage(rawValue: try row.text(base + 2)) else { throw StoreError.corruptRow(column: base + 2) }
        return GradeCollection(
            id: try row.text(base), name: try row.text(base + 1), keyStage: keyStage, academicYear: try row.text(base + 3),
            opensAt: try row.optionalInt(base + 4), closesAt: try row.optionalInt(base + 5)
        )
    }
}
