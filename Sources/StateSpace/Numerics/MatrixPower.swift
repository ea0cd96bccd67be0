/// Aᵏ by repeated squaring: write k in binary, square A once per bit and multiply in the
/// squares whose bit is set. A⁰ = I.
///
/// - Parameters: `a` (n, n); `k` ≥ 0.
/// - Returns: (n, n).
/// - Throws: `notSquare`; `invalidParameter` for k < 0, or when Aᵏ overflows Double ("too
///   large", naming A's largest |entry| and k); `nonFinite` for NaN/∞ in A.
/// - Complexity: O(n³·log₂k) — about 2·log₂k GEMMs instead of k.
public func matrixPower(_ a: Matrix, _ k: Int, name: String = "A") throws -> Matrix {
    try a.requireSquare(name)
    try a.requireFinite(name)
    guard k >= 0 else {
        throw StateSpaceError.invalidParameter(name: "exponent k", value: "\(k)", allowed: "must be ≥ 0")
    }
    var result = Matrix.identity(a.rows)
    var square = a
    var bits = k
    while bits > 0 {
        if bits & 1 == 1 { result = result * square }
        bits >>= 1
        if bits > 0 { square = square * square }
    }
    try requireNoOverflow(allFinite(result.elements), result: "power \(name)^k",
                          suspects: [OverflowSuspect(name, a.elements), OverflowSuspect("exponent k", scale: "\(k)")],
                          remedy: "use a smaller k, scale \(name) down, or use a stable \(name) (spectral radius ≤ 1), whose powers stay bounded")
    return result
}
