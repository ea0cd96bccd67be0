import Foundation

/// softplus(z) = log(1 + eᶻ) > 0, computed without overflow: z + log1p(e^{−z}) for z > 0.
/// For z below ≈ −745, eᶻ underflows and softplus(z) = 0 (a step Δ = 0: see `SelectiveScanInputs`).
/// - Complexity: O(1).
@inlinable
public func softplus(_ z: Double) -> Double {
    z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}

/// The inverse of softplus: the bias b with softplus(b) = y, b = y + log(1 − e^{−y}) = y + log(−expm1(−y)).
/// Mamba initialises the Δ bias this way so that Δ starts at a chosen value.
/// - Precondition: y > 0.
/// - Complexity: O(1).
@inlinable
public func inverseSoftplus(_ y: Double) -> Double {
    y + log(-expm1(-y))
}

/// SiLU(z) = z·σ(z) = z / (1 + e^{−z}) (also called swish).
/// - Complexity: O(1).
@inlinable
public func silu(_ z: Double) -> Double {
    z / (1 + exp(-z))
}
