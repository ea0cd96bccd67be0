import Foundation
import Numerics
import PropertyBased
import Testing
@testable import StateSpace

/// One S4D model: an initialisation (Lin, Inv, Real), N (even for the complex ones), L, and Δ
/// log-uniform in [1e-3, 1] (S4D initialises Δ in [1e-3, 1e-1]; we go ten times past it).
/// C ~ N(0, 1) from the case's seed, as `S4D.init` draws it; u uniform in [−1, 1].
struct S4DCase: CustomStringConvertible {
    let initialization: S4DInitialization
    let stateSize: Int
    let length: Int
    let step: Double
    let data: UInt64

    var description: String { "\(initialization.rawValue), N = \(stateSize), L = \(length), Δ = \(step), data seed \(data)" }

    func model() throws -> (s4d: S4D, u: [Double]) {
        var rng = SplitMix64(seed: data)
        let s4d = try S4D(initialization, stateSize: stateSize, rng: &rng)
        return (s4d, uniformArray(length, rng: &rng))
    }

    static let generator = zip(Gen.int(in: 0...2), Gen.int(in: 1...32), lengthGenerator(upTo: 1024), logUniform(-3...0), dataSeed)
        .map { t in
            let initialization = S4DInitialization.allCases[t.0]
            return S4DCase(initialization: initialization, stateSize: initialization == .real ? t.1 : 2 * t.1,
                           length: t.2, step: t.3, data: t.4)
        }
}

/// S4D's Vandermonde kernel K_l = f·Re Σ C_n B̄_n z_nˡ = its recurrence x_n ← z_n x_n + B̄_n u:
/// the recurrence's impulse response is K, and its response to u is K ∗ u.
///
/// Tolerance (u = 2⁻⁵³): with M = ‖u‖∞·f·Σ_n |C_n B̄_n|·Σ_{l<L} |z_n|ˡ (the magnitude of the
/// terms), the kernel is within ≈ (64 + 4)·u·M (powers re-anchored every 64 steps, so ≤ 64
/// complex multiplications between exact values), the recurrence within ≈ 4L·u·M (|z_n| < 1
/// carries each step's rounding forward without growth), and the direct convolution adds
/// L·u·M. We allow 4·(5L + 68)·u·M: ~2e-12·M at L = 1000.
func s4dProperty(_ c: S4DCase,
                 kernel: (S4D, Double, Int) throws -> [Double] = { try $0.kernel(step: $1, length: $2) }) throws -> [Comparison] {
    let (s4d, u) = try c.model()
    let k = try kernel(s4d, c.step, c.length)
    var impulse = [Double](repeating: 0, count: c.length)
    impulse[0] = 1
    let magnitude = s4d.a.indices.reduce(0.0) { sum, n in
        let z = Complex.exp(s4d.a[n].multiplied(by: c.step))
        let bBar = (z - Complex(1, 0)) / s4d.a[n] * s4d.b[n]
        let powers = (0..<c.length).reduce(0.0) { $0 + pow(z.length, Double($1)) }
        return sum + s4d.pairFactor * (s4d.c[n] * bBar).length * powers
    }
    let tolerance = 4 * Double(5 * c.length + 68) * unitRoundoff * magnitude
    return [
        compare("Vandermonde kernel − impulse response of the recurrence", k, try s4d.scan(impulse, step: c.step),
                tolerance: tolerance),
        compare("K ∗ u − recurrence", try directCausalConvolution(k, u), try s4d.scan(u, step: c.step),
                tolerance: tolerance * maxAbs(u)),
    ]
}

@Suite("Property: S4D Vandermonde kernel = recurrence")
struct S4DProperties {
    @Test("Vandermonde kernel = recurrence (300 cases, Lin/Inv/Real, N ≤ 64, L ≤ 1024, Δ ∈ [1e-3, 1])")
    func kernelEqualsRecurrence() async {
        let run = await checkProperty("S4D", count: 300, seed: 0x54D, input: S4DCase.generator) { try s4dProperty($0) }
        expectCoverage(run.cases.map(\.length))
        #expect(Set(run.cases.map(\.initialization)).count == 3)
    }

    /// The kernel with Euler's B̄ = ΔB in place of ZOH's (e^{ΔA} − 1)/A·B, while the recurrence
    /// keeps ZOH: the two agree only to first order in ΔA.
    @Test("caught: a Vandermonde kernel with Euler's B̄ = ΔB")
    func eulerInputMatrixIsCaught() async {
        await expectCaught {
            await checkProperty("S4D, Euler B̄", count: 300, seed: 0x54D, input: S4DCase.generator) {
                try s4dProperty($0) { s4d, step, length in
                    (0..<length).map { l in
                        s4d.a.indices.reduce(0.0) { sum, n in
                            let zl = Complex.exp(s4d.a[n].multiplied(by: step * Double(l)))
                            return sum + s4d.pairFactor * (s4d.c[n] * s4d.b[n].multiplied(by: step) * zl).real
                        }
                    }
                }
            }
        }
    }
}
