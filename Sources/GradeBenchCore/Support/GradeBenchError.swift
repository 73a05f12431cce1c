/// An error GradeBench can explain to a person in one sentence, with a stable machine code.
///
/// Every error that crosses a boundary (CLI output, HTTP response, log line) conforms to this, so callers
/// never have to show a driver's or a parser's own text. Messages never contain a pupil value, a
/// pseudonym or a token.
public protocol GradeBenchError: Error, CustomStringConvertible, Sendable {
    /// Stable, machine-readable code (`snake_case`), for clients and tests.
    var code: String { get }
    /// One clear sentence for a person.
    var message: String { get }
}

extension GradeBenchError {
    public var description: String { message }
}
