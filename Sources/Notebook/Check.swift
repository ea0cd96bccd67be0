import StateSpace

/// One line of a chapter's check table.
///
/// Three kinds:
/// - an **agreement** check compares two independently computed arrays: max abs error
///   ‖a − b‖∞ and normwise relative error ‖a − b‖∞ / ‖b‖∞ (b is the reference), passing when the
///   relative error is ≤ the tolerance (the absolute error is shown, not compared);
/// - a **bound** check asserts a measured scalar against a bound (an error that must fall, a
///   fitted slope that must be near 1), passing when `value` satisfies `relation` with `bound`;
/// - an **expected error** check passes when a computation that must be refused throws
///   (`Notebook.checkThrows`): "Euler at Δ = 0.05 is refused as unstable".
/// NaN never passes: every comparison with NaN is false.
public struct Check: Sendable {
    public enum Relation: String, Sendable { case lessOrEqual = "≤", greaterOrEqual = "≥" }

    public enum Kind: Sendable {
        case agreement(maxAbs: Double, maxRel: Double, tolerance: Double)
        case bound(value: Double, relation: Relation, bound: Double)
        /// `thrown`: the error's description, or nil when the computation returned normally.
        case expectedError(thrown: String?)
    }

    public let name: String
    public let kind: Kind
    /// Why the tolerance or bound is what it is (shown under the table when present).
    public let reason: String?

    public init(name: String, kind: Kind, reason: String? = nil) {
        (self.name, self.kind, self.reason) = (name, kind, reason)
    }

    public var passed: Bool {
        switch kind {
        case let .agreement(_, maxRel, tolerance): return maxRel <= tolerance
        case let .bound(value, relation, bound):
            return relation == .lessOrEqual ? value <= bound : value >= bound
        case let .expectedError(thrown): return thrown != nil
        }
    }

    /// How far the compared number is from its limit, as a factor: relative error / tolerance
    /// for an agreement, value / bound for `≤`, bound / value for `≥`; ∞ for NaN, for a value on
    /// the wrong side of a zero bound, and for an expected error that was not thrown. Above 1
    /// exactly when the check fails. A test that injects a wrong ingredient asks for ≥ 10.
    public var margin: Double {
        func ratio(_ a: Double, _ b: Double) -> Double {
            if a.isNaN || b.isNaN { return .infinity }
            if b > 0 { return a / b }
            return a > b ? .infinity : 0
        }
        switch kind {
        case let .agreement(_, maxRel, tolerance): return ratio(maxRel, tolerance)
        case let .bound(value, .lessOrEqual, bound): return ratio(value, bound)
        case let .bound(value, .greaterOrEqual, bound): return ratio(bound, value)
        case let .expectedError(thrown): return thrown == nil ? .infinity : 0
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

    /// Runs `body`, which must throw: passes with the error's description, fails if it returns.
    /// - Complexity: one call of `body`.
    public static func throwing(_ name: String, reason: String? = nil, _ body: () throws -> Void) -> Check {
        do {
            try body()
            return Check(name: name, kind: .expectedError(thrown: nil), reason: reason)
        } catch {
            return Check(name: name, kind: .expectedError(thrown: "\(error)"), reason: reason)
        }
    }

    /// The check with every number the table shows, for `--record`.
    public var record: CheckRecord {
        switch kind {
        case let .agreement(maxAbs, maxRel, tolerance):
            CheckRecord(name: name, passed: passed, kind: "agreement", compared: maxRel, limit: tolerance, relation: "≤",
                        maxAbs: maxAbs, thrown: nil, margin: margin, reason: reason)
        case let .bound(value, relation, bound):
            CheckRecord(name: name, passed: passed, kind: "bound", compared: value, limit: bound, relation: relation.rawValue,
                        maxAbs: nil, thrown: nil, margin: margin, reason: reason)
        case let .expectedError(thrown):
            CheckRecord(name: name, passed: passed, kind: "expectedError", compared: nil, limit: nil, relation: nil,
                        maxAbs: nil, thrown: thrown, margin: margin, reason: reason)
        }
    }
}
