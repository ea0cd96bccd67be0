import Foundation
import Testing
@testable import BookRendering

/// The package's own book: every chapter has its two pages, every link and image in them
/// resolves, and every cell of every chapter's source is on its page with its code as the
/// source has it now. It fails until the chapters are run and rendered: `swift run Book`.
@Suite("The book")
struct BookTests {
    /// The package root: three folders above this file (Tests/BookTests/BookTests.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("book/ is complete and current: pages, links, figures, every cell with its code")
    func book() {
        let problems = BookAudit.problems(packageRoot: Self.packageRoot, book: Self.packageRoot.appendingPathComponent("book"))
        #expect(problems.isEmpty, """
            book/ is incomplete or out of date — run `swift run Book` to regenerate book/ (\(problems.count) problems):
            \(problems.prefix(20).joined(separator: "\n"))
            """)
    }
}
