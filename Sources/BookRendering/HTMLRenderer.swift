import Foundation
import Ink

/// A page's Markdown as a self-contained HTML file, through Ink (`MarkdownParser`).
///
/// The Markdown is first made Ink-safe (`InkMarkdown`), and links to the book's Markdown
/// files are pointed at their HTML versions: `Chapter02.md` → `Chapter02.html`,
/// `README.md` → `index.html`. Links that leave the book (`https:`, `mailto:`) are kept.
public enum HTMLRenderer {
    /// The HTML document for `markdown`, titled `title`.
    /// - Complexity: O(n) in the length of `markdown` (Ink's parse is linear on our pages).
    public static func page(title: String, markdown: String) -> String {
        let body = MarkdownParser().html(from: InkMarkdown.prepared(markdown))
        return HTMLTemplate.document(title: title, body: linkingHTMLPages(body))
    }

    /// `body` with every relative `href="….md"` (optionally `#fragment`) pointing at `.html`.
    static func linkingHTMLPages(_ body: String) -> String {
        body.replacing(/href="([^":#?]+)\.md(#[^"]*)?"/) { match in
            let page = match.output.1 == "README" || match.output.1.hasSuffix("/README")
                ? match.output.1.dropLast("README".count) + "index" : match.output.1
            return "href=\"\(page).html\(match.output.2 ?? "")\""
        }
    }
}
