import Foundation

// The function families a HiPPO state is a set of coefficients for. Each returns a matrix
// G (P, N) with G[p, n] = g_n(x_p), so a reconstruction is one product f̂ = G·c.

/// Orthonormal Legendre polynomials on [−1, 1] for the measure dx/2: g_n(x) = √(2n+1)·P_n(x),
/// with P_n from Bonnet's recurrence (n+1)P_{n+1} = (2n+1)x P_n − n P_{n−1} (stable on [−1, 1]).
/// - Parameters: `stateSize` N; `x` (P), each in [−1, 1].
/// - Returns: (P, N).
/// - Complexity: O(P·N).
public func legendreBasis(stateSize n: Int, at x: [Double]) -> Matrix {
    var g = Matrix(zeros: x.count, n)                               // (P, N)
    for (p, xp) in x.enumerated() {
        var previous = 0.0, current = 1.0                           // P_{−1}, P_0
        for degree in 0..<n {
            g[p, degree] = (2 * Double(degree) + 1).squareRoot() * current
            let next = ((2 * Double(degree) + 1) * xp * current - Double(degree) * previous) / Double(degree + 1)
            previous = current
            current = next
        }
    }
    return g
}

/// Laguerre functions ℓ_n(a) = L_n(a)·e^{−a/2}, orthonormal on [0, ∞) for da, with L_n from
/// (n+1)L_{n+1} = (2n+1−a)L_n − n L_{n−1}.
/// - Parameters: `stateSize` N; `age` (P), each ≥ 0.
/// - Returns: (P, N).
/// - Complexity: O(P·N).
public func laguerreFunctions(stateSize n: Int, at age: [Double]) -> Matrix {
    var g = Matrix(zeros: age.count, n)                             // (P, N)
    for (p, a) in age.enumerated() {
        let weight = exp(-a / 2)
        var previous = 0.0, current = 1.0                           // L_{−1}, L_0
        for degree in 0..<n {
            g[p, degree] = current * weight
            let next = ((2 * Double(degree) + 1 - a) * current - Double(degree) * previous) / Double(degree + 1)
            previous = current
            current = next
        }
    }
    return g
}

/// The Fourier basis of [0, 1], orthonormal for dx: g_0 = 1, g_{2k−1} = √2 cos 2πkx,
/// g_{2k} = √2 sin 2πkx.
/// - Parameters: `stateSize` N; `x` (P), each in [0, 1].
/// - Returns: (P, N).
/// - Complexity: O(P·N).
public func fourierBasis(stateSize n: Int, at x: [Double]) -> Matrix {
    var g = Matrix(zeros: x.count, n)                               // (P, N)
    let root2 = 2.0.squareRoot()
    for (p, xp) in x.enumerated() {
        for i in 0..<n {
            let k = Double((i + 1) / 2)
            g[p, i] = i == 0 ? 1 : (i % 2 == 1 ? root2 * cos(2 * .pi * k * xp) : root2 * sin(2 * .pi * k * xp))
        }
    }
    return g
}
