import Foundation
import Testing
@testable import BookRendering

@Suite("CellSource: the code under each cell")
struct CellSourceTests {
    func line(of title: String?) -> Int {
        CellSource.calls(in: fixtureSource).first { $0.title == title }!.line
    }

    func code(_ title: String?) -> String? {
        CellSource.code(forCellAt: line(of: title), in: fixtureSource)
    }

    @Test("every cell call is listed, in order, with its title (nil for the introduction) and line")
    func calls() {
        let calls = CellSource.calls(in: fixtureSource)
        #expect(calls.map(\.title) == [nil, "1. One line", "2. Many lines | pipes", "3. Same function", "4. Wrap up",
                                       "What comes next", "5. Inline"])
        let lines = fixtureSource.split(separator: "\n", omittingEmptySubsequences: false)
        for call in calls {
            #expect(lines[call.line - 1].contains(call.title == nil ? "book.introduction(" : "book.cell("))
        }
        #expect(calls[0].endLine == calls[0].line + 2)
        #expect(calls[1].endLine == calls[1].line)
    }

    @Test("one-line prose: the signature, the rest of the body, the closing brace")
    func oneLineProse() {
        #expect(code("1. One line") == """
            func firstCell(_ book: Notebook) throws -> Int {
                let x = 1 + 2                                               // scalar
                book.show("x = \\(x)")
                return x
            }
            """)
    }

    @Test("multi-line prose and a two-line signature: the body stops at the next cell, without a brace")
    func multiLineProse() {
        #expect(code("2. Many lines | pipes") == """
            private func secondCell(_ book: Notebook,
                                    x: Int) {
                if x > 0 {
                    book.show("positive")
                }
            """)
    }

    @Test("the second cell of a function shows the signature again and the function's end")
    func twoCellsInOneFunction() {
        #expect(code("3. Same function") == """
            private func secondCell(_ book: Notebook,
                                    x: Int) {
                book.show("done")
            }
            """)
    }

    @Test("exercises are stripped: one-line and multi-line; a cell left with nothing shows no code")
    func exercisesStripped() {
        #expect(code("4. Wrap up") == """
            func wrapUp(_ book: Notebook) {
                let y = 2
                book.show("\\(y)")
            }
            """)
        #expect(code("What comes next") == nil)
    }

    @Test("an introduction without code shows none")
    func introductionWithoutCode() {
        #expect(code(nil) == nil)
    }

    @Test("a cell inside run shows the lines after it, dedented, without a signature")
    func cellInRun() {
        #expect(code("5. Inline") == """
            book.show("inline")
            wrapUp(book)
            whatComesNext(book)
            """)
    }

    @Test("a line that is not a cell call, or is inside prose, has no code")
    func notACall() {
        #expect(CellSource.code(forCellAt: 1, in: fixtureSource) == nil)
        #expect(CellSource.code(forCellAt: 10_000, in: fixtureSource) == nil)
        let prose = "func f(_ book: Notebook) {\n    book.cell(\"A\", \"\"\"\n        book.cell(\"not a call\")\n        \"\"\")\n    g()\n}"
        #expect(CellSource.calls(in: prose).map(\.title) == ["A"])
        #expect(CellSource.code(forCellAt: 3, in: prose) == nil)
        #expect(CellSource.code(forCellAt: 2, in: prose) == "func f(_ book: Notebook) {\n    g()\n}")
    }

    @Test("titles: escapes resolved, interpolation kept as written")
    func titles() {
        #expect(CellCall.firstStringLiteral(in: #"  "a \"quoted\" \u{3A9} \\ b", "#) == #"a "quoted" Ω \ b"#)
        #expect(CellCall.firstStringLiteral(in: #""N = \(n)", """"#) == #"N = \(n)"#)
        #expect(CellCall.firstStringLiteral(in: "prose)") == nil)
    }

    @Test("CRLF sources give the same code")
    func crlf() {
        let crlf = fixtureSource.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(CellSource.code(forCellAt: line(of: "1. One line"), in: crlf) == code("1. One line"))
    }
}
