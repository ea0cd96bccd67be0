import StateSpace

/// One line of a chapter's check table.
///
/// Two kinds:
/// - an **agreement** check compares two independently computed arrays: max abs error
///   ‖a − b‖∞ and normwise relative error ‖a − b‖∞ / ‖b‖∞ (b is the reference), passing when the
///   relative error is ≤ the tolerance;
/// - a **bound** check asserts a measured scalar against a bound (an error that must fall, a
///   fitted slope that must be near 1), passing when `value` satisfies `relation` with `bound`.
/// NaN never passes: every comparison with NaN is false.
public struct Check: Sendable {
    public enum Relation: String, Sendable { case lessOrEqual = "≤", greaterOrEqual = "≥" }

    public enum Kind: Sendable {
        case agreement(maxAbs: Double, maxRel: Double, tolerance: Double)
        case bound(value: Double, relation: Relation, bound: Double)
    }

    public let name: String
    public let kind: Kind
    /// Why the tolerance or bound is what it is (shown under the table when present).
    public let reason: String?

    public var passed: Bool {
        switch kind {
        case let .agreement(_, maxRel, tolerance): return maxRel <= tolerance
        case let .bound(value, relation, bound):
            return relation == .lessOrEqual ? value <= bound : value >= bound
        }
    }

    /// Compares `computed` against `reference`. Arrays of different lengths fail with infinite
    /// error rather than trapping.
    /// - Complexity: O(n).
    public static func agreement(_ name: String, _ computed: [Double], _ reference: [Double],
                                 tolerance: Double, reason: String? = nil) -> Check {
        guard computed.count == reference.count, !computed.isEmpty else {
            return Check(name: "\(name) [lengths \(computed.count) vs \(reference.count)]",
                         kind: .agreement(maxAbs: .infinity, maxRel: .infinity, tolerance: tolerance), reason: reason)
        }
        let abs = maxAbsDifference(computed, reference)
        let rel = relativeDifference(computed, reference)
        return Check(name: name, kind: .agreement(maxAbs: abs, maxRel: rel, tolerance: tolerance), reason: reason)
    }

    /// Asserts `value relation bound`. - Complexity: O(1).
    public static func bound(_ name: String, _ value: Double, _ relation: Relation, _ bound: Double,
                             reason: String? = nil) -> Check {
        Check(name: name, kind: .bound(value: value, relation: relation, bound: bound), reason: reason)
    }
}
