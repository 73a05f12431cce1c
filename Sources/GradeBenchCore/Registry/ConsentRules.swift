import Foundation

/// The rules for a consent change, checked before anything is recorded.
public enum ConsentRules {
    public struct Violation: GradeBenchError, Equatable {
        public let code: String
        public let message: String
    }

    /// Checks a grant or withdrawal against the current consent text and the school's history.
    /// - Grants need an explicit acknowledgement of the current text, by its hash.
    /// - Withdrawals need a reason and something active to withdraw.
    public static func check(
        action: ConsentAction, scope: ConsentScope, acknowledgedHash: String?, reason: String?,
        currentTextHash: String, history: [ConsentRecord]
    ) throws(Violation) {
        switch action {
        case .grant:
            guard let acknowledgedHash, !acknowledgedHash.isEmpty else {
                throw Violation(
                    code: "consent_not_acknowledged",
                    message: "Opting in needs an explicit acknowledgement of the consent text: send its SHA-256 as textHash."
                )
            }
            guard acknowledgedHash.lowercased() == currentTextHash else {
                throw Violation(
                    code: "consent_text_changed",
                    message:
                        "The consent text has changed (the hash you acknowledged is not the current text's); read the current text and acknowledge its hash."
                )
            }
        case .withdraw:
            guard let reason, !reason.trimmedBlanks.isEmpty else {
                throw Violation(code: "reason_required", message: "A withdrawal needs a reason.")
            }
            guard reason.count <= 500 else { throw Violation(code: "reason_too_long", message: "A reason has at most 500 characters.") }
            // The latest record with exactly this scope must be a grant.
            guard history.last(where: { $0.scope == scope })?.action == .grant else {
                let what = scope.kind == "collection" ? "collection" : "key stage"
                throw Violation(
                    code: "nothing_to_withdraw",
                    message: "Your school has no active opt-in for this \(what) (\(scope.value)); 'consent show' lists what it opted in to."
                )
            }
        }
    }
}
