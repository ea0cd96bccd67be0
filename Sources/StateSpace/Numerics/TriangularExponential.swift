import Foundation

// The matrix exponential of a triangular matrix (up to a permutation), with the diagonal and
// superdiagonal computed exactly at every squaring (Al-Mohy & Higham 2009, §2). The entry point
// is `matrixExponential`; the doc comment there explains why.

/// An order p of 0..<n that makes A[p, p] upper triangular, if there is one.
///
/// A[p, p] is upper triangular iff every off-diagonal nonzero a_ij has i placed before j:
/// a topological order of the graph with an edge i → j per nonzero a_ij (Kahn's algorithm).
/// It exists iff that graph has no cycle. Upper triangular A gives p = identity; lower
/// triangular A gives p reversed. (LAPACK's `dgebal` with job 'P' finds the same permutation
/// when it isolates every eigenvalue.)
/// - Parameter a: (n, n).
/// - Returns: p (n), or nil when no permutation makes A triangular.
/// - Complexity: O(n²).
func triangularOrder(_ a: Matrix) -> [Int]? {
    let n = a.rows
    var incoming = [Int](repeating: 0, count: n)               // (n): nonzeros above-the-order in column j
    for i in 0..<n { for j in 0..<n where i != j && a[i, j] != 0 { incoming[j] += 1 } }
    var ready = (0..<n).filter { incoming[$0] == 0 }.reversed() as [Int]   // a stack, smallest index on top
    var order: [Int] = []
    order.reserveCapacity(n)
    while let i = ready.popLast() {
        order.append(i)
        for j in 0..<n where i != j && a[i, j] != 0 {
            incoming[j] -= 1
            if incoming[j] == 0 { ready.append(j) }
        }
    }
    return order.count == n ? order : nil
}

extension Matrix {
    /// A[p, p]: row and column k of the result are row and column p[k] of A. (n, n) → (n, n).
    /// - Complexity: O(n²).
    func permuted(_ p: [Int]) -> Matrix {
        var t = Matrix(zeros: rows, cols)
        for k in 0..<rows { for l in 0..<cols { t[k, l] = self[p[k], p[l]] } }
        return t
    }

    /// The inverse of `permuted(p)`: entry (p[k], p[l]) of the result is entry (k, l) of self.
    /// - Complexity: O(n²).
    func unpermuted(_ p: [Int]) -> Matrix {
        var a = Matrix(zeros: rows, cols)
        for k in 0..<rows { for l in 0..<cols { a[p[k], p[l]] = self[k, l] } }
        return a
    }
}

/// e^T for upper triangular T by scaling and squaring, with the diagonal and superdiagonal of
/// every intermediate r ≈ e^{T/2ʲ} replaced by their exact values (Al-Mohy & Higham 2009,
/// §2): the squarings then never touch the entries that overscaling would ruin.
/// - Parameters: `t` (n, n), upper triangular; `s` squarings with ‖T/2ˢ‖₁ ≤ θ₁₃.
/// - Returns: e^T, (n, n), upper triangular.
/// - Complexity: O(n³·(6 + s)).
func triangularExponential(_ t: Matrix, squarings s: Int) throws -> Matrix {
    var r = try padeApproximant13(powerOfTwo(-s) * t)            // (n, n) ≈ e^{T/2ˢ}
    setExactDiagonals(&r, of: t, scale: powerOfTwo(-s))
    for j in stride(from: s - 1, through: 0, by: -1) {
        r = r * r                                               // ≈ e^{T/2ʲ}
        setExactDiagonals(&r, of: t, scale: powerOfTwo(-j))
    }
    return r
}

/// Overwrites the diagonal of r with e^{c·t_ii} and its superdiagonal with the (i, i+1) entry
/// of the exponential of the 2×2 block c·[t_ii t_i,i+1; 0 t_i+1,i+1].
/// - Complexity: O(n).
func setExactDiagonals(_ r: inout Matrix, of t: Matrix, scale c: Double) {
    let n = t.rows
    for i in 0..<n { r[i, i] = exp(c * t[i, i]) }
    for i in 0..<max(0, n - 1) {
        r[i, i + 1] = c * t[i, i + 1] * expDividedDifference(c * t[i, i], c * t[i + 1, i + 1])
    }
}

/// The divided difference exp[a, b] = (eᵃ − eᵇ)/(a − b) (= eᵃ when a = b): the (1, 2) entry of
/// exp([[a, 1], [0, b]]).
///
/// Written around the larger argument h = max(a, b), with d = |a − b|:
///     exp[a, b] = eʰ · (1 − e⁻ᵈ)/d = eʰ · (−expm1(−d))/d,
/// which has no cancellation for any d (expm1 keeps the small-d digits), and no 0·∞ when the
/// two exponentials are far apart (e^{−10¹⁶} = 0 beside e⁻¹). If eʰ overflows while the
/// quotient may not, it is formed as e^{h − log d}.
/// - Complexity: O(1).
func expDividedDifference(_ a: Double, _ b: Double) -> Double {
    let h = max(a, b), d = abs(a - b)
    let eh = exp(h)
    guard d > 0 else { return eh }
    let shrink = -expm1(-d)                                    // 1 − e⁻ᵈ ∈ (0, 1]
    return eh.isFinite ? eh * shrink / d : exp(h - log(d)) * shrink
}
