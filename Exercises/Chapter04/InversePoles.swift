import Course
import Numerics

extension Student {
    /// **Exercise 04.2 — the S4D-Inv initialisation.**
    ///
    /// Task: S4D-Inv's eigenvalues (S4D paper, its "inverse law", which follows the asymptotics of
    /// LegS's normal part):
    ///
    ///     A_n = −½ + i·(N/π)·(N/(2n+1) − 1)      n = 0 … N/2 − 1
    ///
    /// (one per conjugate pair: N/2 values for a state of size N; note the imaginary parts
    /// *decrease* in n, and the last ones are small).
    /// - Parameters: `n` N, even and ≥ 2.
    /// - Returns: A (N/2).
    /// - Graded against: `S4D(.inv, stateSize:rng:).a`, relative error ≤ 1e-14.
    public static func inversePoles(stateSize n: Int) throws -> [Complex<Double>] {
        throw NotImplemented("04.2")
    }
}
