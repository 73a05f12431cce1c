import Foundation
import Synchronization

/// TEMPORARY phase timers (never commit).
public enum ZZTicks {
    static let start = ContinuousClock.now
    static let marks = Mutex<[(String, Duration)]>([])
    public static func mark(_ name: String) {
        let now = ContinuousClock.now - start
        marks.withLock { $0.append((name, now)) }
    }
    public static func dump() {
        guard ProcessInfo.processInfo.environment["GB_TICKS"] != nil else { return }
        var last = Duration.zero
        for (name, at) in marks.withLock({ $0 }) {
            let ms = { (d: Duration) in Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000 }
            FileHandle.standardError.write(String(format: "%-12@ %8.1f ms (+%.1f)\n", name as NSString, ms(at), ms(at - last)).data(using: .utf8)!)
            last = at
        }
    }
}
