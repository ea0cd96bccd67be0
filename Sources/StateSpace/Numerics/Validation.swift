import Numerics

// Precondition checks that throw instead of trapping. Each names the parameter it checks.

/// Throws unless `value > 0`.
/// - Complexity: O(1).
@inlinable
public func requirePositive(_ value: Int, _ name: String) throws {
    guard value > 0 else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(value)", allowed: "must be a positive integer (≥ 1)")
    }
}

/// Throws unless `value` is finite and `> 0`.
/// - Complexity: O(1).
@inlinable
public func requirePositive(_ value: Double, _ name: String) throws {
    guard value.isFinite, value > 0 else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(value)", allowed: "must be finite and > 0")
    }
}

/// Throws at the first NaN or ±∞ in `values`.
/// - Complexity: O(n).
@inlinable
public func requireFinite(_ values: [Double], _ name: String) throws {
    for (i, v) in values.enumerated() where !v.isFinite {
        throw StateSpaceError.nonFinite(name: name, index: i, value: v)
    }
}

/// Throws at the first complex entry with a NaN or ±∞ part (reports the offending part).
/// - Complexity: O(n).
@inlinable
public func requireFinite(_ values: [Complex<Double>], _ name: String) throws {
    for (i, z) in values.enumerated() where !(z.real.isFinite && z.imaginary.isFinite) {
        throw StateSpaceError.nonFinite(name: name, index: i, value: z.real.isFinite ? z.imaginary : z.real)
    }
}

/// Throws unless `count == expected`.
/// - Complexity: O(1).
@inlinable
public func requireCount(_ count: Int, _ expected: Int, _ name: String) throws {
    guard count == expected else {
        throw StateSpaceError.shapeMismatch(name: name, expected: "length \(expected)", actual: "length \(count)")
    }
}
