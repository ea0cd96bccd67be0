import Foundation

/// Rotary position embedding, RoPE (Su et al. 2021, RoFormer, eq. 15, computed as in §3.4.2 eq. 34): rotate each pair of
/// a head's query and key coordinates (2i, 2i+1) by the angle t·θ_i, θ_i = base^(−2i/P), where t
/// is the token's position and P the head dimension:
///
///     (q̃_{2i}, q̃_{2i+1}) = (q_{2i} cos tθ_i − q_{2i+1} sin tθ_i,  q_{2i} sin tθ_i + q_{2i+1} cos tθ_i)
///
/// A rotation R_t is orthogonal and R_sᵀR_t = R_{t−s}, so q̃_t·k̃_s = q_t·R_{t−s}k_s: the score
/// depends on the offset t − s only — the relative encoding used by modern attention baselines
/// (the Mamba paper's Transformer++ of §4.2.1 and its MHA-RoPE row of Table 11). We pair adjacent
/// coordinates as RoFormer's eq. 34 does; some code (GPT-NeoX, LLaMA) pairs i with i + P/2
/// instead — an equivalent permutation of the head's coordinates.
///
/// Backward: y = R_t x gives ∂ℓ/∂x = R_tᵀ ∂ℓ/∂y = R_{−t} ∂ℓ/∂y, the inverse rotation
/// (`inverse: true`). No parameters.
public struct RotaryEmbedding: Sendable, Equatable {
    /// P: coordinates per head (even).
    public let headDimension: Int
    /// The base of the frequencies (10 000 in RoFormer).
    public let base: Double
    /// θ_i = base^(−2i/P), i = 0 ..< P/2.
    public let frequencies: [Double]                                  // (P/2)

    /// - Throws: `invalidParameter` for an odd or non-positive P, or a base not finite and > 1.
    public init(headDimension: Int, base: Double = 10_000) throws {
        guard headDimension > 0, headDimension % 2 == 0 else {
            throw StateSpaceError.invalidParameter(name: "RoPE head dimension P", value: "\(headDimension)",
                                                   allowed: "must be even and ≥ 2: coordinates are rotated in pairs")
        }
        guard base.isFinite, base > 1 else {
            throw StateSpaceError.invalidParameter(name: "RoPE base", value: "\(base)", allowed: "must be finite and > 1")
        }
        self.headDimension = headDimension
        self.base = base
        frequencies = (0..<headDimension / 2).map { pow(base, -2 * Double($0) / Double(headDimension)) }
    }

    /// Rotates in place the `heads` consecutive head blocks (P each) of one row, at `position`.
    /// - Complexity: O(heads·P).
    func rotate(_ row: UnsafeMutablePointer<Double>, heads: Int, position: Int, inverse: Bool) {
        let sign = inverse ? -1.0 : 1.0
        for (i, theta) in frequencies.enumerated() {
            let angle = Double(position) * theta
            let (c, s) = (cos(angle), sign * sin(angle))
            for h in 0..<heads {
                let a = row + h * headDimension + 2 * i
                let (x0, x1) = (a[0], a[1])
                a[0] = x0 * c - x1 * s
                a[1] = x0 * s + x1 * c
            }
        }
    }

    /// Every row of `m` (B·L, heads·P) rotated at its position within its sequence (row r is
    /// position r mod L). `inverse` applies R_tᵀ (the backward pass).
    /// - Precondition: m.cols = heads·P (the callers build it so).
    /// - Complexity: O(B·L·heads·P).
    public func rotated(_ m: Matrix, length: Int, heads: Int, inverse: Bool = false) -> Matrix {
        requirePrecondition(m.cols == heads * headDimension && length > 0,
                            "RoPE: a (rows, \(m.cols)) matrix cannot hold \(heads) heads of \(headDimension), or L = \(length) < 1")
        var out = m
        out.elements.withUnsafeMutableBufferPointer { p in
            for r in 0..<m.rows { rotate(p.baseAddress! + r * m.cols, heads: heads, position: r % length, inverse: inverse) }
        }
        return out
    }

    /// Every row of `m` (B, heads·P) rotated at the same `position`: one step of B sequences.
    /// - Precondition: m.cols = heads·P. - Complexity: O(B·heads·P).
    public func rotated(_ m: Matrix, position: Int, heads: Int) -> Matrix {
        requirePrecondition(m.cols == heads * headDimension,
                            "RoPE: a (rows, \(m.cols)) matrix cannot hold \(heads) heads of \(headDimension)")
        var out = m
        out.elements.withUnsafeMutableBufferPointer { p in
            for r in 0..<m.rows { rotate(p.baseAddress! + r * m.cols, heads: heads, position: position, inverse: false) }
        }
        return out
    }
}
