/// A `book.cell(title, prose)` or `book.introduction(prose)` call in a chapter's source.
///
///     book.cell("2. NPLR → DPLR", """        ← line
///         With P_n = √(n + ½), …
///         """)                               ← endLine
public struct CellCall: Equatable, Sendable {
    /// The title literal's text, or nil for the introduction.
    public var title: String?
    /// The line of the call (what `#line` records), and the line its prose literal closes on.
    public var line: Int
    public var endLine: Int

    public init(title: String?, line: Int, endLine: Int) {
        (self.title, self.line, self.endLine) = (title, line, endLine)
    }

    static let cellPrefix = "book.cell("
    static let introductionPrefix = "book.introduction("

    /// True when line `number` of `source` is Swift code that starts a cell call.
    static func starts(at number: Int, in source: SourceLines) -> Bool {
        guard source.isCode(number) else { return false }
        let text = source[number].trimmed
        return text.hasPrefix(cellPrefix) || text.hasPrefix(introductionPrefix)
    }

    /// The call starting on line `number` (which `starts(at:in:)`).
    static func parse(at number: Int, in source: SourceLines) -> CellCall {
        let text = source[number].trimmed
        let title = text.hasPrefix(cellPrefix) ? firstStringLiteral(in: text.dropFirst(cellPrefix.count)) : nil
        return CellCall(title: title, line: number, endLine: source.statementEnd(startingAt: number))
    }

    /// The text of the string literal `"…"` that `arguments` starts with (after spaces), with
    /// its escapes `\"`, `\\`, `\n`, `\t` and `\u{…}` resolved; an interpolation `\(…)` is kept
    /// as written. Nil when the argument is not a one-line literal.
    /// - Complexity: O(length of the literal).
    static func firstStringLiteral(in arguments: Substring) -> String? {
        var rest = arguments.drop { $0 == " " }
        guard rest.first == "\"", !rest.hasPrefix("\"\"\"") else { return nil }
        rest.removeFirst()
        var text = ""
        while let c = rest.popFirst() {
            switch c {
            case "\"": return text
            case "\\": text += unescape(&rest)
            default: text.append(c)
            }
        }
        return nil
    }

    /// Reads the escape after a `\` from `rest` and returns what it stands for.
    private static func unescape(_ rest: inout Substring) -> String {
        guard let c = rest.popFirst() else { return "\\" }
        switch c {
        case "n": return "\n"
        case "t": return "\t"
        case "0": return "\0"
        case "u":
            guard rest.first == "{", let close = rest.firstIndex(of: "}"),
                  let scalar = UInt32(rest[rest.index(after: rest.startIndex)..<close], radix: 16).flatMap(Unicode.Scalar.init)
            else { return "\\u" }
            rest = rest[rest.index(after: close)...]
            return String(Character(scalar))
        case "(": return "\\("
        default: return String(c)
        }
    }
}
