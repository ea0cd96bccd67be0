import Foundation

/// The links and images of a Markdown or HTML page that point into the book (relative paths),
/// to check that each resolves to a file.
enum RelativeLinks {
    /// The destinations of `[text](dest)` and `![alt](dest)` outside code (fenced blocks and
    /// code spans), as written.
    /// - Complexity: O(n) in the length of `markdown`.
    static func inMarkdown(_ markdown: String) -> [String] {
        var destinations: [String] = [], fence: String?
        for line in SourceLines(markdown).lines {
            if let open = fence {
                if line.trimmed == open { fence = nil }
                continue
            }
            if let length = CodeFence.openingLength(line) { fence = String(repeating: "`", count: length); continue }
            let prose = line.replacing(/`+[^`]*`+/, with: "")                  // code spans hold no links
            destinations += prose.matches(of: /\]\(([^)\s]*)(\s+"[^"]*")?\)/).map { String($0.output.1) }
        }
        return destinations
    }

    /// The `href` of every `<a>` and the `src` of every `<img>`, entities decoded.
    static func inHTML(_ html: String) -> [String] {
        html.matches(of: /<(?:a|img)\s[^>]*?(?:href|src)="([^"]*)"/).map {
            String($0.output.1).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// The file a destination names, relative to the page's folder, or nil for a link that
    /// leaves the book (`https:`, `mailto:`) or stays on the page (`#section`).
    static func target(_ destination: String, from folder: URL) -> URL? {
        let path = destination.prefix { $0 != "#" && $0 != "?" }
        guard !path.isEmpty, !destination.contains(/^[a-zA-Z][a-zA-Z0-9+.-]*:/) else { return nil }
        let decoded = String(path).removingPercentEncoding ?? String(path)
        return decoded.hasPrefix("/") ? URL(fileURLWithPath: decoded) : folder.appendingPathComponent(decoded)
    }
}
