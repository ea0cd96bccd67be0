import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// One selective scan with an initial state, a loss weighting of its outputs and final state, and
/// a gradient mode. Δ ∈ [1e-3, 2] (away from 0 so that central differences stay in Δ ≥ 0),
/// A = −10^U[−1, 0.5], x, B, C, D, h₀ ~ N(0, 1).
struct ScanGradientCase: CustomStringConvertible {
    let length: Int, channels: Int, stateSize: Int, threads: Int
    /// 0: stored states; T ≥ 1: recomputed with checkpoints every T steps.
    let checkpoint: Int
    let data: UInt64

    var mode: ScanGradientMode { checkpoint == 0 ? .storedStates : .recomputed(checkpointEvery: checkpoint) }
    var description: String { "L = \(length), D = \(channels), N = \(stateSize), threads \(threads), \(mode), data seed \(data)" }

    /// (inputs, h₀, weights of y (L, D), weights of h_{L−1} (D, N)).
    func draw() throws -> (SelectiveScanInputs, Matrix, Matrix, Matrix) {
        let (l, d, n) = (length, channels, stateSize)
        var rng = SplitMix64(seed: data)
        let x = try gaussianMatrix(l, d, rng: &rng)
        let delta = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in pow(10, Double.random(in: -3...0.3, using: &rng)) })
        let a = try Matrix(rows: d, cols: n, elements: (0..<d * n).map { _ in -pow(10, Double.random(in: -1...0.5, using: &rng)) })
        let inputs = try SelectiveScanInputs(x: x, delta: delta, a: a, b: try gaussianMatrix(l, n, rng: &rng),
                                             c: try gaussianMatrix(l, n, rng: &rng), skip: gaussianArray(d, rng: &rng))
        return (inputs, try gaussianMatrix(d, n, rng: &rng), try gaussianMatrix(l, d, rng: &rng), try gaussianMatrix(d, n, rng: &rng))
    }

    static let generator = zip(lengthGenerator(upTo: 67), Gen.int(in: 1...4), Gen.int(in: 1...6), Gen.int(in: 1...3),
                               Gen.int(in: 0...9), dataSeed)
        .map { t in ScanGradientCase(length: t.0, channels: t.1, stateSize: t.2, threads: t.3, checkpoint: t.4, data: t.5) }
}

/// ℓ = Σ W_y ⊙ y + Σ W_h ⊙ h_{L−1}, through `selectiveScanForward`.
func scanLoss(_ inputs: SelectiveScanInputs, _ h0: Matrix, _ wy: Matrix, _ wh: Matrix) throws -> Double {
    let (y, final, _) = try selectiveScanForward(inputs, initialState: h0)
    return zip(y.elements, wy.elements).reduce(0) { $0 + $1.0 * $1.1 } + zip(final.elements, wh.elements).reduce(0) { $0 + $1.0 * $1.1 }
}

/// Every gradient of the scan (x, Δ, A, B, C, D, h₀) against central differences of `scanLoss`.
///
/// Tolerance 1e-6, norm-wise relative per array (`GradientDiscrepancy`): the fourth-order central
/// difference with h = 1e-5·max(1, |θ|) (small: θ ± 2h must keep Δ ≥ 0 and A < 0 for the smallest
/// Δ and |A| drawn) is within ~h⁴|ℓ⁽⁵⁾| + ε|ℓ|/h ≈ 1e-11 relative of the derivative at
/// these O(1) scales, and the analytic gradient within ~L·N roundings; 1e-6 leaves 4 orders of
/// headroom while any wrong term (a missing decay, an off-by-one state) is O(1) of a gradient.
func scanGradientProperty(_ c: ScanGradientCase) throws -> [Comparison] {
    let (inputs, h0, wy, wh) = try c.draw()
    let (_, _, tape) = try selectiveScanForward(inputs, initialState: h0, mode: c.mode, threads: c.threads)
    let g = try selectiveScanBackward(tape, outputGradient: wy, finalStateGradient: wh, threads: c.threads)
    var rng = SplitMix64(seed: c.data ^ 0xF00D)
    let with = { (i: SelectiveScanInputs) in try scanLoss(i, h0, wy, wh) }
    let (x, delta, a, b, cc, skip) = (inputs.x, inputs.delta, inputs.a, inputs.b, inputs.c, inputs.skip)
    func rebuilt(x: Matrix? = nil, delta: Matrix? = nil, a: Matrix? = nil, b: Matrix? = nil, c: Matrix? = nil, skip: [Double]? = nil) throws -> SelectiveScanInputs {
        try SelectiveScanInputs(x: x ?? inputs.x, delta: delta ?? inputs.delta, a: a ?? inputs.a, b: b ?? inputs.b, c: c ?? inputs.c,
                                skip: skip ?? inputs.skip)
    }
    let checks: [GradientDiscrepancy] = [
        try compareInputGradient(x, analytic: g.x, name: "x", samples: 24, step: 1e-5, rng: &rng) { try with(try rebuilt(x: $0)) },
        try compareInputGradient(delta, analytic: g.delta, name: "Δ", samples: 24, step: 1e-5, rng: &rng) { try with(try rebuilt(delta: $0)) },
        try compareInputGradient(a, analytic: g.a, name: "A", samples: 24, step: 1e-5, rng: &rng) { try with(try rebuilt(a: $0)) },
        try compareInputGradient(b, analytic: g.b, name: "B", samples: 24, step: 1e-5, rng: &rng) { try with(try rebuilt(b: $0)) },
        try compareInputGradient(cc, analytic: g.c, name: "C", samples: 24, step: 1e-5, rng: &rng) { try with(try rebuilt(c: $0)) },
        try compareInputGradient(Matrix(unchecked: 1, skip.count, skip), analytic: Matrix(unchecked: 1, skip.count, g.skip), name: "D",
                                 step: 1e-5, rng: &rng) { try with(try rebuilt(skip: $0.elements)) },
        try compareInputGradient(h0, analytic: g.initialState, name: "h₀", samples: 24, step: 1e-5, rng: &rng) { try scanLoss(inputs, $0, wy, wh) },
    ]
    return checks.map { Comparison(name: "finite differences, \($0.worst)", error: $0.relativeError, tolerance: 1e-6) }
}

@Suite("Learning: selective scan gradient")
struct SelectiveScanGradientTests {
    @Test("every gradient = central differences, rel. err ≤ 1e-6 (120 cases, L ≤ 67, D ≤ 4, N ≤ 6, stored and recomputed)")
    func finiteDifferences() async {
        let run = await checkProperty("selective scan gradient", count: 120, seed: 0x6AD_5CA7, input: ScanGradientCase.generator) {
            try scanGradientProperty($0)
        }
        expectCoverage(run.cases.map(\.length))
        #expect(run.cases.contains { $0.checkpoint == 0 } && run.cases.contains { $0.checkpoint == 1 })
    }

    /// The check can fail: the true ∂ℓ/∂x compared with finite differences of a slightly
    /// different scan (every Δ halved: each decay Ā moves towards 1) must be caught.
    @Test("caught: gradients compared with a different scan (Δ halved in the loss)")
    func wrongLossIsCaught() async {
        await expectCaught {
            await checkProperty("selective scan gradient, wrong loss", count: 20, seed: 0x6AD_5CA7, input: ScanGradientCase.generator) { c in
                let (inputs, h0, wy, wh) = try c.draw()
                let (_, _, tape) = try selectiveScanForward(inputs, initialState: h0, mode: c.mode)
                let g = try selectiveScanBackward(tape, outputGradient: wy, finalStateGradient: wh)
                var rng = SplitMix64(seed: c.data)
                let halved = 0.5 * inputs.delta
                let d = try compareInputGradient(inputs.x, analytic: g.x, step: 1e-5, rng: &rng) { x in
                    try scanLoss(try SelectiveScanInputs(x: x, delta: halved, a: inputs.a, b: inputs.b, c: inputs.c, skip: inputs.skip), h0, wy, wh)
                }
                return [Comparison(name: "wrong loss", error: d.relativeError, tolerance: 1e-6)]
            }
        }
    }

    @Test("stored = recomputed for T = 1, 2, 3, 7 (not dividing L), L − 1, L, 2L; identical bits when N = 16",
          arguments: [(37, 5), (64, 16), (1, 3)])
    func storedEqualsRecomputed(length: Int, stateSize: Int) throws {
        let c = ScanGradientCase(length: length, channels: 3, stateSize: stateSize, threads: 2, checkpoint: 0, data: 77)
        let (inputs, h0, wy, wh) = try c.draw()
        let (y, final, stored) = try selectiveScanForward(inputs, initialState: h0, mode: .storedStates, threads: 2)
        let reference = try selectiveScanBackward(stored, outputGradient: wy, finalStateGradient: wh, threads: 2)
        #expect(stored.keptBytes == (length + 1) * 3 * stateSize * 8)
        for t in Set([1, 2, 3, 7, max(1, length - 1), length, 2 * length]).sorted() {
            let mode = ScanGradientMode.recomputed(checkpointEvery: t)
            let (y2, final2, tape) = try selectiveScanForward(inputs, initialState: h0, mode: mode, threads: 2)
            let g = try selectiveScanBackward(tape, outputGradient: wy, finalStateGradient: wh, threads: 2)
            #expect(tape.keptBytes == ((length + min(t, length) - 1) / min(t, length) + 1) * 3 * stateSize * 8)
            #expect(tape.keptBytes == 8 * (try mode.keptDoubles(length: length, channels: 3, stateSize: stateSize)))
            let pairs: [(String, [Double], [Double])] = [
                ("y", y.elements, y2.elements), ("h_L", final.elements, final2.elements), ("x", reference.x.elements, g.x.elements),
                ("Δ", reference.delta.elements, g.delta.elements), ("A", reference.a.elements, g.a.elements),
                ("B", reference.b.elements, g.b.elements), ("C", reference.c.elements, g.c.elements), ("D", reference.skip, g.skip),
                ("h₀", reference.initialState.elements, g.initialState.elements),
            ]
            for (name, p, q) in pairs {
                // N = 16 fills libmvec's vector lanes whatever the chunk: the same exponentials,
                // hence bit-identical. Otherwise a chunk boundary can move an exp between the
                // vector and the scalar path (≤ 1 ulp apart): 1e-12 relative to the array.
                let scale = max(1, p.map(abs).max() ?? 0)
                let tolerance = stateSize % 16 == 0 ? 0 : 1e-12 * scale
                #expect(maxAbsDifference(p, q) <= tolerance, "\(name), T = \(t): stored and recomputed differ by \(maxAbsDifference(p, q))")
            }
        }
    }

    @Test("y = selectiveScan's y (h₀ = 0); chunked sequence with the state passed on = one long sequence, forward and backward")
    func initialStateChains() throws {
        let c = ScanGradientCase(length: 40, channels: 3, stateSize: 4, threads: 1, checkpoint: 0, data: 5)
        let (inputs, _, wy, _) = try c.draw()
        let (y, _, whole) = try selectiveScanForward(inputs)
        #expect(maxAbsDifference(y.elements, selectiveScan(inputs).elements) <= 1e-13)
        func rows(_ m: Matrix, _ r: Range<Int>) -> Matrix { Matrix(unchecked: r.count, m.cols, Array(m.elements[r.lowerBound * m.cols..<r.upperBound * m.cols])) }
        func part(_ r: Range<Int>) throws -> SelectiveScanInputs {
            try SelectiveScanInputs(x: rows(inputs.x, r), delta: rows(inputs.delta, r), a: inputs.a, b: rows(inputs.b, r), c: rows(inputs.c, r), skip: inputs.skip)
        }
        let (y1, h1, tape1) = try selectiveScanForward(try part(0..<17), mode: .recomputed(checkpointEvery: 5))
        let (y2, _, tape2) = try selectiveScanForward(try part(17..<40), initialState: h1)
        #expect(maxAbsDifference(y1.elements + y2.elements, y.elements) <= 1e-12)
        let g = try selectiveScanBackward(whole, outputGradient: wy)
        let g2 = try selectiveScanBackward(tape2, outputGradient: rows(wy, 17..<40))
        let g1 = try selectiveScanBackward(tape1, outputGradient: rows(wy, 0..<17), finalStateGradient: g2.initialState)
        #expect(maxAbsDifference(g1.x.elements + g2.x.elements, g.x.elements) <= 1e-12)
        #expect(maxAbsDifference(g1.delta.elements + g2.delta.elements, g.delta.elements) <= 1e-12)
        #expect(maxAbsDifference(zip(g1.a.elements, g2.a.elements).map(+), g.a.elements) <= 1e-12)
        #expect(maxAbsDifference(g1.b.elements + g2.b.elements, g.b.elements) <= 1e-12)
        #expect(g.initialState.elements.allSatisfy { $0 == 0 } == false)
    }

    @Test("bad input: checkpoint ≤ 0, mismatched ∂y / ∂h_L / h₀, NaN and ∞ in ∂y")
    func badInput() throws {
        let c = ScanGradientCase(length: 6, channels: 2, stateSize: 3, threads: 1, checkpoint: 0, data: 9)
        let (inputs, h0, wy, _) = try c.draw()
        for t in [0, -4] {
            #expect(throws: StateSpaceError.invalidParameter(name: "checkpoint interval T", value: "\(t)",
                                                             allowed: "must be ≥ 1: the forward keeps the state every T steps (T = 1 keeps every state; T ≥ L keeps only h₀)")) {
                _ = try selectiveScanForward(inputs, mode: .recomputed(checkpointEvery: t))
            }
        }
        #expect(throws: StateSpaceError.shapeMismatch(name: "initial state h₀ (D, N)", expected: "2×3", actual: "3×2")) {
            _ = try selectiveScanForward(inputs, initialState: Matrix(zeros: 3, 2))
        }
        let (_, _, tape) = try selectiveScanForward(inputs, initialState: h0, mode: .recomputed(checkpointEvery: 4))
        #expect(throws: StateSpaceError.shapeMismatch(name: "∂ℓ/∂y of the selective scan (L, D)", expected: "6×2", actual: "5×2")) {
            _ = try selectiveScanBackward(tape, outputGradient: Matrix(zeros: 5, 2))
        }
        #expect(throws: StateSpaceError.shapeMismatch(name: "∂ℓ/∂h_{L−1} of the selective scan (D, N)", expected: "2×3", actual: "2×2")) {
            _ = try selectiveScanBackward(tape, outputGradient: wy, finalStateGradient: Matrix(zeros: 2, 2))
        }
        for bad in [Double.nan, .infinity] {
            var dy = wy
            dy[3, 1] = bad
            #expect(throws: StateSpaceError.self) { _ = try selectiveScanBackward(tape, outputGradient: dy) }
            do { _ = try selectiveScanBackward(tape, outputGradient: dy) } catch let e as StateSpaceError {
                guard case let .nonFinite(name, index, _) = e else { Issue.record("expected nonFinite, got \(e)"); continue }
                #expect(name == "∂ℓ/∂y of the selective scan (L, D)" && index == 7)
            }
        }
        var huge = h0
        huge[0, 0] = 1e308
        let big = try SelectiveScanInputs(x: inputs.x, delta: inputs.delta, a: inputs.a, b: inputs.b, c: 1e10 * inputs.c, skip: inputs.skip)
        #expect(throws: StateSpaceError.self) { _ = try selectiveScanForward(big, initialState: huge) }
    }
}
