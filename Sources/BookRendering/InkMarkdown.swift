import Foundation

/// GitHub-flavoured Markdown rewritten so that Ink renders it as a code forge would.
///
/// Ink 0.6 differs from GFM in four ways our pages meet:
/// - it has no indented code blocks: a 4-space-indented formula block would become one run-on
///   paragraph. Outside lists, such blocks become fenced blocks here.
/// - it pairs any two `*` or `_`: `P_n … ω_k` would be italicised. Markers GFM leaves alone are
///   escaped (`EmphasisDelimiters`).
/// - it ends a paragraph at a line starting with `` ` ``, `-`, `#` or `<`, and does not let a
///   list or table interrupt one: the lines of a paragraph or list item are joined (a soft
///   line break is a space in both), and a blank line is put before a list, table or heading
///   that follows a paragraph line.
/// - it writes an image's alt text into the attribute unescaped: `"` becomes `&quot;`.
/// - it reads any `<` followed by a letter as the start of raw HTML, even where GFM sees text
///   (`Σ_{k<n}`), and then stops parsing the page: outside code spans `<` becomes `&lt;` (our
///   prose holds no raw HTML).
/// Fenced code blocks are passed through untouched.
enum InkMarkdown {
    /// - Complexity: O(n) in the length of `markdown` (plus `EmphasisDelimiters`' pairing).
    static func prepared(_ markdown: String) -> String {
        let lines = SourceLines(markdown).lines
        var out: [String] = [], block: [String] = [], inList = false, i = 0
        func flush() {
            if !block.isEmpty { out.append(inlineText(block)) }
            block = []
        }
        while i < lines.count {
            let line = lines[i], afterBlank = i == 0 || lines[i - 1].isBlank
            if let length = CodeFence.openingLength(line) {
                flush()
                let end = fenceEnd(lines, from: i, length: length)
                out += lines[i..<end]
                (i, inList) = (end, false)
            } else if line.isBlank {
                flush()
                out.append("")
                i += 1
            } else if line.indentation >= 4, afterBlank, !inList {
                let end = indentedBlockEnd(lines, from: i)
                out.append(fenced(Array(lines[i..<end])))
                i = end
            } else {
                if isListItem(line) { inList = true } else if afterBlank && line.indentation == 0 { inList = false }
                block.append(line)
                i += 1
            }
        }
        flush()
        return out.joined(separator: "\n")
    }

    /// One past the line closing the fence opened on line `start` (or the end of the text).
    static func fenceEnd(_ lines: [String], from start: Int, length: Int) -> Int {
        let fence = String(repeating: "`", count: length)
        let close = lines[(start + 1)...].firstIndex { $0.trimmed == fence }
        return (close ?? lines.count - 1) + 1
    }

    /// One past the last line of the indented block starting at `start` (blank lines inside it
    /// belong to it; trailing ones do not).
    static func indentedBlockEnd(_ lines: [String], from start: Int) -> Int {
        var end = start, last = start
        while end < lines.count, lines[end].isBlank || lines[end].indentation >= 4 {
            if !lines[end].isBlank { last = end }
            end += 1
        }
        return last + 1
    }

    /// An indented block as a fenced one, its 4-space indentation removed.
    static func fenced(_ lines: [String]) -> String {
        let content = lines.map { String($0.dropFirst(min(4, $0.indentation))) }.joined(separator: "\n")
        return CodeFence.block(content)
    }

    /// `- item`, `* item`, `+ item`, `1. item`, `1) item`, possibly indented.
    static func isListItem(_ line: String) -> Bool {
        line.contains(/^\s*([-*+]|\d{1,9}[.)])\s/)
    }

    /// A paragraph, list, table or heading block: continuation lines joined to the line they
    /// continue, unpaired emphasis markers escaped, image alt texts made attribute-safe.
    static func inlineText(_ block: [String]) -> String {
        var joined: [String] = []
        for line in block {
            guard let previous = joined.last else { joined.append(line); continue }
            if continues(line) && !endsItsLine(previous) {
                joined[joined.count - 1] = previous + " " + line.trimmed
            } else {
                // A list, table or heading may interrupt a paragraph in GFM; Ink needs a blank line.
                if continues(previous) && !continues(line) { joined.append("") }
                joined.append(line)
            }
        }
        return EmphasisDelimiters.escaped(escapedAngles(joined.joined(separator: "\n")))
            .split(separator: "\n", omittingEmptySubsequences: false).map { imageWithSafeAlt(String($0)) }
            .joined(separator: "\n")
    }

    /// `<` as `&lt;` outside code spans (between backquotes), where Ink would start raw HTML.
    /// - Complexity: O(n).
    static func escapedAngles(_ text: String) -> String {
        var out = "", inCode = false
        for character in text {
            if character == "`" { inCode.toggle() }
            out += character == "<" && !inCode ? "&lt;" : String(character)
        }
        return out
    }

    /// True for a line that continues the previous one's paragraph or list item.
    static func continues(_ line: String) -> Bool {
        let text = line.trimmed
        return !isListItem(line) && !text.hasPrefix("|") && !text.hasPrefix("#") && !text.hasPrefix(">")
            && !text.hasPrefix("![")
    }

    /// True for a line the next one may not be joined to: a hard break, a heading, a table row.
    static func endsItsLine(_ line: String) -> Bool {
        line.hasSuffix("  ") || line.hasSuffix("\\") || line.trimmed.hasPrefix("#") || line.trimmed.hasPrefix("|")
    }

    /// `![a "b"](x.png)` → `![a &quot;b&quot;](x.png)`.
    static func imageWithSafeAlt(_ line: String) -> String {
        guard line.hasPrefix("!["), let close = line.range(of: "](", options: .backwards) else { return line }
        let alt = line[line.index(line.startIndex, offsetBy: 2)..<close.lowerBound]
        return "![" + alt.replacingOccurrences(of: "\"", with: "&quot;") + line[close.lowerBound...]
    }
}
