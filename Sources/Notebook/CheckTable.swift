import Foundation

/// A chapter's checks, printed as an aligned table and summarised in the one closing line
/// `ChapterNN: N passed, N failed`.
public struct CheckTable: Sendable {
    public private(set) var checks: [Check] = []

    public init() {}

    public mutating func append(_ check: Check) { checks.append(check) }

    public var passedCount: Int { checks.filter(\.passed).count }
    public var failedCount: Int { checks.count - passedCount }

    /// 0 when no check failed, 1 otherwise: what the chapter's process exits with.
    public var exitCode: Int32 { failedCount == 0 ? 0 : 1 }

    /// `ChapterNN: N passed, N failed`.
    public func summaryLine(chapter: String) -> String {
        "\(chapter): \(passedCount) passed, \(failedCount) failed"
    }

    /// The table: check | compared | limit | ✓/✗ | max abs err, columns aligned. "compared" is
    /// the one number the verdict rests on: `rel 1.3e-11` (an agreement's relative error), a
    /// bound's value, or `threw` / `returned` for an expected error; the max absolute error of
    /// an agreement is shown last, for information only.
    public func rendered() -> String {
        let header = ["check", "compared", "limit", "", "max abs err (not compared)"]
        let rows: [[String]] = checks.map { check in
            let mark = check.passed ? "✓" : "✗"
            switch check.kind {
            case let .agreement(maxAbs, maxRel, tolerance):
                return [check.name, "rel " + sci(maxRel), "≤ " + sci(tolerance), mark, sci(maxAbs)]
            case let .bound(value, relation, bound):
                return [check.name, sci(value), relation.rawValue + " " + sci(bound), mark, ""]
            case let .expectedError(thrown):
                return [check.name, thrown == nil ? "returned" : "threw", "must throw", mark, ""]
            }
        }
        var out = [renderTable(header: header, rows: rows),
                   "compared: an agreement's relative error ‖a − b‖∞/‖b‖∞ (rel), a bound's value, or whether a refused computation threw."]
        let reasons = checks.compactMap { c in c.reason.map { "  · \(c.name): \($0)" } }
        if !reasons.isEmpty { out += ["", "Why these tolerances:"] + reasons }
        let refusals = checks.compactMap { c -> String? in
            guard case let .expectedError(thrown?) = c.kind else { return nil }
            return "  · \(c.name): \(thrown)"
        }
        if !refusals.isEmpty { out += ["", "Errors thrown as expected:"] + refusals }
        return out.joined(separator: "\n")
    }

    private func sci(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.2e", x)
    }
}
