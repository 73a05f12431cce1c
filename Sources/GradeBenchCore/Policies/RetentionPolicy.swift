/// How long data is kept (policies/retention.yaml).
public struct RetentionPolicy: Codable, Hashable, Sendable {
    /// Days after a school withdraws consent before its rows are erased.
    public let withdrawalErasureDays: Int
    /// Days after a school is cancelled before all its data is deleted.
    public let cancellationErasureDays: Int
    /// Years after which no raw row is kept, whatever else holds.
    public let rawDataMaximumYears: Int

    public static let fileName = "retention.yaml"

    static func parse(_ text: String) throws(PolicyError) -> RetentionPolicy {
        let root = try PolicyReader.document(
            file: fileName, text: text,
            keys: ["version", "withdrawal_erasure_days", "cancellation_erasure_days", "raw_data_maximum_years"]
        )
        _ = try root.int("version", atLeast: 1)
        return RetentionPolicy(
            withdrawalErasureDays: try root.int("withdrawal_erasure_days", atLeast: 0),
            cancellationErasureDays: try root.int("cancellation_erasure_days", atLeast: 0),
            rawDataMaximumYears: try root.int("raw_data_maximum_years", atLeast: 1)
        )
    }
}
