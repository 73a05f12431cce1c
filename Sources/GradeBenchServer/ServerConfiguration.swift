/// Settings of one running server.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Lifetime of tokens issued through the API unless the request says otherwise.
    public var tokenLifetimeDays: Int
    /// Largest submission body accepted; larger ones get 413 before the body is read in full.
    public var maxSubmissionBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, tokenLifetimeDays: Int = 90, maxSubmissionBytes: Int = 64 << 20) {
        self.host = host
        self.port = port
        self.tokenLifetimeDays = tokenLifetimeDays
        self.maxSubmissionBytes = maxSubmissionBytes
    }
}
