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

    /// The table: check | max abs err | max rel err | tolerance | ✓/✗, columns aligned.
    /// Bound checks show their value in the "max rel err" column and the bound (with its
    /// relation) in the tolerance column.
    public func rendered() -> String {
        let header = ["check", "max abs err", "max rel err", "tolerance", ""]
        let rows: [[String]] = checks.map { check in
            let mark = check.passed ? "✓" : "✗"
            switch check.kind {
            case let .agreement(maxAbs, maxRel, tolerance):
                return [check.name, sci(maxAbs), sci(maxRel), "≤ " + sci(tolerance), mark]
            case let .bound(value, relation, bound):
                return [check.name, "", "value " + sci(value), relation.rawValue + " " + sci(bound), mark]
            }
        }
        var out = [renderTable(header: header, rows: rows)]
        let reasons = checks.compactMap { c in c.reason.map { "  · \(c.name): \($0)" } }
        if !reasons.isEmpty { out += ["", "Why these tolerances:"] + reasons }
        return out.joined(separator: "\n")
    }

    private func sci(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.2e", x)
    }
}
