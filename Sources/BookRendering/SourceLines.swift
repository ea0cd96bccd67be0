/// A Swift source split into lines, with what the cell conventions need to know about each:
/// whether it starts inside a multi-line string literal (`"""`), so that prose never passes
/// for code.
///
/// Lines are numbered from 1, as `#line` numbers them.
struct SourceLines {
    /// The lines, without their newline (`\n`, `\r\n`; a stray `\r` before it is dropped too).
    let lines: [String]
    /// `insideLiteral[i]`: line i + 1 starts inside a multi-line literal (its content or its
    /// closing line).
    let insideLiteral: [Bool]

    /// - Complexity: O(n) in the length of `text`.
    init(_ text: String) {
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var inside = false
        insideLiteral = lines.map { line in
            defer { if line.tripleQuoteCount % 2 == 1 { inside.toggle() } }
            return inside
        }
    }

    var count: Int { lines.count }

    /// Line `number` (1-based).
    subscript(number: Int) -> String { lines[number - 1] }

    /// True when line `number` is Swift code: it does not start inside a multi-line literal.
    func isCode(_ number: Int) -> Bool { !insideLiteral[number - 1] }

    /// The last line of the statement starting at `number`, by the literal convention: a line
    /// that opens a multi-line literal ends at the literal's closing line (trimmed, it starts
    /// with `"""`); any other line ends on itself.
    /// - Complexity: O(length of the literal).
    func statementEnd(startingAt number: Int) -> Int {
        guard self[number].tripleQuoteCount % 2 == 1 else { return number }
        var end = number + 1
        while end <= count, !self[end].trimmed.hasPrefix("\"\"\"") { end += 1 }
        return min(end, count)
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    var trimmed: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }

    /// The number of `"""` delimiters on the line (each opens or closes a multi-line literal).
    var tripleQuoteCount: Int { components(separatedBy: "\"\"\"").count - 1 }

    /// The number of leading spaces and tabs.
    var indentation: Int { prefix { $0 == " " || $0 == "\t" }.count }

    /// True for an empty line or one of spaces only.
    var isBlank: Bool { trimmed.isEmpty }
}
