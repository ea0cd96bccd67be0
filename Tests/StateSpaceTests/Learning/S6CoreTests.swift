import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// An S6 core with Mamba's initialisation, then moved off it (Δ bias set so that
/// softplus(bias) is log-uniform in [0.03, 3], A_log +U[−1, 1], D ~ N(0, 1)) so that every
/// gradient is exercised at a generic point; a batch of B sequences of length L; a loss
/// ℓ = Σ W ⊙ y with W ~ N(0, 1).
///
/// Why not Mamba's Δ ∈ [1e-3, 0.1]: ∂ℓ/∂A_log scales like Δ² there (Δ in Ā's exponent times a
/// state ∝ Δ), down to ~1e-6 of |ℓ|, where a central difference's rounding, ≈ ε|ℓ|/h ≈ 1e-11|ℓ|,
/// is 1e-5 of the gradient: the check would measure the noise (seen: 1.45e-6 at Δ ≈ 1e-3).
struct S6Case: CustomStringConvertible {
    let batch: Int, length: Int, width: Int, stateSize: Int, dtRank: Int
    let checkpoint: Int                                                // 0: stored states
    let data: UInt64

    var mode: ScanGradientMode { checkpoint == 0 ? .storedStates : .recomputed(checkpointEvery: checkpoint) }
    var description: String { "B = \(batch), L = \(length), D = \(width), N = \(stateSize), R = \(dtRank), \(mode), data seed \(data)" }

    func draw() throws -> (S6Core, Matrix, Matrix) {
        var rng = SplitMix64(seed: data)
        var core = try S6Core(width: width, stateSize: stateSize, dtRank: dtRank, gradientMode: mode, threads: 2, rng: &rng)
        core.dtProj.bias!.value.elements = try (0..<width).map { _ in try inverseSoftplus(pow(10, Double.random(in: -1.5...0.5, using: &rng))) }
        for i in core.aLog.value.elements.indices { core.aLog.value.elements[i] += Double.random(in: -1...1, using: &rng) }
        core.skip.value.elements = gaussianArray(width, rng: &rng)
        return (core, try gaussianMatrix(batch * length, width, rng: &rng), try gaussianMatrix(batch * length, width, rng: &rng))
    }

    static let generator = zip(Gen.int(in: 1...3), lengthGenerator(upTo: 31), Gen.int(in: 1...5), Gen.int(in: 1...5), Gen.int(in: 1...3),
                               Gen.int(in: 0...6), dataSeed)
        .map { t in S6Case(batch: t.0, length: t.1, width: t.2, stateSize: t.3, dtRank: t.4, checkpoint: t.5, data: t.6) }
}


/// S6's backward against central differences, all parameters and x: rel. err ≤ 1e-6 (the
/// reasons are those of `scanGradientProperty`; softplus and the GEMMs add O(1) conditioning).
func s6GradientProperty(_ c: S6Case) throws -> [Comparison] {
    var (core, x, w) = try c.draw()
    let (_, tape) = try core.forward(x, length: c.length)
    let dx = try core.backward(tape, outputGradient: w)
    var rng = SplitMix64(seed: c.data ^ 0xBEEF)
    let parameters = try compareParameterGradients(core, samples: 10, rng: &rng) { m in weightedSum(try m.forward(x, length: c.length).output, w) }
    let input = try compareInputGradient(x, analytic: dx, name: "x", samples: 24, rng: &rng) { weightedSum(try core.forward($0, length: c.length).output, w) }
    x = Matrix(zeros: 0, 0)
    return [parameters, input].map { Comparison(name: "finite differences, \($0.worst)", error: $0.relativeError, tolerance: 1e-6) }
}

@Suite("Learning: S6 core")
struct S6CoreTests {
    @Test("every gradient = central differences, rel. err ≤ 1e-6 (60 cases, B ≤ 3, L ≤ 31, D ≤ 5, N ≤ 5, R ≤ 3)")
    func finiteDifferences() async {
        let run = await checkProperty("S6 gradient", count: 60, seed: 0x56_C0DE, input: S6Case.generator) { try s6GradientProperty($0) }
        #expect(run.cases.contains { $0.batch > 1 } && run.cases.contains { $0.length == 1 })
    }

    @Test("initialisation as Mamba's code: Δ = softplus(bias) ∈ [1e-3, 1e-1], A_log = log(1…N), D = 1, groups")
    func initialisation() throws {
        var rng = SplitMix64(seed: 1)
        let core = try S6Core(width: 64, stateSize: 4, dtRank: 2, rng: &rng)
        let steps: [Double] = core.dtProj.bias!.value.elements.map(softplus)
        let (lowest, highest) = (steps.min()!, steps.max()!)
        #expect(lowest >= 0.999e-3 && highest <= 0.1001)
        let firstRow: [Double] = Array(core.aLog.value.elements.prefix(4))
        let expected: [Double] = [0, log(2.0), log(3.0), log(4.0)]
        #expect(firstRow == expected)
        #expect(core.skip.value.elements.allSatisfy { $0 == 1 })
        let groups = Dictionary(uniqueKeysWithValues: core.parameters.map { ($0.name, $0.group) })
        #expect(groups == ["mixer.x_proj.weight": .standard, "mixer.dt_proj.weight": .standard, "mixer.dt_proj.bias": .noDecay,
                           "mixer.A_log": .noDecay, "mixer.D": .noDecay])
        #expect(core.xProj.weight.value.rows == 64 && core.xProj.weight.value.cols == 2 + 8 && core.xProj.bias == nil)
    }

    @Test("step over t = 0 … L−1 = forward, for a batch (rel. 1e-12)", arguments: [ScanGradientMode.storedStates, .recomputed(checkpointEvery: 3)])
    func stepEqualsForward(mode: ScanGradientMode) throws {
        let c = S6Case(batch: 3, length: 17, width: 5, stateSize: 4, dtRank: 2, checkpoint: 0, data: 3)
        var (core, x, _) = try c.draw()
        core.gradientMode = mode
        let (y, _) = try core.forward(x, length: c.length)
        var state = core.initialState(batch: c.batch)
        for t in 0..<c.length {
            var token = Matrix(zeros: c.batch, c.width)
            for s in 0..<c.batch { for k in 0..<c.width { token[s, k] = x[s * c.length + t, k] } }
            let out = try core.step(token, state: &state)
            for s in 0..<c.batch { for k in 0..<c.width {
                #expect(abs(out[s, k] - y[s * c.length + t, k]) <= 1e-12 * max(1, abs(y[s * c.length + t, k])))
            } }
        }
    }

    @Test("bad input: checkpoint ≤ 0, mismatched or NaN ∂y, wrong width, NaN x")
    func badInput() throws {
        var rng = SplitMix64(seed: 2)
        #expect(throws: StateSpaceError.self) { _ = try S6Core(width: 4, stateSize: 2, dtRank: 1, gradientMode: .recomputed(checkpointEvery: 0), rng: &rng) }
        var core = try S6Core(width: 4, stateSize: 2, dtRank: 1, rng: &rng)
        let x = randomMatrix(6, 4, seed: 4)
        let (_, tape) = try core.forward(x, length: 3)
        #expect(throws: StateSpaceError.shapeMismatch(name: "∂ℓ/∂y of S6 (B·L, D)", expected: "6×4", actual: "6×3")) {
            _ = try core.backward(tape, outputGradient: Matrix(zeros: 6, 3))
        }
        var nan = Matrix(zeros: 6, 4)
        nan[2, 1] = .nan
        do {
            _ = try core.backward(tape, outputGradient: nan)
            Issue.record("NaN in ∂ℓ/∂y was accepted")
        } catch let StateSpaceError.nonFinite(name, index, value) {
            #expect(name == "∂ℓ/∂y of S6 (B·L, D)" && index == 9 && value.isNaN)
        }
        #expect(throws: StateSpaceError.self) { _ = try core.forward(randomMatrix(6, 5, seed: 1), length: 3) }
        #expect(throws: StateSpaceError.self) { _ = try core.forward(x, length: 4) }
        #expect(throws: StateSpaceError.self) { _ = try core.forward(nan, length: 3) }
        #expect(core.parameters.allSatisfy { $0.gradient.elements.allSatisfy { $0 == 0 } })   // nothing accumulated by refusals
    }
}
