/// A GitHub-flavoured Markdown table whose cells cannot break its rows: `|` in a cell is
/// escaped as `\|`, a newline becomes a space.
///
///     MarkdownTable(header: ["check", "result"], alignments: [.left, .center], rows: [["a | b", "✓"]]).rendered()
///     // | check | result |
///     // | :--- | :---: |
///     // | a \| b | ✓ |
public struct MarkdownTable: Sendable {
    public enum Alignment: Sendable { case left, center, right }

    public var header: [String]
    public var alignments: [Alignment]
    /// Each row has `header.count` cells (shorter rows are padded with empty cells).
    public var rows: [[String]]

    public init(header: [String], alignments: [Alignment], rows: [[String]]) {
        (self.header, self.alignments, self.rows) = (header, alignments, rows)
    }

    /// The table, one line per row.
    /// - Complexity: O(total length of the cells).
    public func rendered() -> String {
        let delimiter = header.indices.map { i in
            switch i < alignments.count ? alignments[i] : .left {
            case .left: ":---"
            case .center: ":---:"
            case .right: "---:"
            }
        }
        let padded = rows.map { $0 + Array(repeating: "", count: max(0, header.count - $0.count)) }
        return ([line(header.map(Self.escaped)), line(delimiter)] + padded.map { line($0.map(Self.escaped)) })
            .joined(separator: "\n")
    }

    private func line(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    /// `text` made safe for one table cell: newlines to spaces, `|` escaped, outer spaces trimmed.
    /// - Complexity: O(n) in the length of `text`.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|").trimmed
    }
}
