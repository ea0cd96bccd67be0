import Foundation
import Notebook
import Testing
@testable import BookRendering

@Suite("HTMLRenderer: the page through Ink, self-contained")
struct HTMLRendererTests {
    func body(_ markdown: String) -> String {
        let html = HTMLRenderer.page(title: "t", markdown: markdown)
        let start = html.range(of: "<main>\n")!.upperBound, end = html.range(of: "\n</main>")!.lowerBound
        return String(html[start..<end])
    }

    @Test("a whole page: tables, fenced code, images, links to .html, no network")
    func page() {
        let file = "/src/main.swift"
        let record = fixtureRecord(chapter: "Chapter09", file: file, source: fixtureSource, plots: scratchFolder("html"))
        let markdown = PageRenderer(record: record, sources: [file: fixtureSource], previous: "Chapter08", next: "Chapter10").markdown()
        let html = HTMLRenderer.page(title: "Chapter 09", markdown: markdown)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<table><thead><tr><th align=\"left\">check</th>"))
        #expect(html.contains("<td align=\"left\">recurrence | convolution</td>"))
        #expect(html.contains("<pre><code class=\"language-swift\">func firstCell(_ book: Notebook) throws -&gt; Int {"))
        #expect(html.contains("<pre><code class=\"language-text\">  value = 3\n  ✓ a check\n</code></pre>"))
        #expect(html.contains("<img src=\"Chapter09/kernel.png\" alt=\"The kernel [real part]\"/>"))
        #expect(html.contains("<a href=\"Chapter08.html\">← Chapter 08</a>") && html.contains("<a href=\"index.html\">Index</a>"))
        #expect(!html.contains(".md\""))
        for remote in ["http:", "https:", "<script", "@import", "url("] { #expect(!html.contains(remote)) }
    }

    @Test("GFM's literal _ and * stay literal; real emphasis still works")
    func emphasis() {
        #expect(body("P_n and ω_k, x_{k+1} and y_{k}, a * b * c.") == "<p>P_n and ω_k, x_{k+1} and y_{k}, a * b * c.</p>")
        #expect(body("*normal* and **bold** and _under_ and 2*3*4.") ==
                "<p><em>normal</em> and <strong>bold</strong> and <em>under</em> and 2<em>3</em>4.</p>")
        #expect(body("`a_b * c_d` and P_n") == "<p><code>a_b * c_d</code> and P_n</p>")
        #expect(body("* item P_n\n* item ω_k") == "<ul><li>item P_n</li><li>item ω_k</li></ul>")
        #expect(body("[link_a](x_y_z.md)") == "<p><a href=\"x_y_z.html\">link_a</a></p>")
    }

    @Test("Unicode math, | and < in code and output are kept (HTML-escaped where needed)")
    func unicodeAndPipes() {
        #expect(body("K̂(ω) = C̃(I − Āω)⁻¹B̄, √(n + ½)") == "<p>K̂(ω) = C̃(I − Āω)⁻¹B̄, √(n + ½)</p>")
        #expect(body("```swift\nlet y = a | b < c && d\n```") ==
                "<pre><code class=\"language-swift\">let y = a | b &lt; c &amp;&amp; d\n</code></pre>")
        #expect(body("````text\n```\nK̂ ⁻¹ √\n````") == "<pre><code class=\"language-text\">```\nK̂ ⁻¹ √\n</code></pre>")
    }

    @Test("a < in prose is text, not the start of raw HTML that would end parsing (Chapter01's Σ_{k<n})")
    func angleBrackets() {
        #expect(body("g' = Σ_{k<n} D_nk g_k with\nD = 1 for *odd* n.\n\nNext *one*.") ==
                "<p>g' = Σ_{k&lt;n} D_nk g_k with D = 1 for <em>odd</em> n.</p><p>Next <em>one</em>.</p>")
        #expect(body("`a <b` and a<b") == "<p><code>a &lt;b</code> and a&lt;b</p>")
    }

    @Test("a 4-space-indented formula block becomes a code block; inside a list it stays list text")
    func indentedBlocks() {
        #expect(body("Then\n\n    K = iFFT(K̂)\n    y = K ∗ u\n\nafter.") ==
                "<p>Then</p><pre><code>K = iFFT(K̂)\ny = K ∗ u\n</code></pre><p>after.</p>")
        #expect(body("1. one\n   continued\n2. two") == "<ol><li>one continued</li><li>two</li></ol>")
    }

    @Test("a paragraph line starting with ` or - does not end the paragraph")
    func paragraphContinuation() {
        #expect(body("The kernel\n`K` is long\n-1 is a root.") == "<p>The kernel <code>K</code> is long -1 is a root.</p>")
    }

    @Test("a list, table or heading right after a paragraph line starts its own block, as in GFM")
    func interruptions() {
        #expect(body("Three ideas:\n1. one\n   more\n2. two") == "<p>Three ideas:</p><ol><li>one more</li><li>two</li></ol>")
        #expect(body("Sizes:\n| a | b |\n| --- | --- |\n| 1 | 2 |") ==
                "<p>Sizes:</p><table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>")
        #expect(body("Text\n## 2. A | heading") == "<p>Text</p><h2>2. A | heading</h2>")
    }

    @Test("image alt texts with quotes stay inside their attribute; titles are escaped")
    func attributes() {
        #expect(body("![a \"b\" c](x.png)") == "<img src=\"x.png\" alt=\"a &quot;b&quot; c\"/>")
        #expect(HTMLRenderer.page(title: "a < b & \"c\"", markdown: "").contains("<title>a &lt; b &amp; &quot;c&quot;</title>"))
    }

    @Test("links: .md → .html, README.md → index.html, fragments kept, external links untouched")
    func links() {
        #expect(HTMLRenderer.linkingHTMLPages(#"<a href="Chapter02.md#s">x</a><a href="README.md">i</a>"#)
                == #"<a href="Chapter02.html#s">x</a><a href="index.html">i</a>"#)
        #expect(HTMLRenderer.linkingHTMLPages(#"<a href="https://example.org/a.md">x</a>"#) == #"<a href="https://example.org/a.md">x</a>"#)
    }
}
