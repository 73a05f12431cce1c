import Yams

/// Reads one YAML mapping of a policy file strictly: every key must be known, present and of the right type.
struct PolicyReader {
    let file: String
    let path: String
    private let values: [String: Node]

    /// Parses a whole file; its top level must be a mapping with exactly `keys`.
    static func document(file: String, text: String, keys: [String]) throws(PolicyError) -> PolicyReader {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw PolicyError(file: file, key: "", problem: "is not valid YAML")
        }
        guard let node else { throw PolicyError(file: file, key: "", problem: "is empty") }
        return try PolicyReader(file: file, path: "", node: node, keys: keys)
    }

    private init(file: String, path: String, node: Node, keys: [String]) throws(PolicyError) {
        self.file = file
        self.path = path
        guard let mapping = node.mapping else {
            throw PolicyError(file: file, key: path, problem: "must be a mapping of keys to values")
        }
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                throw PolicyError(file: file, key: path, problem: "has a key that is not text")
            }
            guard keys.contains(key) else {
                throw PolicyError(
                    file: file, key: Self.join(path, key),
                    problem: "is not a known key (known here: \(keys.joined(separator: ", ")))"
                )
            }
            guard values.updateValue(value, forKey: key) == nil else {
                throw PolicyError(file: file, key: Self.join(path, key), problem: "appears twice")
            }
        }
        for key in keys where values[key] == nil {
            throw PolicyError(file: file, key: Self.join(path, key), problem: "is missing")
        }
        self.values = values
    }

    func mapping(_ key: String, keys: [String]) throws(PolicyError) -> PolicyReader {
        try PolicyReader(file: file, path: Self.join(path, key), node: values[key]!, keys: keys)
    }

    func int(_ key: String, atLeast minimum: Int) throws(PolicyError) -> Int {
        let node = values[key]!
        guard let scalar = node.scalar, scalar.style == .plain, let value = node.int else {
            throw failure(key, "must be a whole number")
        }
        guard value >= minimum else { throw failure(key, "must be at least \(minimum) (found \(value))") }
        return value
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(PolicyError) -> Int {
        let value = try int(key, atLeast: range.lowerBound)
        guard value <= range.upperBound else {
            throw failure(key, "must be at most \(range.upperBound) (found \(value))")
        }
        return value
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(PolicyError) -> Double {
        let node = values[key]!
        guard let scalar = node.scalar, scalar.style == .plain, let value = node.float else {
            throw failure(key, "must be a number")
        }
        guard range.contains(value) else {
            throw failure(key, "must be between \(range.lowerBound.formatted) and \(range.upperBound.formatted) (found \(value.formatted))")
        }
        return value
    }

    func bool(_ key: String) throws(PolicyError) -> Bool {
        let node = values[key]!
        guard let scalar = node.scalar, scalar.style == .plain, let value = node.bool else {
            throw failure(key, "must be true or false")
        }
        return value
    }

    func string(_ key: String) throws(PolicyError) -> String {
        guard let scalar = values[key]!.scalar, !scalar.string.isEmpty, scalar.tag.description != Tag.Name.null.rawValue
        else { throw failure(key, "must be non-empty text") }
        if scalar.style == .plain, values[key]!.int != nil || values[key]!.bool != nil || values[key]!.float != nil {
            throw failure(key, "must be text (quote it)")
        }
        return scalar.string
    }

    func strings(_ key: String) throws(PolicyError) -> [String] {
        guard let sequence = values[key]!.sequence, !sequence.isEmpty else {
            throw failure(key, "must be a non-empty list of text items")
        }
        var result: [String] = []
        for item in sequence {
            guard let scalar = item.scalar, !scalar.string.isEmpty else {
                throw failure(key, "must be a list of text items")
            }
            result.append(scalar.string)
        }
        return result
    }

    /// A list of mappings, each read by `body`.
    func list<T>(_ key: String, keys: [String], _ body: (PolicyReader) throws(PolicyError) -> T) throws(PolicyError) -> [T] {
        guard let sequence = values[key]!.sequence, !sequence.isEmpty else {
            throw failure(key, "must be a non-empty list")
        }
        var result: [T] = []
        for (index, item) in sequence.enumerated() {
            result.append(try body(PolicyReader(file: file, path: Self.join(path, "\(key)[\(index)]"), node: item, keys: keys)))
        }
        return result
    }

    private func failure(_ key: String, _ problem: String) -> PolicyError {
        PolicyError(file: file, key: Self.join(path, key), problem: problem)
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

extension Double {
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}
