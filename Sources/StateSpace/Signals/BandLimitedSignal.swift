import Foundation

/// A seeded random signal whose spectrum is zero above `maxFrequency`:
///
///     f(t) = (1/√J) Σ_{j=1…J} a_j cos(2π ν_j t + φ_j),
///     a_j ~ N(0, 1),  ν_j ~ U(0, maxFrequency],  φ_j ~ U[0, 2π).
///
/// E[f²] = ½, whatever J. Smooth (entire), so polynomial approximation on a window of
/// length θ converges fast once the degree exceeds ≈ π·maxFrequency·θ — that is what HiPPO's
/// reconstruction error measures.
public struct BandLimitedSignal: Sendable {
    public let amplitudes: [Double]                                // (J)
    public let frequencies: [Double]                               // (J), Hz
    public let phases: [Double]                                    // (J)

    /// - Throws: `invalidParameter` for maxFrequency ≤ 0 or components < 1.
    /// - Complexity: O(J).
    public init(maxFrequency: Double, components: Int = 32, rng: inout SplitMix64) throws {
        try requirePositive(maxFrequency, "maxFrequency")
        try requirePositive(components, "components J")
        let scale = 1 / Double(components).squareRoot()
        amplitudes = (0..<components).map { _ in scale * rng.nextGaussian() }
        frequencies = (0..<components).map { _ in maxFrequency * (1 - Double.random(in: 0..<1, using: &rng)) }
        phases = (0..<components).map { _ in Double.random(in: 0..<(2 * .pi), using: &rng) }
    }

    /// f(t). - Complexity: O(J).
    public func callAsFunction(_ t: Double) -> Double {
        var sum = 0.0
        for j in amplitudes.indices { sum += amplitudes[j] * cos(2 * .pi * frequencies[j] * t + phases[j]) }
        return sum
    }

    /// f at each time. - Complexity: O(P·J).
    public func sample(_ times: [Double]) -> [Double] { times.map(callAsFunction) }
}
