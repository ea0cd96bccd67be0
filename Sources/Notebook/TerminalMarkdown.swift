/// A cell's markdown as the terminal shows it: the same text the source holds, re-wrapped.
///
/// Blocks are separated by blank lines. Paragraphs are joined and wrapped at `width`; list items
/// (`1. `, `- `, `* `) wrap with a hanging indent; headings (`#`), tables (`|`), fenced code
/// (```) and indented code (four spaces: the formula blocks) are printed as written, since
/// re-wrapping them would break their alignment. Emphasis markers (`**`, `*`, backquotes) are
/// kept: they read as emphasis in a terminal too.
enum TerminalMarkdown {
    /// - Complexity: O(characters).
    static func render(_ markdown: String, width: Int = 92) -> String {
        var out: [String] = [], paragraph: [String] = [], fenced = false
        func flush() {
            guard let first = paragraph.first else { return }
            let hanging = listMarker(first).map { String(repeating: " ", count: $0) } ?? ""
            out.append(wrap(paragraph.map { $0.trimmingLeadingSpaces }.joined(separator: " "), width: width, indent: hanging))
            paragraph = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.trimmingLeadingSpaces.hasPrefix("```") { flush(); fenced.toggle(); out.append(line); continue }
            // An indented line right after paragraph text continues it (markdown's lazy continuation).
            let continuation = !paragraph.isEmpty && line.hasPrefix("    ")
            if fenced || (isVerbatim(line) && !continuation) { flush(); out.append(line); continue }
            if line.trimmingLeadingSpaces.isEmpty { flush(); out.append(""); continue }
            if listMarker(line) != nil { flush() }
            paragraph.append(line)
        }
        flush()
        return out.joined(separator: "\n")
    }

    /// Headings, table rows and indented code are printed as written.
    static func isVerbatim(_ line: String) -> Bool {
        line.hasPrefix("#") || line.trimmingLeadingSpaces.hasPrefix("|") || line.hasPrefix("    ")
    }

    /// The width of a list item's marker including its space (`1. ` → 3, `- ` → 2), or nil.
    static func listMarker(_ line: String) -> Int? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return 2 }
        let digits = line.prefix(while: \.isNumber)
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return digits.count + 2
    }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " })) }
}
