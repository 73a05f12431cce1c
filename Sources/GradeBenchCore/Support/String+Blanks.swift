extension String {
    /// The string without leading and trailing spaces and tabs. Returns `self` unchanged (no copy) in the common
    /// case of no surrounding blanks, unlike Foundation's `trimmingCharacters(in:)`, which bridges through UTF-16.
    @inlinable
    public var trimmedBlanks: String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard blank(first) || blank(last) else { return self }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, blank(utf8[start]) { start = utf8.index(after: start) }
        while end > start, blank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(self[start..<end])
    }

    /// ASCII upper-casing; returns `self` when there is nothing to change.
    @inlinable
    public var asciiUppercased: String {
        guard utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) else { return self }
        return String(decoding: utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}

extension String {
    /// The text with each character that `replacements` names replaced by its escape (the one escaping loop of the
    /// line-based stored forms: audit events, release-guard digests).
    func escaping(_ replacements: [Character: String]) -> String {
        var out = ""
        for character in self {
            if let replacement = replacements[character] { out += replacement } else { out.append(character) }
        }
        return out
    }
}
