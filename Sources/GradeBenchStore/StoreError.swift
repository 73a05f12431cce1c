import GradeBenchCore

/// Why the store refused or failed. Messages never contain a driver's text, a pupil value or a token.
public struct StoreError: GradeBenchError, Equatable {
    enum Kind: Equatable {
        case conflict
        case notFound
        case unavailable
        case schemaTooNew
        case schemaRetired
        case invalidLocation
        case rejected
        case failed
    }

    let kind: Kind
    public let message: String

    public var code: String {
        switch kind {
        case .conflict: "conflict"
        case .notFound: "not_found"
        case .unavailable: "database_unavailable"
        case .schemaTooNew: "schema_too_new"
        case .schemaRetired: "schema_retired"
        case .invalidLocation: "invalid_database_location"
        case .rejected: "rejected"
        case .failed: "database_error"
        }
    }

    public var isConflict: Bool { kind == .conflict }
    public var isNotFound: Bool { kind == .notFound }

    /// A unique key already holds this value (duplicate URN, user name, …).
    public static func conflict(_ message: String) -> StoreError { StoreError(kind: .conflict, message: message) }
    public static func notFound(_ message: String) -> StoreError { StoreError(kind: .notFound, message: message) }
    public static func unavailable(_ message: String) -> StoreError { StoreError(kind: .unavailable, message: message) }
    public static func invalidLocation(_ message: String) -> StoreError { StoreError(kind: .invalidLocation, message: message) }
    /// A change the store's rules do not allow (e.g. rewriting the append-only audit log).
    public static func rejected(_ message: String) -> StoreError { StoreError(kind: .rejected, message: message) }
    public static func schemaTooNew(found: Int, known: Int) -> StoreError {
        StoreError(
            kind: .schemaTooNew,
            message:
                "The database is at schema version \(found), newer than this gradebench (which knows up to \(known)); upgrade gradebench before using this database."
        )
    }
    public static func schemaRetired(found: Int) -> StoreError {
        StoreError(
            kind: .schemaRetired,
            message:
                "The database is at schema version \(found), a pre-release layout this gradebench does not carry forward (pupil pseudonyms are now sealed per submission, which needs every school's data again); create a new database and have schools resubmit."
        )
    }
    /// A statement failed for a reason the store does not classify; the driver's text is not shown.
    static func failed(_ operation: String) -> StoreError {
        StoreError(kind: .failed, message: "The database could not \(operation).")
    }
    static func corruptRow(column: Int) -> StoreError {
        StoreError(kind: .failed, message: "The database returned a value of an unexpected type (column \(column + 1)).")
    }
}
