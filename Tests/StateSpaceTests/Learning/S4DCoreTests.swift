import Foundation
import Numerics
import PropertyBased
import Testing
@testable import StateSpace

/// An S4D core moved off its initialisation (logΛre +U[−1, 1], Λim +U[−1, 1], B ~ complex
/// N(0, 1), Δ log-uniform in [0.03, 0.3]) so every gradient is exercised; B sequences of length L
/// (lengths that are not powers of two included: the FFT pads them); ℓ = Σ W ⊙ y, W ~ N(0, 1).
///
/// The quotient is `centralDifference`'s fourth-order one at h = 1e-4 (not its default 1e-3): log Δ
/// enters through e^{Δλk} for every lag k ≤ L, so the loss's higher derivatives in log Δ grow like
/// (LΔ|λ|)ⁿ and the truncation error h⁴ℓ⁽⁵⁾/30 needs the smaller step at L = 1000.
/// Why Δ ≥ 0.03: a central difference carries the loss's rounding, ≈ ε·|ℓ|/h ≈ 1e-12·|ℓ|, and
/// ℓ is dominated by the skip term D·u; the Λ gradients scale like Δ² (at L = 1, ∂K₀/∂Λ ≈ Δ²CB/2),
/// so at Δ = 1e-3 they sit at the finite difference's noise floor (seen: 1.3e-6 relative) and
/// the comparison would measure the noise, not the gradient. Why Δ ≤ 0.3: with Λim up to
/// ≈ 10, Δ = 1 turns a mode by ≈ 10 rad per step, and the loss's third derivative in log Δ
/// grows like (lΔ|Λ|)²·ℓ′; a two-point central difference's truncation error h²ℓ‴/6 reached 2.3e-6
/// there (the difference's error, not the gradient's).
struct S4DCoreCase: CustomStringConvertible {
    let batch: Int, length: Int, width: Int, stateSize: Int, threads: Int
    let data: UInt64
    var route: S4DCore.Route = .fft

    var description: String { "B = \(batch), L = \(length), H = \(width), N = \(stateSize), threads \(threads), data seed \(data), \(route)" }

    func draw() throws -> (S4DCore, Matrix, Matrix) {
        var rng = SplitMix64(seed: data)
        var core = try S4DCore(width: width, stateSize: stateSize, threads: threads, rng: &rng)
        core.convolution = route
        for i in core.logAReal.value.elements.indices { core.logAReal.value.elements[i] += Double.random(in: -1...1, using: &rng) }
        for i in core.aImag.value.elements.indices { core.aImag.value.elements[i] += Double.random(in: -1...1, using: &rng) }
        core.b.value.elements = gaussianArray(core.b.value.elements.count, rng: &rng)
        core.logStep.value.elements = (0..<width).map { _ in Double.random(in: log(0.03)...log(0.3), using: &rng) }
        return (core, try gaussianMatrix(batch * length, width, rng: &rng), try gaussianMatrix(batch * length, width, rng: &rng))
    }

    static let generator = zip(Gen.int(in: 1...2), lengthGenerator(upTo: 67), Gen.int(in: 1...3), Gen.int(in: 1...4), Gen.int(in: 1...2), dataSeed)
        .map { t in S4DCoreCase(batch: t.0, length: t.1, width: t.2, stateSize: 2 * t.3, threads: t.4, data: t.5) }
    static let directGenerator = generator.map { c in var d = c; d.route = .direct; return d }
}

/// S4D's backward (FFT correlations, then the Vandermonde sums) against central differences:
/// rel. err ≤ 1e-6 for every parameter and x (why 1e-6: see `scanGradientProperty`).
func s4dGradientProperty(_ c: S4DCoreCase) throws -> [Comparison] {
    let (model, x, w) = try c.draw()
    var core = model
    let (_, tape) = try core.forward(x, length: c.length)
    let dx = try core.backward(tape, outputGradient: w)
    var rng = SplitMix64(seed: c.data ^ 0xD0D0)
    let parameters = try compareParameterGradients(core, samples: 8, step: 1e-4, rng: &rng) { m in weightedSum(try m.forward(x, length: c.length).output, w) }
    let input = try compareInputGradient(x, analytic: dx, name: "x", samples: 24, step: 1e-4, rng: &rng) { weightedSum(try model.forward($0, length: c.length).output, w) }
    return [parameters, input].map { Comparison(name: "finite differences, \($0.worst)", error: $0.relativeError, tolerance: 1e-6) }
}

@Suite("Learning: S4D core")
struct S4DCoreTests {
    @Test("every gradient (Λ re/im, B, C, log Δ, D, x) = central differences, rel. err ≤ 1e-6 (60 cases, L ≤ 67, H ≤ 3, N ≤ 8)")
    func finiteDifferences() async {
        let run = await checkProperty("S4D gradient", count: 60, seed: 0x54D_C0DE, input: S4DCoreCase.generator) { try s4dGradientProperty($0) }
        expectCoverage(run.cases.map(\.length))
    }

    @Test("the .direct route: every gradient = central differences, rel. err ≤ 1e-6 (60 cases, L ≤ 67, H ≤ 3, N ≤ 8)")
    func directFiniteDifferences() async {
        let run = await checkProperty("S4D gradient, direct sums", count: 60, seed: 0xD1_2EC7, input: S4DCoreCase.directGenerator) { try s4dGradientProperty($0) }
        expectCoverage(run.cases.map(\.length))
    }

    /// The two routes compute the same sums, one by FFT (rounding ≈ ε·log n relative to the
    /// largest term), one term by term: 1e-11 of each result's largest entry.
    @Test("the .direct route = the .fft route: y, ∂x and every parameter's gradient (1e-11 of the largest entry; 30 cases)")
    func directEqualsFFT() async {
        _ = await checkProperty("S4D direct = FFT", count: 30, seed: 0xF17D, input: S4DCoreCase.generator) { c -> [Comparison] in
            let (model, x, w) = try c.draw()
            var (fft, direct) = (model, model)
            direct.convolution = .direct
            let (yF, tapeF) = try fft.forward(x, length: c.length), (yD, tapeD) = try direct.forward(x, length: c.length)
            let (dxF, dxD) = (try fft.backward(tapeF, outputGradient: w), try direct.backward(tapeD, outputGradient: w))
            func gap(_ a: [Double], _ b: [Double]) -> Double {
                zip(a, b).map { abs($0 - $1) }.max()! / max(a.map(abs).max()!, 1e-300)
            }
            let gradients = zip(fft.parameters, direct.parameters).map { gap($0.gradient.elements, $1.gradient.elements) }.max()!
            return [Comparison(name: "y", error: gap(yF.elements, yD.elements), tolerance: 1e-11),
                    Comparison(name: "∂x", error: gap(dxF.elements, dxD.elements), tolerance: 1e-11),
                    Comparison(name: "parameter gradients (worst)", error: gradients, tolerance: 1e-11)]
        }
    }

    @Test("long sequence through the padded FFT (L = 1000, n = 2048): x, log Δ and Λ gradients = central differences")
    func longSequence() throws {
        let comparisons = try s4dGradientProperty(S4DCoreCase(batch: 1, length: 1000, width: 2, stateSize: 8, threads: 2, data: 12))
        for c in comparisons { #expect(c.holds, "\(c)") }
    }

    /// Tolerance 1e-12 of max |K|: both re-anchor the powers every 64 steps (≤ 64 roundings
    /// between exact values) and sum M = 5 modes in a different order. Δ = 50 makes every
    /// power underflow after the first block: the kernel must then be exactly 0.
    @Test("the kernel = the library's S4D-Lin kernel (rel. 1e-12), at Δ = 0.01 and at Δ = 50 (powers underflow)", arguments: [0.01, 50])
    func kernelMatchesS4D(step: Double) throws {
        var rng = SplitMix64(seed: 3)
        let s4d = try S4D(.lin, stateSize: 10, rng: &rng)
        let channel = S4DChannel(logAReal: [Double](repeating: log(0.5), count: 5), aImag: (0..<5).map { Double.pi * Double($0) },
                                 b: s4d.b, c: s4d.c, logStep: log(step))
        let reference = try s4d.kernel(step: step, length: 300)
        let k = channel.kernel(length: 300)
        let scale = reference.map(abs).max()!
        #expect(zip(k, reference).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
        if step == 50 { #expect(k[64...].allSatisfy { $0 == 0 } && k[0] != 0) }
    }

    @Test("step over t = 0 … L−1 = forward (FFT convolution), for a batch (rel. 1e-10 of max |y|)")
    func stepEqualsForward() throws {
        let c = S4DCoreCase(batch: 2, length: 50, width: 3, stateSize: 6, threads: 1, data: 8)
        let (core, x, _) = try c.draw()
        let (y, _) = try core.forward(x, length: c.length)
        let scale = y.elements.map(abs).max()!
        var state = core.initialState(batch: c.batch)
        for t in 0..<c.length {
            var token = Matrix(zeros: c.batch, c.width)
            for s in 0..<c.batch { for k in 0..<c.width { token[s, k] = x[s * c.length + t, k] } }
            let out = try core.step(token, state: &state)
            for s in 0..<c.batch { for k in 0..<c.width { #expect(abs(out[s, k] - y[s * c.length + t, k]) <= 1e-10 * scale) } }
        }
    }

    @Test("parameter groups: Λ, B, log Δ → ssm; C, D → standard; initialisation as s4d.py")
    func groups() throws {
        var rng = SplitMix64(seed: 4)
        let core = try S4DCore(width: 4, stateSize: 8, rng: &rng)
        let groups = Dictionary(uniqueKeysWithValues: core.parameters.map { ($0.name, $0.group) })
        #expect(groups == ["mixer.log_A_real": .ssm, "mixer.A_imag": .ssm, "mixer.B": .ssm, "mixer.log_dt": .ssm, "mixer.C": .standard, "mixer.D": .standard])
        #expect(core.logStep.value.elements.allSatisfy { exp($0) >= 1e-3 && exp($0) <= 0.1 })
        #expect(try core.channel(1).aImag == [0, Double.pi, 2 * Double.pi, 3 * Double.pi])
    }

    @Test("bad input: odd N, mismatched or NaN/∞ ∂y, wrong width")
    func badInput() throws {
        var rng = SplitMix64(seed: 5)
        #expect(throws: StateSpaceError.self) { _ = try S4DCore(width: 2, stateSize: 3, rng: &rng) }
        var core = try S4DCore(width: 2, stateSize: 4, rng: &rng)
        let x = randomMatrix(10, 2, seed: 1)
        let (_, tape) = try core.forward(x, length: 5)
        #expect(throws: StateSpaceError.shapeMismatch(name: "∂ℓ/∂y of S4D (B·L, H)", expected: "10×2", actual: "5×2")) {
            _ = try core.backward(tape, outputGradient: Matrix(zeros: 5, 2))
        }
        var inf = Matrix(zeros: 10, 2)
        inf[4, 1] = .infinity
        #expect(throws: StateSpaceError.nonFinite(name: "∂ℓ/∂y of S4D (B·L, H)", index: 9, value: .infinity)) { _ = try core.backward(tape, outputGradient: inf) }
        #expect(throws: StateSpaceError.self) { _ = try core.forward(randomMatrix(10, 3, seed: 1), length: 5) }
        #expect(core.parameters.allSatisfy { $0.gradient.elements.allSatisfy { $0 == 0 } })
    }
}
