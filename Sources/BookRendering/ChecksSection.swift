import Foundation
import Notebook

/// A chapter's checks as a page shows them: a Markdown table (check, compared, limit, result,
/// max abs err), the summary line in bold, then why the tolerances are what they are. The
/// "compared" cell of an agreement reads `rel 1.3e-15` (its relative error ‖a − b‖∞/‖b‖∞, the
/// number the verdict rests on), as in the terminal; the absolute error is not compared.
enum ChecksSection {
    /// The section's Markdown, without its heading.
    /// - Complexity: O(number of checks).
    static func markdown(checks: [CheckRecord], summary: String) -> String {
        var parts: [String] = []
        if !checks.isEmpty { parts.append(table(checks).rendered()) }
        parts.append("**\(summary)**")
        let reasons = checks.compactMap { check in check.reason.map { "- \(check.name): \($0)" } }
        parts.append("*compared*: for an agreement, the relative error ‖a − b‖∞/‖b‖∞ between the two computations "
                     + "(rel); for a bound, the measured value; for a computation that must be refused, what it threw.")
        if !reasons.isEmpty { parts.append("Why these tolerances:\n\n" + reasons.joined(separator: "\n")) }
        return parts.joined(separator: "\n\n")
    }

    static func table(_ checks: [CheckRecord]) -> MarkdownTable {
        MarkdownTable(header: ["check", "compared", "limit", "result", "max abs err (not compared)"],
                      alignments: [.left, .right, .right, .center, .right],
                      rows: checks.map(row))
    }

    /// One check's cells. An expected-error check shows what was thrown in place of a number; a
    /// failed check says so in bold, so it stands out of a column of ✓.
    static func row(_ check: CheckRecord) -> [String] {
        let compared = check.compared.map { (check.kind == "agreement" ? "rel " : "") + scientific($0) }
            ?? check.thrown.map { "threw: \($0)" } ?? "nothing thrown"
        let limit = [check.relation, check.limit.map(scientific)].compactMap { $0 }.joined(separator: " ")
        let result = check.passed ? "✓" : "**✗ failed**"
        return [check.name, compared, limit.isEmpty ? "—" : limit, result, check.maxAbs.map(scientific) ?? ""]
    }

    /// `1.23e-14`, as the terminal's check table prints it; NaN and ±inf by name.
    static func scientific(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.2e", x)
    }
}
