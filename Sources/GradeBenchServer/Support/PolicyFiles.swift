import Foundation
import GradeBenchCore

/// Reads the policy files from a folder and validates them (Core does the validation; this is the I/O).
public enum PolicyFiles {
    public static func load(directory: String) throws(PolicyError) -> PolicySet {
        var files: [String: [UInt8]] = [:]
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PolicyError(folder: directory)
        }
        for name in PolicySet.fileNames {
            let path = (directory as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: path) { files[name] = Array(data) }
        }
        return try PolicySet(files: files, directory: directory)
    }
}
