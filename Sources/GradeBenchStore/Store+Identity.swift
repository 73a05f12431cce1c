import Crypto
import Foundation
import GradeBenchCore

/// A freshly issued API token: `secret` is shown once and never stored.
public struct IssuedToken: Sendable {
    public let record: TokenRecord
    public let secret: String
}

extension Store {
    /// Creates a user. Names are unique; school-scoped roles need a registered school.
    public func createUser(name: String, role: Role, school: URN?, passwordHash: String?, actor: String) async throws -> User {
        try UserRuleError.check(name: name, role: role, school: school)
        return try await change(audit: { (user: User) in
            AuditEntry(actor: actor, action: "user.create", target: user.auditName, details: ["role": role.rawValue])
        }) { session in
            if try await !session.query("SELECT 1 FROM users WHERE name = $1", .text(name)).isEmpty {
                throw StoreError.conflict("A user named '\(name)' already exists.")
            }
            if let school, try await session.query("SELECT 1 FROM schools WHERE urn = $1", .int(school.rawValue)).isEmpty {
                throw StoreError.notFound("No school with URN \(school) is registered.")
            }
            let now = Store.now()
            let rows = try await session.query(
                "INSERT INTO users (name, role, school_urn, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                .text(name), .text(role.rawValue), .optional(school.map { Int64($0.rawValue) }), .optional(passwordHash), .int(now)
            )
            return User(id: try rows[0].int(0), name: name, role: role, school: school, createdAt: now)
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await users(where: "WHERE id = $1", [.int(id)]).first
    }

    public func user(named name: String) async throws -> User? {
        try await users(where: "WHERE name = $1", [.text(name)]).first
    }

    public func users() async throws -> [User] { try await users(where: "", []) }

    /// The stored bcrypt hash of a user's password, for the sign-in page.
    public func passwordHash(userID: Int64) async throws -> String? {
        try await read { session in
            try await session.query("SELECT password_hash FROM users WHERE id = $1", .int(userID)).first?.optionalText(0)
        }
    }

    private func users(where clause: String, _ binds: [SQLValue]) async throws -> [User] {
        try await read { session in
            try await session.query(
                SQLStatement("SELECT id, name, role, school_urn, created_at FROM users \(clause) ORDER BY id", binds)
            ).map(Self.user)
        }
    }

    private static func user(_ row: SQLRow) throws(StoreError) -> User {
        guard let role = Role(rawValue: try row.text(2)) else { throw StoreError.corruptRow(column: 2) }
        let school = try row.optionalInt(3).flatMap { URN(rawValue: Int($0)) }
        return User(id: try row.int(0), name: try row.text(1), role: role, school: school, createdAt: try row.int(4))
    }

    /// Issues a new random API token (256 bits) for a user. Only its SHA-256 is stored.
    public func issueToken(userID: Int64, label: String, lifetime: Duration, actor: String) async throws -> IssuedToken {
        let secret = APIToken.generate()
        let now = Store.now()
        let expires = now + lifetime.components.seconds
        let record = try await change(audit: { (record: TokenRecord) in
            AuditEntry(
                actor: actor, action: "token.issue", target: "user:\(userID)",
                details: ["token": String(record.id), "expires": String(expires)]
            )
        }) { session in
            guard try await !session.query("SELECT 1 FROM users WHERE id = $1", .int(userID)).isEmpty else {
                throw StoreError.notFound("No user with id \(userID) exists.")
            }
            let rows = try await session.query(
                "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                .int(userID), .text(APIToken.hash(secret)), .text(label), .int(now), .int(expires)
            )
            return TokenRecord(id: try rows[0].int(0), userID: userID, label: label, createdAt: now, expiresAt: expires, revokedAt: nil)
        }
        return IssuedToken(record: record, secret: secret)
    }

    /// The user and token record for a presented token, if it exists (usable or not: the caller checks).
    public func tokenOwner(secret: String) async throws -> (User, TokenRecord)? {
        guard APIToken.isWellFormed(secret) else { return nil }
        let digest = Array(SHA256.hash(data: Array(secret.utf8)))
        if let (owner, refresh) = tokenCache.lookup(digest: digest) {
            if refresh {
                // Re-read in the background; this request is answered from the cache (`Freshness`).
                Task { [self] in
                    do { tokenCache.remember(digest: digest, owner: try await readTokenOwner(hash: digest.hexString)) } catch {
                        tokenCache.forget(digest: digest)
                    }
                }
            }
            return owner
        }
        let found = try await readTokenOwner(hash: digest.hexString)
        tokenCache.remember(digest: digest, owner: found)
        return found
    }

    private func readTokenOwner(hash: String) async throws -> (User, TokenRecord)? {
        try await read { session -> (User, TokenRecord)? in
            guard
                let row = try await session.query(
                    """
                    SELECT u.id, u.name, u.role, u.school_urn, u.created_at,
                           t.id, t.label, t.created_at, t.expires_at, t.revoked_at
                    FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1
                    """,
                    .text(hash)
                ).first
            else { return nil }
            let user = try Self.user(row)
            let token = TokenRecord(
                id: try row.int(5), userID: user.id, label: try row.text(6), createdAt: try row.int(7),
                expiresAt: try row.int(8), revokedAt: try row.optionalInt(9)
            )
            return (user, token)
        }
    }

    public func tokens(userID: Int64) async throws -> [TokenRecord] {
        try await read { session in
            try await session.query(
                "SELECT id, label, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id", .int(userID)
            ).map { row throws(StoreError) in
                TokenRecord(
                    id: try row.int(0), userID: userID, label: try row.text(1), createdAt: try row.int(2),
                    expiresAt: try row.int(3), revokedAt: try row.optionalInt(4)
                )
            }
        }
    }

    /// Revokes a token (idempotent: revoking twice keeps the first time).
    public func revokeToken(id: Int64, actor: String) async throws {
        try await change(audit: { AuditEntry(actor: actor, action: "token.revoke", target: "token:\(id)") }) { session in
            guard try await !session.query("SELECT 1 FROM api_tokens WHERE id = $1", .int(id)).isEmpty else {
                throw StoreError.notFound("No token with id \(id) exists.")
            }
            try await session.query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", .int(Store.now()), .int(id)
            )
        }
        tokenCache.forget(tokenID: id)
    }
}

/// API tokens: `gbt_` + 43 base64url characters (32 random bytes).
public enum APIToken {
    public static let prefix = "gbt_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ secret: String) -> String { SHA256.hash(data: Data(secret.utf8)).hexString }

    public static func isWellFormed(_ secret: String) -> Bool {
        secret.hasPrefix(prefix) && secret.utf8.count == prefix.utf8.count + 43
    }
}
