import Crypto
import Foundation

/// SHA-256 as lower-case hex, computed here with swift-crypto directly (not through the code under test).
func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
