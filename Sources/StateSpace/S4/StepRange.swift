import Foundation
import Numerics

/// The steps Δ for which S4's two discretisations of a system with eigenvalues λ_n still
/// describe that system in Double, and the checks that refuse the other steps by name.
///
/// Both maps send λ to a discrete eigenvalue Ā = 1 + Δλ + O((Δλ)²) for small Δ|λ|; with
/// ε = 2⁻⁵² (the spacing of doubles just above 1):
///
/// - **Small Δ, both maps.** If Δ|λ| < ε then |Ā − 1| < ε: Ā is 1 to working precision (for
///   the bilinear map 1 ± Δλ/2 both round to 1, so Ā = 1 exactly). The discrete system then
///   forgets nothing and no longer depends on λ — a running sum of the input. So Δ ≥ ε/min|λ_n|.
/// - **Large Δ, bilinear** Ā = (1 + Δλ/2)/(1 − Δλ/2) = −1 − 4/(Δλ) + O((Δλ)⁻²). Once
///   Δ|λ| > 4/ε the distance 4/(Δ|λ|) to −1 is below ε and Ā rounds to −1: the mode becomes a
///   pure alternation and the kernel again no longer depends on λ. So Δ ≤ 4/(ε·max|λ_n|).
///   (Both ends are per mode: the range is where every mode is resolved.)
/// - **Large Δ, ZOH** Ā = e^{Δλ} with Re λ < 0: no upper end. Large Δ means fast decay, and a
///   mode whose Δ·Re λ lies below log(least positive double) ≈ −745.13 has Ā = 0 exactly — the
///   true value rounded (see `zeroOrderHold`).
///
/// For S4's LegS DPLR, |Λ_n| runs from ½ to about N²/π, so the bilinear range is about
/// [4e-16, 5.6e16/N²] ([3.9e-16, 1.4e13] at N = 64); S4 initialises Δ in [1e-3, 1e-1].
enum StepRange {
    /// ε = 2⁻⁵².
    static let epsilon = Double.ulpOfOne

    /// [ε/min|λ_n|, 4/(ε·max|λ_n|)]: the steps the bilinear map resolves for every mode.
    /// - Complexity: O(M) for M eigenvalues.
    static func bilinear(_ lambda: [Complex<Double>]) -> ClosedRange<Double> {
        let (low, high) = moduli(lambda)
        return epsilon / low...(4 / epsilon) / high
    }

    /// ε/min|λ_n|: the smallest step ZOH resolves for every mode.
    /// - Complexity: O(M).
    static func zeroOrderHoldMinimum(_ lambda: [Complex<Double>]) -> Double {
        epsilon / moduli(lambda).low
    }

    /// Throws unless Δ is finite, > 0 and in `bilinear(lambda)`; the message states the range and why.
    /// - Complexity: O(M).
    static func requireBilinear(_ step: Double, _ lambda: [Complex<Double>], _ name: String) throws {
        try requirePositive(step, name)
        let range = bilinear(lambda), (low, high) = moduli(lambda)
        guard range.contains(step) else {
            throw StateSpaceError.invalidParameter(
                name: name, value: "\(step)",
                allowed: "must be in [\(short(range.lowerBound)), \(short(range.upperBound))] for this system: the bilinear map "
                    + "needs ε ≤ Δ·|λ_n| ≤ 4/ε (ε = 2⁻⁵², |λ_n| from \(short(low)) to \(short(high))); below, 1 ± Δλ/2 round to 1 "
                    + "(Ā = 1), above, Ā rounds to −1, and either way the kernel no longer depends on that mode's λ")
        }
    }

    /// Throws unless Δ is finite and ≥ `zeroOrderHoldMinimum(lambda)`.
    /// - Complexity: O(M).
    static func requireZeroOrderHold(_ step: Double, _ lambda: [Complex<Double>], _ name: String) throws {
        try requirePositive(step, name)
        let low = zeroOrderHoldMinimum(lambda)
        guard step >= low else {
            throw StateSpaceError.invalidParameter(
                name: name, value: "\(step)",
                allowed: "must be finite and ≥ \(short(low)) for this system: below ε/min|λ_n| (ε = 2⁻⁵², min|λ_n| = "
                    + "\(short(moduli(lambda).low))) e^{Δλ_n} equals 1 to working precision and the kernel no longer depends on λ_n")
        }
    }

    /// min and max of |λ_n| (1 and 1 for no eigenvalues).
    private static func moduli(_ lambda: [Complex<Double>]) -> (low: Double, high: Double) {
        let m = lambda.map(\.length)
        return (m.min() ?? 1, m.max() ?? 1)
    }
}

/// e^{Δλ} and (e^{Δλ} − 1)/λ for Re λ < 0, finite for every finite Δ > 0.
///
/// (e^{Δλ} − 1) comes from `expMinusOne`, not a subtraction, so B̄ = (e^{Δλ} − 1)/λ·B keeps full
/// relative accuracy for small Δ|λ| (the subtraction would lose a factor 1/(Δ|λ|)). When e^{Δ·Re λ}
/// underflows to 0, the node is 0 and e^{Δλ} − 1 = −1 exactly; the phase Δ·Im λ, which may then be
/// huge or infinite, is never formed.
/// - Complexity: O(1).
func zeroOrderHold(_ lambda: Complex<Double>, step: Double) -> (node: Complex<Double>, bBarPerB: Complex<Double>) {
    if exp(step * lambda.real) == 0 { return (.zero, Complex(-1, 0) / lambda) }
    let z = lambda.multiplied(by: step)
    return (Complex.exp(z), Complex.expMinusOne(z) / lambda)
}

/// A number in 3 significant digits, for messages.
func short(_ x: Double) -> String { String(format: "%.3g", x) }
