/// The code a page shows under a cell: what the cell's function does after the cell call.
///
/// For a call on line `line` inside a top-level function, the code is
/// 1. the function's signature (its `func` line up to the line ending with `{`),
/// 2. the body lines after the call's end, up to the function's closing `}` or the next
///    `book.cell(`/`book.introduction(` line, whichever comes first, without any
///    `book.exercises(…)` statement,
/// 3. the closing `}` when the function ended there,
///
/// dedented together, with leading and trailing blank body lines dropped. A call outside any
/// function (in `book.run { … }`) shows the lines after it, up to the next cell call or the
/// closing `}` of the enclosing block, with no signature. A cell whose body is empty (an
/// introduction, a prose-only cell) shows no code: `nil`.
public enum CellSource {
    /// Every cell call in `source`, in order.
    /// - Complexity: O(n) in the length of the source.
    public static func calls(in source: String) -> [CellCall] {
        let lines = SourceLines(source)
        return (1...lines.count).filter { CellCall.starts(at: $0, in: lines) }
            .map { CellCall.parse(at: $0, in: lines) }
    }

    /// The code to show for the cell whose call is on `line`, or nil when it has none (or no
    /// cell call starts on that line).
    /// - Complexity: O(n) in the length of the source.
    public static func code(forCellAt line: Int, in source: String) -> String? {
        let lines = SourceLines(source)
        guard (1...lines.count).contains(line), CellCall.starts(at: line, in: lines) else { return nil }
        let call = CellCall.parse(at: line, in: lines)
        let function = TopLevelFunction.enclosing(line, in: lines)
        let blockEnd = function?.end ?? nextClosingBrace(after: call.endLine, in: lines)
        let nextCall = ((call.endLine + 1)..<blockEnd).first { CellCall.starts(at: $0, in: lines) }
        let body = trimmedBlankLines(withoutExercises((call.endLine + 1)..<(nextCall ?? blockEnd), in: lines))
        guard !body.isEmpty else { return nil }
        let signature = function.map { Array(lines.lines[($0.start - 1)..<$0.signatureEnd]) } ?? []
        let closing = function != nil && nextCall == nil ? [lines[blockEnd]] : []
        return dedented(signature + body + closing).joined(separator: "\n")
    }

    /// The first line after `number` that is exactly `}` (the end of `book.run { … }`), or
    /// one past the last line.
    static func nextClosingBrace(after number: Int, in lines: SourceLines) -> Int {
        ((number + 1)...max(lines.count, number + 1)).first {
            $0 <= lines.count && lines.isCode($0) && TopLevelFunction.isClosingBrace(lines[$0])
        } ?? lines.count + 1
    }

    /// The lines of `range`, skipping each `book.exercises(…)` statement (one line, or up to
    /// the close of its multi-line literal).
    /// - Complexity: O(range.count).
    static func withoutExercises(_ range: Range<Int>, in lines: SourceLines) -> [String] {
        var kept: [String] = [], number = range.lowerBound
        while number < range.upperBound {
            if lines.isCode(number), lines[number].trimmed.hasPrefix("book.exercises(") {
                number = lines.statementEnd(startingAt: number) + 1
            } else {
                kept.append(lines[number])
                number += 1
            }
        }
        return kept
    }

    /// `lines` without its leading and trailing blank lines.
    static func trimmedBlankLines(_ lines: [String]) -> [String] {
        Array(lines.drop(while: \.isBlank).reversed().drop(while: \.isBlank).reversed())
    }

    /// `lines` shifted left by their common indentation (blank lines ignored, then emptied),
    /// trailing spaces removed.
    static func dedented(_ lines: [String]) -> [String] {
        let indent = lines.filter { !$0.isBlank }.map(\.indentation).min() ?? 0
        return lines.map { line in
            line.isBlank ? "" : String(String(line.dropFirst(indent)).reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
    }
}
