import Foundation
import Numerics

/// The generating function of a dense discrete SSM at the roots of unity, by its definition as a
/// resolvent: K̂(ω_k) = C̃ (I − Āω_k)⁻¹ B̄, ω_k = e^{−2πik/L}, one dense complex solve per k. The
/// independent reference for `s4GeneratingFunction`, which gets the same numbers from Cauchy sums
/// without forming Ā.
/// - Parameters: `model` the dense discrete SSM (Ā (N, N), B̄ (N)); `cTilde` C̃ (N); `frequencies`
///   the k to evaluate; `length` L ≥ 1.
/// - Returns: (real, imaginary) parts, one pair per k.
/// - Throws: `shapeMismatch` (C̃ not of length N), `nonFinite`, `invalidParameter` (L < 1),
///   `singularMatrix` if Ā has the eigenvalue 1/ω_k.
/// - Complexity: O(N³) per frequency.
public func resolventGeneratingFunction(_ model: DiscreteStateSpaceModel, cTilde: [Double], frequencies: [Int],
                                        length: Int) throws -> [(real: Double, imaginary: Double)] {
    let n = model.aBar.rows
    try requireCount(cTilde.count, n, "C̃ (must have length N = \(n))")
    try requireFinite(cTilde, "C̃")
    try requirePositive(length, "length L")
    let bBar = ComplexMatrix(try Matrix(rows: n, cols: 1, elements: model.bBar))  // (N, 1)
    return try frequencies.map { k in
        let angle = -2 * Double.pi * Double(k) / Double(length)
        let omega = Complex(cos(angle), sin(angle))
        var m = ComplexMatrix(model.aBar)                             // (N, N): I − ωĀ
        for i in 0..<n { for j in 0..<n { m[i, j] = (i == j ? Complex<Double>.one : .zero) - omega * m[i, j] } }
        let x = try solve(m, bBar, name: "I − ωĀ")                    // (N, 1)
        let value = (0..<n).reduce(Complex<Double>.zero) { $0 + x[$1, 0].multiplied(by: cTilde[$1]) }
        return (value.real, value.imaginary)
    }
}

/// The kernel K_k = C V_A zᵏ V_A⁻¹ B̄ of a dense discrete SSM computed through the eigenvectors V_A
/// of Ā itself (LAPACK dgeev) — the "naive diagonalisation" S4 avoids. Exact in exact arithmetic;
/// in Double it loses about log₁₀ cond(V_A) digits, which for HiPPO-LegS grows exponentially in N.
/// - Parameters: `model` (Ā (N, N), B̄ (N), C (N)); `length` L ≥ 1.
/// - Returns: (L).
/// - Throws: `lapackFailure`, `singularMatrix` (V_A numerically singular), `invalidParameter` (L < 1).
/// - Complexity: O(N³ + N·L).
public func kernelThroughEigenvectors(_ model: DiscreteStateSpaceModel, length: Int) throws -> [Double] {
    try requirePositive(length, "kernel length L")
    let n = model.aBar.rows, c = model.c
    let (z, vA) = try generalEigen(model.aBar, name: "Ā")          // (N), (N, N)
    let inverse = try solve(vA, ComplexMatrix.identity(n), name: "V_A")
    let w = (0..<n).map { i in (0..<n).reduce(Complex<Double>.zero) { $0 + inverse[i, $1].multiplied(by: model.bBar[$1]) } }  // V_A⁻¹B̄
    let cv = (0..<n).map { j in (0..<n).reduce(Complex<Double>.zero) { $0 + vA[$1, j].multiplied(by: c[$1]) } }                // C V_A
    var weights = (0..<n).map { cv[$0] * w[$0] }                      // (N)
    var k = [Double](repeating: 0, count: length)                     // (L)
    for l in 0..<length {
        k[l] = weights.reduce(0) { $0 + $1.real }
        for i in 0..<n { weights[i] = weights[i] * z[i] }
    }
    return k
}
