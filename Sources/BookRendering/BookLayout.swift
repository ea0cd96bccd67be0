import Foundation

/// Where everything lives in the book's folder, and how pages link to each other.
///
///     book/README.md, book/index.html      the chapter map
///     book/Chapter03.md, book/Chapter03.html
///     book/Chapter03/s4-kernel.png         the figures the run drew
///     book/chapters.json                   what the map shows, per chapter (kept across partial runs)
///
/// Pages are written as Markdown with `.md` links; the HTML version rewrites them to `.html`
/// (`HTMLRenderer`), so both versions link within themselves.
public enum BookLayout {
    public static let indexMarkdown = "README.md"
    public static let indexHTML = "index.html"
    public static let manifest = "chapters.json"

    /// `Chapter03` → `Chapter 03`. - Complexity: O(n) in the name's length, as are the
    /// other path functions here.
    public static func label(_ chapter: String) -> String {
        guard let digit = chapter.firstIndex(where: \.isNumber), digit > chapter.startIndex else { return chapter }
        return chapter[..<digit] + " " + chapter[digit...]
    }

    public static func markdownPage(_ chapter: String) -> String { chapter + ".md" }
    public static func htmlPage(_ chapter: String) -> String { chapter + ".html" }

    /// The folder (relative to the book) holding a chapter's figures.
    public static func figureFolder(_ chapter: String) -> String { chapter }

    /// A figure's file relative to the book: `Chapter03/s4-kernel.png`.
    public static func figureFile(chapter: String, name: String) -> String {
        figureFolder(chapter) + "/" + name + ".png"
    }

    /// `path` as a link destination: every byte outside the URL-safe set percent-encoded
    /// (spaces, parentheses, `#`, `?`), `/` kept.
    /// - Complexity: O(n) in the length of `path`.
    public static func linkDestination(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~/"))
        allowed.remove(charactersIn: "\u{80}"..."\u{10FFFF}")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// `![title](file)`, with the brackets in the title escaped and the file made a link destination.
    static func image(title: String, file: String) -> String {
        let alt = title.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
        return "![\(alt)](\(linkDestination(file)))"
    }

    /// The navigation line: `[← Chapter 02](Chapter02.md) · [Index](README.md) · [Chapter 04 →](Chapter04.md)`.
    static func navigation(previous: String?, next: String?) -> String {
        var links: [String] = []
        if let previous { links.append("[← \(label(previous))](\(linkDestination(markdownPage(previous))))") }
        links.append("[Index](\(indexMarkdown))")
        if let next { links.append("[\(label(next)) →](\(linkDestination(markdownPage(next))))") }
        return links.joined(separator: " · ")
    }
}
