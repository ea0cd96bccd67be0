import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// One selective scan, with every parameter inside `SelectiveScanInputs`'s allowed range:
/// x, B, C, D ~ N(0, 1); A = −10^U[−1, 1] (< 0); Δ = 10^U[−3, log₁₀Δmax] ≥ 0 with Δmax
/// log-uniform in [1e-2, 10] (so Δ·A reaches −100: states reset), and, in some cases, one
/// entry in four exactly 0 (a token ignored, as softplus gives on underflow).
struct SelectiveCase: CustomStringConvertible {
    let length: Int
    let channels: Int
    let stateSize: Int
    let threads: Int
    let largestStep: Double
    let zeroSteps: Bool
    let data: UInt64

    var description: String {
        "L = \(length), D = \(channels), N = \(stateSize), threads \(threads), Δ ≤ \(largestStep), zero Δs \(zeroSteps), data seed \(data)"
    }

    func inputs() throws -> SelectiveScanInputs {
        let (l, d, n) = (length, channels, stateSize)
        var rng = SplitMix64(seed: data)
        let x = try gaussianMatrix(l, d, rng: &rng)
        let delta = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in
            let step = pow(10, Double.random(in: -3...log10(largestStep), using: &rng))
            return zeroSteps && Double.random(in: 0..<1, using: &rng) < 0.25 ? 0 : step
        })
        let a = try Matrix(rows: d, cols: n, elements: (0..<d * n).map { _ in -pow(10, Double.random(in: -1...1, using: &rng)) })
        return try SelectiveScanInputs(x: x, delta: delta, a: a, b: try gaussianMatrix(l, n, rng: &rng),
                                       c: try gaussianMatrix(l, n, rng: &rng), skip: gaussianArray(d, rng: &rng))
    }

    static let generator = zip(lengthGenerator(upTo: 521), Gen.int(in: 1...12), Gen.int(in: 1...16), Gen.int(in: 1...3),
                               logUniform(-2...1), Gen.bool, dataSeed)
        .map { t in
            SelectiveCase(length: t.0, channels: t.1, stateSize: t.2, threads: t.3, largestStep: t.4, zeroSteps: t.5, data: t.6)
        }
}

/// The same scan with |x|, |B|, |C|, |D|: every term Σ_n |C_{t,n}|·Ā⋯Ā·|Δ_s B_{s,n} x_s| is
/// non-negative, so its output is exactly the magnitude of the terms of each y_{t,d}.
func termMagnitudes(_ inputs: SelectiveScanInputs) throws -> Matrix {
    let positive = try SelectiveScanInputs(x: absolute(inputs.x), delta: inputs.delta, a: inputs.a, b: absolute(inputs.b),
                                           c: absolute(inputs.c), skip: inputs.skip.map(abs))
    return selectiveScan(positive)
}

/// Sequential `selectiveScan` = Blelloch `selectiveScanParallel` = materialised semiseparable
/// matrix M_d (for the first and last channel), with 1…3 threads.
///
/// Tolerance (u = 2⁻⁵³), elementwise: the three are exact rewritings of one recurrence. Each
/// term of y_{t,d} is a product of ≤ L factors Ā = exp(Δ·A) (libmvec: ≤ 4 ulp = 8u each) and
/// two more, summed over ≤ L·N terms, in an order that differs between the three; so each is
/// within (8L + L + N)·u of the magnitude of y_{t,d}'s terms (`termMagnitudes`). We allow 2×:
/// tight for every output, large or small, and a wrong decay anywhere is O(1) of its terms.
func selectiveProperty(_ c: SelectiveCase,
                       parallel: (SelectiveScanInputs, Int) -> Matrix = { selectiveScanParallel($0, threads: $1) }) throws -> [Comparison] {
    let inputs = try c.inputs()
    let sequential = selectiveScan(inputs, threads: c.threads)
    let tolerances = try termMagnitudes(inputs).elements.map { 2 * Double(9 * c.length + c.stateSize) * unitRoundoff * $0 }
    let channels = Array(Set([0, c.channels - 1])).sorted()
    let materialised = try selectiveScanMaterialised(inputs, channels: channels)           // (L, |channels|)
    let columns = (0..<c.length).flatMap { t in channels.map { sequential[t, $0] } }
    let columnTolerances = (0..<c.length).flatMap { t in channels.map { tolerances[t * c.channels + $0] } }
    return [
        compareElementwise("Blelloch − sequential", parallel(inputs, c.threads).elements, sequential.elements, tolerances: tolerances),
        compareElementwise("materialised − sequential", materialised.elements, columns, tolerances: columnTolerances),
    ]
}

@Suite("Property: selective scan, sequential = Blelloch = materialised")
struct SelectiveProperties {
    @Test("sequential = Blelloch = semiseparable matrix (300 cases, L ≤ 521, D ≤ 12, N ≤ 16, 1–3 threads)")
    func threeWays() async {
        let run = await checkProperty("selective scan", count: 300, seed: 0x5E_1EC7, input: SelectiveCase.generator) {
            try selectiveProperty($0)
        }
        expectCoverage(run.cases.map(\.length))
        #expect(run.cases.contains { $0.channels == 1 } && run.cases.contains { $0.stateSize == 1 })
        #expect(run.cases.contains(where: \.zeroSteps) && Set(run.cases.map(\.threads)).count == 3)
    }

    /// The ordering slip: reading the output before the state update, y_t = C_t·h_{t−1} + D x_t
    /// (a scan written in the test, with everything else right).
    @Test("caught: a scan that reads the state before updating it")
    func readBeforeUpdateIsCaught() async {
        await expectCaught {
            await checkProperty("selective scan, read before update", count: 300, seed: 0x5E_1EC7, input: SelectiveCase.generator) {
                try selectiveProperty($0) { inputs, _ in readBeforeUpdateScan(inputs) }
            }
        }
    }
}

/// y_t = C_t·h_{t−1} + D x_t, then h_t = Ā_t h_{t−1} + Δ_t B_t x_t: the wrong ingredient above.
func readBeforeUpdateScan(_ inputs: SelectiveScanInputs) -> Matrix {
    let (l, dd, n) = (inputs.length, inputs.channels, inputs.stateSize)
    var y = Matrix(zeros: l, dd)                                       // (L, D)
    for d in 0..<dd {
        var h = [Double](repeating: 0, count: n)                       // (N)
        for t in 0..<l {
            let delta = inputs.delta[t, d], x = inputs.x[t, d]
            y[t, d] = (0..<n).reduce(inputs.skip[d] * x) { $0 + inputs.c[t, $1] * h[$1] }
            for i in 0..<n { h[i] = exp(delta * inputs.a[d, i]) * h[i] + delta * inputs.b[t, i] * x }
        }
    }
    return y
}
