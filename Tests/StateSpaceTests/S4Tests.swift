import Foundation
import Numerics
import Testing
@testable import StateSpace

@Suite("S4: DPLR, Cauchy kernel, generating-function kernel, RNN mode")
struct S4Tests {
    @Test("DPLR of LegS rebuilds A; Re Λ = −½; V's kept columns are orthonormal", arguments: [2, 8, 32])
    func dplr(n: Int) throws {
        let d = try DPLR.legS(stateSize: n)
        let (a, b) = try legSTransition(stateSize: n)
        #expect(relativeDifference(d.reconstructedA().real.elements, a.elements) <= 1e-13)
        #expect(d.lambda.allSatisfy { abs($0.real + 0.5) <= 1e-13 && $0.imaginary > 0 })
        let gram = d.vectors.adjoint * d.vectors                         // (N/2, N/2)
        #expect(maxAbsDifference(gram.elements, ComplexMatrix.identity(n / 2).elements) <= 1e-13)
        #expect(d.realB == b)
    }

    @Test("odd N is refused: conjugate pairs are assumed")
    func oddN() {
        let error = #expect(throws: StateSpaceError.self) { try DPLR.legS(stateSize: 7) }
        #expect(error?.description.contains("must be even") == true)
    }

    @Test("Cauchy kernel = its definition by complex division, with and without pairs")
    func cauchy() throws {
        let w = randomComplex(5, seed: 61), poles = randomComplex(5, seed: 62), z = randomComplex(7, seed: 63).map { $0 + Complex(0, 3) }
        let fast = try cauchyKernel(weights: w, poles: poles, points: z, conjugatePairs: true)
        let slow = z.map { zj in (0..<5).reduce(Complex<Double>.zero) { acc, n in
            acc + w[n] / (zj - poles[n]) + w[n].conjugate / (zj - poles[n].conjugate) } }
        #expect(maxAbsDifference(fast, slow) <= 1e-13 * maxAbs(slow))
        let single = try cauchyKernel(weights: w, poles: poles, points: z, conjugatePairs: false)
        let singleSlow = z.map { zj in (0..<5).reduce(Complex<Double>.zero) { $0 + w[$1] / (zj - poles[$1]) } }
        #expect(maxAbsDifference(single, singleSlow) <= 1e-13 * maxAbs(singleSlow))
        #expect(throws: StateSpaceError.self) { try cauchyKernel(weights: w, poles: [], points: z, conjugatePairs: false) }
    }

    @Test("S4 kernel = materialised dense bilinear kernel, any L (even, odd, 1)", arguments: [1, 2, 7, 64, 999, 4096])
    func kernel(length: Int) throws {
        let n = 16, step = 0.05
        let (a, b) = try legSTransition(stateSize: n)
        let c = randomVector(n, seed: 64)
        let dense = try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear)
        let cTilde = try truncatedOutputMatrix(c: c, aBar: dense.aBar, length: length)
        let fast = try s4Kernel(try DPLR.legS(stateSize: n), cTilde: cTilde, step: step, length: length)
        #expect(relativeDifference(fast, try dense.kernel(length: length)) <= 1e-12)
    }

    @Test("C̃ = C(I − Āᴸ) and back: outputMatrix(fromTruncated:) inverts truncatedOutputMatrix")
    func cTildeRoundTrip() throws {
        let (a, b) = try legSTransition(stateSize: 8)
        let c = randomVector(8, seed: 71)
        let aBar = try StateSpaceModel(a: a, b: b, c: c).discretized(step: 0.05, method: .bilinear).aBar
        let cTilde = try truncatedOutputMatrix(c: c, aBar: aBar, length: 40)
        #expect(relativeDifference(try outputMatrix(fromTruncated: cTilde, aBar: aBar, length: 40), c) <= 1e-12)
        #expect(throws: StateSpaceError.self) { try outputMatrix(fromTruncated: [1, 2], aBar: aBar, length: 40) }
    }

    @Test("the generating function is the DFT of the kernel")
    func generatingFunction() throws {
        let d = try DPLR.legS(stateSize: 6)
        let cTilde = randomVector(6, seed: 72)
        let spectrum = try s4GeneratingFunction(d, cTilde: cTilde, step: 0.1, length: 50)
        let dft = try FFT.forward(try s4Kernel(d, cTilde: cTilde, step: 0.1, length: 50))
        #expect(spectrum.count == 26 && maxAbsDifference(spectrum, dft) <= 1e-13 * maxAbs(dft))
    }

    @Test("S4 kernel bad input: Δ ≤ 0, L = 0, C̃ of the wrong length, NaN")
    func kernelErrors() throws {
        let d = try DPLR.legS(stateSize: 4)
        #expect(throws: StateSpaceError.self) { try s4Kernel(d, cTilde: [1, 1, 1, 1], step: 0, length: 8) }
        #expect(throws: StateSpaceError.self) { try s4Kernel(d, cTilde: [1, 1, 1, 1], step: 0.1, length: 0) }
        #expect(throws: StateSpaceError.shapeMismatch(name: "C (must have length N = 4)", expected: "length 4", actual: "length 3")) {
            try s4Kernel(d, cTilde: [1, 1, 1], step: 0.1, length: 8)
        }
        #expect(throws: StateSpaceError.self) { try s4Kernel(d, cTilde: [1, .nan, 1, 1], step: 0.1, length: 8) }
    }

    @Test("Woodbury bilinear RNN mode (O(N) per step) = dense bilinear recurrence")
    func rnnMode() throws {
        let n = 16, step = 0.02
        let (a, b) = try legSTransition(stateSize: n)
        let c = randomVector(n, seed: 65), u = randomVector(500, seed: 66)
        let dense = try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear)
        let rnn = try DPLRBilinear(try DPLR.legS(stateSize: n), step: step)
        #expect(relativeDifference(try rnn.scan(u, c: c), try dense.scan(u)) <= 1e-12)
        #expect(throws: StateSpaceError.self) { try DPLRBilinear(try DPLR.legS(stateSize: n), step: -1) }
        #expect(throws: StateSpaceError.self) { try rnn.scan(u, c: [1, 2]) }
    }

    @Test("S4D: Vandermonde kernel = recurrence for each initialisation", arguments: S4DInitialization.allCases)
    func s4d(initialization: S4DInitialization) throws {
        var rng = SplitMix64(seed: 67)
        let model = try S4D(initialization, stateSize: 16, rng: &rng)
        let u = randomVector(700, seed: 68)
        let kernel = try model.kernel(step: 0.03, length: 700)
        #expect(relativeDifference(try directCausalConvolution(kernel, u), try model.scan(u, step: 0.03)) <= 1e-12)
    }

    @Test("S4D initialisations match their formulas; odd N refused for complex ones")
    func s4dFormulas() throws {
        var rng = SplitMix64(seed: 1)
        let lin = try S4D(.lin, stateSize: 8, rng: &rng), inv = try S4D(.inv, stateSize: 8, rng: &rng), real = try S4D(.real, stateSize: 5, rng: &rng)
        #expect(lin.a.count == 4 && abs(lin.a[3].imaginary - 3 * .pi) <= 1e-14 && lin.a[3].real == -0.5)
        #expect(abs(inv.a[1].imaginary - 8 / Double.pi * (8.0 / 3 - 1)) <= 1e-13)
        #expect(real.a.map(\.real) == [-1, -2, -3, -4, -5])
        #expect(throws: StateSpaceError.self) { try S4D(.lin, stateSize: 7, rng: &rng) }
    }

    @Test("S4 layer: every channel's output = its own dense recurrence plus the skip")
    func layer() throws {
        var rng = SplitMix64(seed: 69)
        let layer = try S4Layer(stateSize: 8, channels: 3, rng: &rng)
        #expect(layer.steps.allSatisfy { $0 >= 1e-3 && $0 <= 1e-1 })
        let length = 300
        let u = randomMatrix(3, length, seed: 70)
        let kernels = try layer.kernels(length: length)
        let y = try layer.apply(u, kernels: kernels)
        for h in 0..<3 {
            let expected = zip(try directCausalConvolution(kernels.row(h), u.row(h)), u.row(h)).map { $0 + layer.skip[h] * $1 }
            #expect(relativeDifference(y.row(h), expected) <= 1e-12)
        }
        #expect(throws: StateSpaceError.self) { try layer.apply(randomMatrix(2, length, seed: 1), kernels: kernels) }
    }
}
