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
    /// The band limit the frequencies were drawn below, Hz.
    public let maxFrequency: Double

    /// The most components a signal may have: J ≤ 2²⁰. More do not change its statistics.
    static let maximumComponents = 1 << 20
    /// The largest number of cycles, ν·|t|, the signal is evaluated at: 2⁵². Beyond it the phase
    /// 2πνt keeps no correct digit (Doubles near νt are more than a cycle apart), so f(t) would
    /// be noise however it is computed.
    static let maximumCycles = 0x1p52

    /// - Parameters: `maxFrequency` > 0, finite; `components` J, 1 ≤ J ≤ 2²⁰.
    /// - Throws: `invalidParameter` for maxFrequency ≤ 0 or not finite, J outside 1…2²⁰.
    /// - Complexity: O(J).
    public init(maxFrequency: Double, components: Int = 32, rng: inout SplitMix64) throws {
        try requirePositive(maxFrequency, "maxFrequency")
        try requireInRange(components, 1...Self.maximumComponents, "components J")
        let scale = 1 / Double(components).squareRoot()
        amplitudes = (0..<components).map { _ in scale * rng.nextGaussian() }
        frequencies = (0..<components).map { _ in maxFrequency * (1 - Double.random(in: 0..<1, using: &rng)) }
        phases = (0..<components).map { _ in Double.random(in: 0..<(2 * .pi), using: &rng) }
        self.maxFrequency = maxFrequency
    }

    /// f(t).
    /// - Parameter t: finite, with maxFrequency·|t| ≤ 2⁵² cycles.
    /// - Throws: `invalidParameter` for t NaN, ±∞ or too large.
    /// - Complexity: O(J).
    public func callAsFunction(_ t: Double) throws -> Double {
        try requireTime(t, "time t")
        var sum = 0.0
        for j in amplitudes.indices { sum += amplitudes[j] * cos(2 * .pi * (frequencies[j] * t) + phases[j]) }
        return sum
    }

    /// f at each time.
    /// - Parameter times: (P), each as in `callAsFunction`.
    /// - Returns: (P).
    /// - Throws: as `callAsFunction`, naming the time's index.
    /// - Complexity: O(P·J).
    public func sample(_ times: [Double]) throws -> [Double] {
        for (p, t) in times.enumerated() { try requireTime(t, "times[\(p)]") }
        return try times.map(callAsFunction)
    }

    private func requireTime(_ t: Double, _ name: String) throws {
        guard t.isFinite, maxFrequency * abs(t) <= Self.maximumCycles else {
            throw StateSpaceError.invalidParameter(
                name: name, value: "\(t)",
                allowed: "must be finite with maxFrequency·|t| ≤ 2^52 cycles (here maxFrequency = \(maxFrequency)); "
                    + "beyond it the phase has no correct digit")
        }
    }
}
