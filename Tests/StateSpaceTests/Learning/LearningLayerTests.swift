import Foundation
import PropertyBased
import Testing
@testable import StateSpace

// Finite-difference checks of every position-wise layer and of the causal convolution, as
// property tests over random shapes (B ≥ 2), plus their bad-input behaviour. The loss is a
// random probe ℓ = ⟨W, output⟩, so ∂ℓ/∂output = W reaches every output entry.

@Suite("Learning: embedding, RMSNorm, activations, conv1d, cross-entropy gradients")
struct LearningLayerTests {
    @Test("embedding: scatter-add backward = finite differences")
    func embeddingGradient() async {
        let run = await checkProperty("embedding", count: 40, seed: 0xE3B, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            var layer = try Embedding(vocabulary: c.other, width: c.width, rng: &rng)
            let tokens = (0..<(c.batch * c.length)).map { _ in Int(rng.next() % UInt64(c.other)) }
            let w = gaussianTestMatrix(tokens.count, c.width, &rng)
            try layer.backward(tokens, outputGradient: w)
            let d = try compareParameterGradients(layer, rng: &rng) { try weightedSum($0.forward(tokens), w) }
            return [gradientCheck("embedding", d)]
        }
        #expect(run.cases.contains { $0.other < $0.batch * $0.length }, "no case with a repeated token")
    }

    /// Widths d ≥ 2 (the generator's width + 1). At d = 1 RMSNorm is g·x/√(x² + ε) ≈ g·sign(x):
    /// its input gradient g·ε/(x² + ε)^{3/2} is O(ε) = O(1e-5), below what central differences
    /// resolve to 1e-6 relative (their rounding is ≈ 1e-16·|ℓ|/h ≈ 1e-11·|ℓ|); that case is
    /// checked against the closed form below instead.
    @Test("RMSNorm: backward = finite differences (input and gain)")
    func rmsNormGradient() async {
        await checkProperty("RMSNorm", count: 40, seed: 0x235, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let d = c.width + 1
            var layer = try RMSNorm("norm", width: d)
            layer.weight.value = gaussianTestMatrix(1, d, &rng)
            let x = gaussianTestMatrix(c.batch * c.length, d, &rng), w = gaussianTestMatrix(x.rows, d, &rng)
            let dx = try layer.backward(x, outputGradient: w)
            let dp = try compareParameterGradients(layer, rng: &rng) { try weightedSum($0.forward(x), w) }
            let di = try compareInputGradient(x, analytic: dx, rng: &rng) { try weightedSum(layer.forward($0), w) }
            return [gradientCheck("RMSNorm gain", dp), gradientCheck("RMSNorm input", di)]
        }
    }

    @Test("RMSNorm at d = 1: ∂ℓ/∂x = ∂ℓ/∂y·g·ε/(x² + ε)^{3/2}, the closed form")
    func rmsNormWidthOne() throws {
        var layer = try RMSNorm("norm", width: 1)
        layer.weight.value = try Matrix([[1.5]])
        let x = try Matrix([[0.3], [-2], [1e-3]]), dy = try Matrix([[1], [0.5], [-2]])
        let dx = try layer.backward(x, outputGradient: dy)
        for r in 0..<3 {
            // The general formula r·(u − x·r²·u·x) cancels 1 − x²r² = ε/(x² + ε): its error is a few
            // ulps of the cancelling terms' size |u|·r, not of the tiny result.
            let exact = dy[r, 0] * 1.5 * 1e-5 / pow(x[r, 0] * x[r, 0] + 1e-5, 1.5)
            let scale = abs(dy[r, 0] * 1.5) / (x[r, 0] * x[r, 0] + 1e-5).squareRoot()
            #expect(abs(dx[r, 0] - exact) <= 8 * Double.ulpOfOne * scale, "row \(r): \(dx[r, 0]) vs \(exact)")
        }
    }

    @Test("RMSNorm: rows of unit RMS times the gain; ε = 1e-5 as Mamba's code")
    func rmsNormForward() throws {
        let layer = try RMSNorm("norm", width: 4)
        #expect(layer.epsilon == 1e-5)
        let y = try layer.forward(try Matrix([[3, 4, 0, 0], [1, 1, 1, 1]]))
        let rms0 = (25.0 / 4 + 1e-5).squareRoot()
        #expect(abs(y[0, 0] - 3 / rms0) < 1e-15 && abs(y[1, 2] - 1 / (1 + 1e-5).squareRoot()) < 1e-15)
    }

    @Test("SiLU and softplus: backward = finite differences; stable at |x| = 800")
    func activationGradients() async throws {
        await checkProperty("activations", count: 30, seed: 0xAC7, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let x = try Matrix(rows: c.batch * c.length, cols: c.width,
                               elements: (0..<(c.batch * c.length * c.width)).map { _ in Double.random(in: -8...8, using: &rng) })
            let w = gaussianTestMatrix(x.rows, x.cols, &rng)
            let ds = try compareInputGradient(x, analytic: try SiLU.backward(x, outputGradient: w), rng: &rng) { weightedSum(SiLU.forward($0), w) }
            let dp = try compareInputGradient(x, analytic: try Softplus.backward(x, outputGradient: w), rng: &rng) { weightedSum(Softplus.forward($0), w) }
            return [gradientCheck("SiLU", ds), gradientCheck("softplus", dp)]
        }
        let extreme = try Matrix([[-800, 800, -40, 40]])
        let ones = try Matrix([[1, 1, 1, 1]])
        let dSoftplus = try Softplus.backward(extreme, outputGradient: ones), dSiLU = try SiLU.backward(extreme, outputGradient: ones)
        let e40: Double = exp(-40)
        let expected: [Double] = [0, 1, e40 / (1 + e40), 1 / (1 + e40)]
        #expect(dSoftplus.elements == expected)
        #expect(allFinite(dSiLU.elements) && dSiLU[0, 0] == 0 && dSiLU[0, 1] == 1)
        #expect(abs(dSiLU[0, 2] - (-39 * exp(-40))) < 1e-30)              // σ(z)(1 + z(1−σ)) ≈ e^z(1 + z) for z ≪ 0
    }

    @Test("SiLU's fused passes, the gate and softplus's = the scalar silu, SiLU' and softplus entry by entry (block edges, ±∞, ±800)")
    func fusedActivationsEqualScalars() throws {
        var rng = SplitMix64(seed: 0x5117)
        for count in [1, 7, 255, 256, 257, 1000] {
            var values = (0..<count).map { _ in Double.random(in: -30...30, using: &rng) }
            for (i, v) in [-Double.infinity, .infinity, -800, 800, 0, -720].enumerated() where i < count { values[count - 1 - i] = v }
            let x = try Matrix(rows: 1, cols: count, elements: values)
            let other = try Matrix(rows: 1, cols: count, elements: (0..<count).map { _ in Double.random(in: -3...3, using: &rng) })
            let scalarSiLU = values.map(silu), scalarDerivative = values.map(SiLU.derivative)
            // one exp per entry either way, by different routes (libmvec vs scalar exp): a few ulp apart
            func close(_ a: [Double], _ b: [Double]) -> Bool {
                zip(a, b).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-14 * max(1, abs($1)) }
            }
            #expect(close(SiLU.forward(x).elements, scalarSiLU), "SiLU, \(count) entries")
            #expect(close(try SiLU.backward(x, outputGradient: other).elements, zip(other.elements, scalarDerivative).map { $0 * $1 }))
            #expect(close(try SiLU.gate(other, x).elements, zip(other.elements, scalarSiLU).map { $0 * $1 }), "gate, \(count) entries")
            let (dy, dz) = try SiLU.gateBackward(other, x, outputGradient: other)
            #expect(close(dy.elements, zip(other.elements, scalarSiLU).map { $0 * $1 }))
            #expect(close(dz.elements, (0..<count).map { other.elements[$0] * other.elements[$0] * scalarDerivative[$0] }))
        }
        for count in [1, 7, 8, 9, 1000] {                                   // softplus: 8 lanes and a masked tail
            var z = (0..<count).map { _ in Double.random(in: -40...40, using: &rng) }
            for (i, v) in [-Double.infinity, .infinity, -800, 800, -745, 0, 1e-300].enumerated() where i < count { z[count - 1 - i] = v }
            let fused = Softplus.values(z), scalar = z.map(softplus)
            #expect(zip(fused, scalar).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-14 * max(1e-300, abs($1)) }, "softplus, \(count) entries")
        }
        #expect(Softplus.values([.nan])[0].isNaN)
        #expect(throws: StateSpaceError.self) { try SiLU.gate(Matrix(zeros: 2, 2), Matrix(zeros: 2, 1)) }
        #expect(throws: StateSpaceError.self) { try SiLU.gateBackward(Matrix(zeros: 2, 2), Matrix(zeros: 1, 2), outputGradient: Matrix(zeros: 2, 2)) }
        let limits = SiLU.forward(try Matrix([[-.infinity, .infinity, .nan]])).elements
        #expect(limits[0] == 0 && limits[0].sign == .minus && limits[1] == .infinity && limits[2].isNaN)
    }

    @Test("causal conv1d: backward = finite differences (input, weight, bias)")
    func convolutionGradient() async {
        await checkProperty("conv1d", count: 40, seed: 0xC01, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            var layer = try CausalConv1d(width: c.width, kernelSize: c.other, rng: &rng)
            let x = gaussianTestMatrix(c.batch * c.length, c.width, &rng), w = gaussianTestMatrix(x.rows, c.width, &rng)
            let dx = try layer.backward(x, length: c.length, outputGradient: w)
            let dp = try compareParameterGradients(layer, rng: &rng) { try weightedSum($0.forward(x, length: c.length), w) }
            let di = try compareInputGradient(x, analytic: dx, rng: &rng) { try weightedSum(layer.forward($0, length: c.length), w) }
            return [gradientCheck("conv1d parameters", dp), gradientCheck("conv1d input", di)]
        }
    }

    @Test("causal conv1d: step over t = forward's rows; no leak across sequences or from the future")
    func convolutionStepAndCausality() async {
        await checkProperty("conv1d step", count: 40, seed: 0xC02, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let layer = try CausalConv1d(width: c.width, kernelSize: c.other, rng: &rng)
            var x = gaussianTestMatrix(c.batch * c.length, c.width, &rng)
            let y = try layer.forward(x, length: c.length)
            var state = layer.initialState(batch: c.batch), worst = 0.0
            for t in 0..<c.length {
                worst = max(worst, largestGap(try layer.step(rowsAtTime(x, time: t, length: c.length), state: &state), rowsAtTime(y, time: t, length: c.length)))
            }
            // Change the last token of sequence 0: only that row of sequence 0 may change.
            x[c.length - 1, 0] += 1
            let changed = try layer.forward(x, length: c.length)
            var leak = 0.0
            for r in 0..<x.rows where r != c.length - 1 { leak = max(leak, largestGap(timeRow(changed, r), timeRow(y, r))) }
            return [Comparison(name: "step − forward", error: worst, tolerance: 1e-13),
                    Comparison(name: "rows changed by a later token or another sequence", error: leak, tolerance: 0)]
        }
    }

    @Test("cross-entropy: gradient = finite differences; loss = log V at zero logits; masked rows ignored")
    func crossEntropyGradient() async throws {
        await checkProperty("cross-entropy", count: 40, seed: 0xCE0, input: LearningLayerCase.generator) { c in
            var rng = SplitMix64(seed: c.data)
            let v = c.other + 1, rows = c.batch * c.length
            let logits = gaussianTestMatrix(rows, v, &rng)
            let weights = (0..<rows).map { r in r == 0 ? 1 : Double(rng.next() % 3) / 2 }       // 0, ½, 1; row 0 counts
            let targets = (0..<rows).map { r in weights[r] == 0 ? -1 : Int(rng.next() % UInt64(v)) }
            let result = try CrossEntropy(logits: logits, targets: targets, weights: weights)
            let d = try compareInputGradient(logits, analytic: result.logitsGradient, samples: 24, rng: &rng) {
                try CrossEntropy(logits: $0, targets: targets, weights: weights).loss
            }
            return [gradientCheck("cross-entropy", d)]
        }
        let uniform = try CrossEntropy(logits: Matrix(zeros: 3, 5), targets: [0, 4, -7], weights: [1, 1, 0])
        #expect(abs(uniform.loss - log(5)) < 1e-15 && uniform.counted == 2)
        let big = try CrossEntropy(logits: try Matrix([[1000, 0], [0, -1000]]), targets: [0, 1])
        #expect(abs(big.loss - 500) < 1e-12 && big.correct == 1 && big.accuracy == 0.5)
        #expect(try maskedAccuracy(logits: try Matrix([[2, 1], [0, 3], [5, 0]]), targets: [0, 0, 1], weights: [1, 1, 0]) == 0.5)
    }

    /// The checks can fail: an RMSNorm backward without the r³ term (treating r as a constant,
    /// a classic slip) is caught by the finite-difference property.
    @Test("caught: RMSNorm backward that treats r as a constant")
    func rmsNormMistakeIsCaught() async {
        await expectCaught {
            await checkProperty("RMSNorm without ∂r/∂x", count: 20, seed: 0x236, input: LearningLayerCase.generator) { c in
                var rng = SplitMix64(seed: c.data)
                let d = c.width + 1
                let layer = try RMSNorm("norm", width: d)
                let x = gaussianTestMatrix(c.batch * c.length, d, &rng), w = gaussianTestMatrix(x.rows, d, &rng)
                var wrong = w                                     // ∂ℓ/∂x_k = r·g_k·∂ℓ/∂y_k only
                for r in 0..<x.rows {
                    let s = layer.inverseRMS(x, row: r)
                    for j in 0..<d { wrong[r, j] = s * w[r, j] * layer.weight.value.elements[j] }
                }
                let di = try compareInputGradient(x, analytic: wrong, rng: &rng) { try weightedSum(layer.forward($0), w) }
                return [gradientCheck("RMSNorm input", di)]
            }
        }
    }

    /// The causality check can fail: convolving the batch as one long sequence (no zero padding
    /// at each sequence's start, so sequence 0's tail leaks into sequence 1) differs from the
    /// per-sequence steps whenever K ≥ 2.
    @Test("caught: conv1d over the stacked batch as one sequence leaks across sequences")
    func convolutionLeakIsCaught() async {
        await expectCaught {
            await checkProperty("conv1d without per-sequence padding", count: 20, seed: 0xC03, input: LearningLayerCase.generator) { c in
                var rng = SplitMix64(seed: c.data)
                let layer = try CausalConv1d(width: c.width, kernelSize: c.other + 1, rng: &rng)
                let x = gaussianTestMatrix(c.batch * c.length, c.width, &rng)
                let leaky = try layer.forward(x, length: x.rows)           // one sequence of B·L rows
                var state = layer.initialState(batch: c.batch), worst = 0.0
                for t in 0..<c.length {
                    worst = max(worst, largestGap(try layer.step(rowsAtTime(x, time: t, length: c.length), state: &state), rowsAtTime(leaky, time: t, length: c.length)))
                }
                return [Comparison(name: "step − leaky forward", error: worst, tolerance: 1e-13)]
            }
        }
    }

    @Test("bad input: tokens, shapes, NaN gradients, weights, targets give named errors")
    func badInput() throws {
        var rng = SplitMix64(seed: 1)
        var embedding = try Embedding(vocabulary: 4, width: 2, rng: &rng)
        #expect(throws: StateSpaceError.self) { try embedding.forward([0, 4]) }
        #expect(throws: StateSpaceError.self) { try embedding.forward([]) }
        #expect(throws: StateSpaceError.self) { try embedding.backward([1], outputGradient: Matrix(zeros: 2, 2)) }
        var norm = try RMSNorm("norm", width: 3)
        let nan = try Matrix([[1, .nan, 0]])
        let message = thrownDescription { _ = try norm.backward(try Matrix([[1, 2, 3]]), outputGradient: nan) }
        #expect(message?.contains("norm.weight") == true && message?.contains("[1] = nan") == true, "\(message ?? "no error")")
        #expect(throws: StateSpaceError.self) { try norm.forward(Matrix(zeros: 2, 4)) }
        #expect(throws: StateSpaceError.self) { try RMSNorm("norm", width: 3, epsilon: 0) }
        var conv = try CausalConv1d(width: 2, rng: &rng)
        #expect(throws: StateSpaceError.self) { try conv.forward(Matrix(zeros: 5, 2), length: 2) }
        #expect(throws: StateSpaceError.self) { try conv.backward(Matrix(zeros: 4, 2), length: 2, outputGradient: Matrix(zeros: 4, 3)) }
        #expect(throws: StateSpaceError.self) { try CausalConv1d(width: 2, kernelSize: 0, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try SiLU.backward(Matrix(zeros: 2, 2), outputGradient: Matrix(zeros: 2, 1)) }
        #expect(throws: StateSpaceError.self) { try Softplus.backward(Matrix(zeros: 1, 1), outputGradient: try Matrix([[.infinity]])) }
        let logits = Matrix(zeros: 2, 3)
        #expect(throws: StateSpaceError.self) { try CrossEntropy(logits: logits, targets: [0, 3]) }
        #expect(throws: StateSpaceError.self) { try CrossEntropy(logits: logits, targets: [0, 1], weights: [0, 0]) }
        #expect(throws: StateSpaceError.self) { try CrossEntropy(logits: logits, targets: [0, 1], weights: [1, -1]) }
        #expect(throws: StateSpaceError.self) { try CrossEntropy(logits: logits, targets: [0]) }
        #expect(throws: StateSpaceError.self) { try CrossEntropy(logits: try Matrix([[.nan, 0, 0], [0, 0, 0]]), targets: [0, 1]) }
        let tokenMessage = thrownDescription { _ = try embedding.forward([0, 9]) }
        #expect(tokenMessage?.contains("token 1") == true && tokenMessage?.contains("0..<4") == true)
    }
}

/// Row r of a matrix as a 1×cols matrix.
func timeRow(_ m: Matrix, _ r: Int) -> Matrix {
    try! Matrix(rows: 1, cols: m.cols, elements: m.row(r))
}
