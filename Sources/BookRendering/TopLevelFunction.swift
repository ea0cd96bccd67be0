/// A function declared at the top level of a chapter's source, by the convention chapters
/// follow: it starts at column 0 (`func`, possibly after `private `, `fileprivate ` or an
/// attribute such as `@discardableResult`) and ends at the first following line that is
/// exactly `}`.
struct TopLevelFunction: Equatable {
    /// The first line (the attribute's, when it stands on its own line above `func`).
    var start: Int
    /// The line whose text ends with the `{` that opens the body.
    var signatureEnd: Int
    /// The closing `}`.
    var end: Int

    /// The function whose lines enclose line `number`, or nil (top-level code such as
    /// `book.run { … }`).
    /// - Complexity: O(n) in the number of lines.
    static func enclosing(_ number: Int, in source: SourceLines) -> TopLevelFunction? {
        var candidate = number
        while candidate >= 1 {
            if let function = starting(at: candidate, in: source) {
                return function.end > number && function.start <= number ? function : nil
            }
            candidate -= 1
        }
        return nil
    }

    /// The function whose `func` line is `number`, or nil when that line starts none.
    static func starting(at number: Int, in source: SourceLines) -> TopLevelFunction? {
        guard source.isCode(number), isDeclaration(source[number]) else { return nil }
        var start = number
        while start > 1, source[start - 1].hasPrefix("@"), !source[start - 1].contains("func ") { start -= 1 }
        var signatureEnd = number
        while signatureEnd < source.count, !endsWithBrace(source[signatureEnd]) { signatureEnd += 1 }
        var end = signatureEnd + 1
        while end <= source.count, !(source.isCode(end) && isClosingBrace(source[end])) { end += 1 }
        return TopLevelFunction(start: start, signatureEnd: signatureEnd, end: min(end, source.count))
    }

    /// `func …`, `private func …`, `@discardableResult func …` at column 0.
    static func isDeclaration(_ line: String) -> Bool {
        line.contains(declarationPattern)
    }

    nonisolated(unsafe) private static let declarationPattern =
        /^(@\w+(\([^)]*\))?\s+)*((private|fileprivate|internal|public)\s+)?func\s/

    /// True when the line, without trailing spaces, ends with `{`.
    static func endsWithBrace(_ line: String) -> Bool {
        line.trimmed.hasSuffix("{")
    }

    /// True for the line that closes a top-level function: exactly `}` (trailing spaces allowed).
    static func isClosingBrace(_ line: String) -> Bool {
        line.hasPrefix("}") && line.trimmed == "}"
    }
}
