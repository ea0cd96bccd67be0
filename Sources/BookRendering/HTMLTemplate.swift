/// The page around Ink's HTML: one self-contained file, its style inline. No scripts, no web
/// fonts, nothing fetched: the page reads the same offline.
enum HTMLTemplate {
    /// `body` (HTML) in a complete document titled `title` (plain text).
    /// - Complexity: O(length of body).
    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escaped(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// `<`, `>`, `&` and `"` as entities.
    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Prose at most 52rem wide; code and output in monospace, never wrapped, scrolled
    /// sideways when wide; output set apart from code by its background and a rule on its left;
    /// tables ruled; figures no wider than the column.
    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; background: #fdfdfc; color: #1f2328;
          font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif;
          font-size: 17px; line-height: 1.6; }
        main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
        h1 { font-size: 1.9rem; line-height: 1.25; margin: 1rem 0 .5rem; }
        h2 { font-size: 1.35rem; margin: 2.4rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid #d8dee4; }
        p, ul, ol { margin: .7rem 0; }
        li { margin: .2rem 0; }
        a { color: #0b5cad; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
        code { font-size: .88em; background: #eff1f3; padding: .1em .3em; border-radius: 3px; }
        pre { font-size: .84rem; line-height: 1.45; white-space: pre; overflow-x: auto; overflow-wrap: normal;
          background: #f3f5f7; border: 1px solid #d8dee4; border-radius: 5px; padding: .75rem 1rem; margin: 1rem 0; }
        pre code { font-size: inherit; background: none; padding: 0; border-radius: 0; white-space: pre; }
        pre:has(> code.language-text) { background: #fffdf4; border-color: #e6dcb5; border-left: 4px solid #d4b94a; }
        table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; font-size: .92rem; }
        th, td { border: 1px solid #c9d1d9; padding: .3rem .6rem; vertical-align: top; }
        th { background: #f3f5f7; white-space: nowrap; }
        td:not(:first-child) { white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        img { display: block; max-width: 100%; height: auto; margin: 1.2rem auto; }
        """
}
