import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// One LTI SSM and an input. A = −s·I + E with ‖E‖_F = s/2: a random, non-normal, stable A
/// whose log-norm μ₂(A) ≤ −s/2 < 0, so every discretisation with Δ·s ≤ 1 gives ‖Ā‖₂ ≤ 1
/// (ZOH: ‖e^{ΔA}‖₂ ≤ e^{Δμ₂(A)}; bilinear: the Cayley transform of a dissipative A; Euler:
/// ‖I + ΔA‖₂ ≤ 1 − Δs/2). That is the valid range of the three views: an unstable Ā makes
/// the output (and every error) grow like ρ(Ā)ᴸ. B, C, u uniform in [−1, 1].
struct LTICase: CustomStringConvertible {
    let stateSize: Int
    let length: Int
    let method: DiscretizationMethod
    let step: Double
    let decay: Double
    let skip: Double
    let data: UInt64

    var description: String {
        "N = \(stateSize), L = \(length), \(method.rawValue), Δ = \(step), s = \(decay), D = \(skip), data seed \(data)"
    }

    /// The discrete model and u (L).
    func model() throws -> (ssm: DiscreteStateSpaceModel, u: [Double]) {
        let n = stateSize
        var rng = SplitMix64(seed: data)
        let e = uniformArray(n * n, rng: &rng)                       // (N, N): E before scaling
        let scale = twoNorm(e) > 0 ? decay / 2 / twoNorm(e) : 0
        let a = try Matrix(rows: n, cols: n, elements: (0..<n * n).map { i in (i % (n + 1) == 0 ? -decay : 0) + scale * e[i] })
        let b = uniformArray(n, rng: &rng), c = uniformArray(n, rng: &rng)
        let u = uniformArray(length, rng: &rng)
        let ssm = try StateSpaceModel(a: a, b: b, c: c, d: skip).discretized(step: step, method: method)
        return (ssm, u)
    }

    static let generator = zip(
        Gen.int(in: 1...8), lengthGenerator(upTo: 1024), Gen.int(in: 0...2), logUniform(-3...0),
        Gen.double(in: 0.05...1), Gen.double(in: -2...2), dataSeed
    ).map { t in
        LTICase(stateSize: t.0, length: t.1, method: DiscretizationMethod.allCases[t.2], step: t.3,
                decay: t.4, skip: t.5, data: t.6)
    }
}

/// Recurrence (`scan`) = FFT convolution with K_k = C Āᵏ B̄ (`convolve`) = Toeplitz matmul.
///
/// Tolerance (u = 2⁻⁵³): each of the L recurrence steps rounds a length-(N + 1) dot product
/// per state entry (γ_{N+1} relative to |Ā||x| + |B̄u|), and ‖Ā‖₂ ≤ 1 carries every such error
/// forward without growth; the kernel by stepping v ← Āv rounds the same way, and the
/// convolution and matmul sum L products (γ_L; the FFT's log₂n·u is smaller). So every view
/// is within ≈ (N + 2)·L·u·M of the truth, M = ‖u‖∞·(|D| + ‖C‖₂·Σ_{k<L} ‖ĀᵏB̄‖₂) the largest
/// possible output (the magnitude of the terms). We allow 4× that: ≈ 1e-12·M at N = 8,
/// L = 1000, while a kernel off by one step is off by O(M).
func ltiProperty(_ c: LTICase,
                 convolve: (DiscreteStateSpaceModel, [Double]) throws -> [Double] = { try $0.convolve($1) }) throws -> [Comparison] {
    let (ssm, u) = try c.model()
    let scanned = try ssm.scan(u)
    let states = try ssm.stateKernel(length: c.length)                // (L, N): row k = ĀᵏB̄
    let kernelMass = (0..<c.length).reduce(0) { $0 + twoNorm(states.row($1)) }
    let magnitude = maxAbs(u) * (abs(ssm.d) + twoNorm(ssm.c) * kernelMass)
    let tolerance = 4 * Double((c.stateSize + 2) * c.length) * unitRoundoff * magnitude
    return [
        compare("convolution − recurrence", try convolve(ssm, u), scanned, tolerance: tolerance),
        compare("Toeplitz matmul − recurrence", try ssm.matmul(u), scanned, tolerance: tolerance),
    ]
}

@Suite("Property: LTI recurrence = convolution = Toeplitz matmul")
struct LTIProperties {
    @Test("scan = FFT convolution = Toeplitz matmul (300 cases, N ≤ 8, L ≤ 1024, all three discretisations)")
    func threeViews() async {
        let run = await checkProperty("LTI three views", count: 300, seed: 0x17_1001, input: LTICase.generator) {
            try ltiProperty($0)
        }
        expectCoverage(run.cases.map(\.length))
        #expect(Set(run.cases.map(\.method)).count == DiscretizationMethod.allCases.count)
        #expect(run.cases.contains { $0.stateSize == 1 })
    }

    /// The classic indexing slip: K_k = C Āᵏ⁺¹ B̄ (the state after the step, read before it).
    @Test("caught: a kernel shifted by one step, C Āᵏ⁺¹ B̄")
    func shiftedKernelIsCaught() async {
        await expectCaught {
            await checkProperty("LTI shifted kernel", count: 300, seed: 0x17_1001, input: LTICase.generator) {
                try ltiProperty($0) { ssm, u in
                    let shifted = Array(try ssm.kernel(length: u.count + 1).dropFirst())   // (L): C Āᵏ⁺¹ B̄
                    return zip(try causalConvolution(shifted, u), u).map { $0 + ssm.d * $1 }
                }
            }
        }
    }
}
