import Foundation

/// softplus(z) = log(1 + eᶻ) > 0, computed without overflow: z + log1p(e^{−z}) for z > 0.
/// For z below ≈ −745, eᶻ underflows and softplus(z) = 0 (a step Δ = 0: see `SelectiveScanInputs`).
/// Defined for every z: softplus(±∞) = ∞, 0, and a NaN passes through, as in `exp`.
/// - Complexity: O(1).
@inlinable
public func softplus(_ z: Double) -> Double {
    z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}

/// The inverse of softplus: the bias b with softplus(b) = y, b = y + log(1 − e^{−y}) = y + log(−expm1(−y)).
/// Mamba initialises the Δ bias this way so that Δ starts at a chosen value.
/// - Throws: `invalidParameter` unless y is finite and > 0 (softplus takes only those values;
///   y ≤ 0 would give log of a non-positive number, NaN).
/// - Complexity: O(1).
@inlinable
public func inverseSoftplus(_ y: Double) throws -> Double {
    try requirePositive(y, "softplus value y")
    return y + log(-expm1(-y))
}

/// SiLU(z) = z·σ(z) = z / (1 + e^{−z}) (also called swish). A NaN passes through, as in `exp`.
/// - Complexity: O(1).
@inlinable
public func silu(_ z: Double) -> Double {
    z == -.infinity ? -0.0 : z / (1 + exp(-z))                         // the limit, not −∞/∞ = NaN
}
