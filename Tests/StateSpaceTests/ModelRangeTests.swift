import Foundation
import Numerics
import Testing
@testable import StateSpace

/// The ranges the models accept (issue 9, items 4–6 and 9): at the edges of each range the
/// results are finite and right; just outside it, a refusal that names the parameter.
@Suite("Model input ranges: steps Δ, scales, indices, counts")
struct ModelRangeTests {
    // MARK: S4D (ZOH)

    @Test("S4D at Δ = 1e308 is the ZOH limit, exactly: K₀ = f·Re Σ −C_nB_n/A_n, then zeros (was all NaN)",
          arguments: S4DInitialization.allCases)
    func s4dHugeStep(initialization: S4DInitialization) throws {
        var rng = SplitMix64(seed: 21)
        let model = try S4D(initialization, stateSize: 8, rng: &rng)
        let kernel = try model.kernel(step: 1e308, length: 200)
        // e^{ΔA_n} underflows to 0 in every mode, so B̄_n = −B_n/A_n and K_l = 0 for l ≥ 1.
        let k0 = model.pairFactor * model.a.indices.reduce(0) { $0 + (model.c[$1] * (Complex(-1, 0) / model.a[$1]) * model.b[$1]).real }
        #expect(abs(kernel[0] - k0) <= 1e-15 * abs(k0))
        #expect(kernel.dropFirst().allSatisfy { $0 == 0 })
        // The scan forgets everything each step (z_n = 0): y_t = K₀·u_t, up to the order of the sum.
        #expect(relativeDifference(try model.scan([1, -2, 3], step: 1e308), [k0, -2 * k0, 3 * k0]) <= 1e-15)
    }

    @Test("S4D's B̄ keeps full accuracy for small Δ: (e^{ΔA} − 1)/A by expm1, not by a subtraction")
    func s4dSmallStep() throws {
        var rng = SplitMix64(seed: 22)
        let model = try S4D(.real, stateSize: 6, rng: &rng)
        for step in [1e-12, 1e-9, 1e-6] {
            // K₀ = Σ C_n B̄_n with real modes; expm1 in Double is the reference (one rounding).
            let expected = model.a.indices.reduce(0.0) { $0 + model.c[$1].real * expm1(step * model.a[$1].real) / model.a[$1].real }
            let k0 = try model.kernel(step: step, length: 1)[0]
            // exp(ΔA) − 1 would lose ≈ −log₁₀(Δ|A|) digits: 1e-4 relative at Δ = 1e-12.
            #expect(abs(k0 - expected) <= 1e-14 * abs(expected), "Δ = \(step)")
        }
    }

    @Test("S4D's smallest step is accepted (finite kernel), a step just below it is refused by name")
    func s4dMinimumStep() throws {
        var rng = SplitMix64(seed: 23)
        let model = try S4D(.inv, stateSize: 8, rng: &rng)
        let kernel = try model.kernel(step: model.minimumStep, length: 100)
        #expect(kernel.allSatisfy { $0.isFinite } && kernel.contains { $0 != 0 })
        let error = #expect(throws: StateSpaceError.self) { try model.kernel(step: model.minimumStep / 2, length: 100) }
        #expect(error?.description.contains("step Δ") == true)
    }

    // MARK: S4 (bilinear)

    @Test("bilinear step range: both ends give a finite kernel and RNN; just outside, refused naming Δ", arguments: [4, 64])
    func bilinearRange(n: Int) throws {
        let dplr = try DPLR.legS(stateSize: n)
        let range = dplr.bilinearStepRange
        let cTilde = randomVector(n, seed: 24), u = randomVector(50, seed: 25)
        for step in [range.lowerBound, range.upperBound] {
            let kernel = try s4Kernel(dplr, cTilde: cTilde, step: step, length: 1000)
            #expect(kernel.allSatisfy { $0.isFinite }, "Δ = \(step)")
            #expect(try DPLRBilinear(dplr, step: step).scan(u, c: cTilde).allSatisfy { $0.isFinite }, "Δ = \(step)")
        }
        for step in [range.lowerBound * 0.99, range.upperBound * 1.01] {
            let error = #expect(throws: StateSpaceError.self) { try s4Kernel(dplr, cTilde: cTilde, step: step, length: 1000) }
            #expect(error?.description.contains("invalid step Δ = \(step)") == true)
        }
    }

    @Test("s4Kernel(step: 1e-308, length: 65536) names Δ and its range, not an internal spectrum entry")
    func tinyStepNamesDelta() throws {
        let error = #expect(throws: StateSpaceError.self) {
            try s4Kernel(try DPLR.legS(stateSize: 4), cTilde: [1, 1, 1, 1], step: 1e-308, length: 65536)
        }
        let message = error?.description ?? ""
        #expect(message.contains("step Δ = 1e-308") && message.contains("must be in [") && !message.contains("spectrum"))
    }

    @Test("S4Layer: a step range at the bilinear limits gives steps inside it and finite kernels; L < 1 is refused")
    func layerSteps() throws {
        var rng = SplitMix64(seed: 26)
        let range = try DPLR.legS(stateSize: 4).bilinearStepRange
        let layer = try S4Layer(stateSize: 4, channels: 16, stepRange: range, rng: &rng)
        #expect(layer.steps.allSatisfy { range.contains($0) })
        #expect(try layer.kernels(length: 64).elements.allSatisfy { $0.isFinite })
        #expect(throws: StateSpaceError.self) { try layer.kernels(length: -1) }
    }

    @Test("DPLRBilinear.advance is one step of scan; a wrong-length state or a NaN input throws instead of trapping")
    func advance() throws {
        let dplr = try DPLR.legS(stateSize: 8)
        let rnn = try DPLRBilinear(dplr, step: 0.05)
        let c = randomVector(8, seed: 27), u = randomVector(5, seed: 28)
        var x = [Complex<Double>](repeating: .zero, count: 4)
        let cv = try dplr.rowInEigenbasis(c)
        var stepped: [Double] = []
        for value in u {
            x = try rnn.advance(x, input: value)
            stepped.append(pairSum(cv, x))
        }
        #expect(relativeDifference(stepped, try rnn.scan(u, c: c)) <= 1e-14)
        #expect(throws: StateSpaceError.shapeMismatch(name: "state x (N/2 = 4 conjugate-pair representatives)",
                                                      expected: "length 4", actual: "length 8")) {
            try rnn.advance([Complex<Double>](repeating: .zero, count: 8), input: 1)
        }
        #expect(throws: StateSpaceError.nonFinite(name: "input u", index: 0, value: .infinity)) { try rnn.advance(x, input: .infinity) }
    }

    // MARK: Selective scan

    @Test("Δ up to the stated bound: every scan finite; above it, refused naming the entry and the bound")
    func selectiveDeltaBound() throws {
        let base = try randomInputs(length: 24, channels: 5, stateSize: 4, seed: 29)
        func largest(_ m: Matrix) -> Double { m.elements.map(abs).max()! }
        // The bound of SelectiveScanInputs: L·N·Δ·max|x|·max|B|·max|C| ≤ 2¹⁰²¹.
        let limit = 0x1p1021 / (24 * 4 * largest(base.x) * largest(base.b) * largest(base.c))
        func with(_ delta: Double) throws -> SelectiveScanInputs {
            var d = base.delta
            d[7, 2] = delta
            return try SelectiveScanInputs(x: base.x, delta: d, a: base.a, b: base.b, c: base.c, skip: base.skip)
        }
        let extreme = try with(0.999 * limit)
        #expect(selectiveScan(extreme).elements.allSatisfy { $0.isFinite })
        #expect(selectiveScan(extreme, threads: 2).elements.allSatisfy { $0.isFinite })
        #expect(selectiveScanParallel(extreme).elements.allSatisfy { $0.isFinite })
        #expect(try selectiveScanMaterialised(extreme, channels: [2]).elements.allSatisfy { $0.isFinite })
        #expect(try selectiveStates(extreme, channel: 2).elements.allSatisfy { $0.isFinite })
        let error = #expect(throws: StateSpaceError.self) { try with(2 * limit) }
        #expect(error?.description.contains("Δ[7, 2] (the largest Δ) = \(2 * limit): must be ≤ \(short(limit))") == true)
    }

    @Test("selectiveScanMaterialised refuses [D], [-1] and [] before any work")
    func materialisedChannels() throws {
        let inputs = try randomInputs(length: 6, channels: 3, stateSize: 2, seed: 30)
        for channels in [[3], [-1], [0, 1, 7], []] {
            #expect(throws: StateSpaceError.self) { try selectiveScanMaterialised(inputs, channels: channels) }
        }
    }

    @Test("MambaBlock.step: a reshaped or refused state is left exactly as it was")
    func mambaStepState() throws {
        var rng = SplitMix64(seed: 31)
        let block = try MambaBlock(modelWidth: 4, stateSize: 3, rng: &rng)
        var state = block.initialState
        _ = try block.step([0.1, -0.2, 0.3, 0.4], state: &state)
        let before = state
        #expect(throws: StateSpaceError.self) { try block.step([1e200, 1e200, 1e200, 1e200], state: &state) }
        #expect(state.ssm == before.ssm && state.convBuffer == before.convBuffer)
        var reshaped = block.initialState
        reshaped.ssm = Matrix(zeros: 3, 8)                            // (N, d_inner) instead of (d_inner, N)
        #expect(throws: StateSpaceError.shapeMismatch(name: "state.ssm (d_inner, N)", expected: "8×3", actual: "3×8")) {
            try block.step([1, 2, 3, 4], state: &reshaped)
        }
    }

    @Test("ScanCost at the edges of Int: no doubling loop to wrap, exact powers of two, refusal beyond")
    func scanCostEdges() throws {
        for l in [0, 1, 2, 3, 4, 5, 1000, 1024, 1025] {
            var p = 1
            while p < l { p <<= 1 }
            #expect(try ScanCost.paddedLength(l) == p)
        }
        #expect(try ScanCost.paddedLength((1 << 62) - 1) == 1 << 62)
        #expect(try ScanCost.paddedLength(1 << 62) == 1 << 62)
        #expect(try ScanCost.blelloch(1 << 61) == (3 * (1 << 61) - 2, 2 * 61 + 1))
        #expect(throws: StateSpaceError.self) { try ScanCost.paddedLength((1 << 62) + 1) }
        #expect(throws: StateSpaceError.self) { try ScanCost.blelloch((1 << 61) + 1) }
    }

    @Test("softplus and SiLU at ±∞ give their limits, not NaN")
    func activationLimits() {
        #expect(softplus(.infinity) == .infinity && softplus(-.infinity) == 0)
        #expect(silu(-.infinity) == 0 && silu(.infinity) == .infinity)
    }

    // MARK: SSD

    @Test("SSD at the stated scale bound: recurrent, quadratic and chunked all finite")
    func ssdScaleBound() throws {
        var rng = SplitMix64(seed: 32)
        let r = try SSDInputs.random(length: 40, heads: 2, headDim: 3, stateSize: 4, rng: &rng)
        func largest(_ m: Matrix) -> Double { m.elements.map(abs).max()! }
        let scale = 0.999 * 0x1p1021 / (40 * 4 * largest(r.x) * largest(r.b) * largest(r.c))
        let extreme = try SSDInputs(x: scale * r.x, a: r.a, b: r.b, c: r.c, heads: 2)
        #expect(ssdRecurrent(extreme).elements.allSatisfy { $0.isFinite })
        #expect(ssdQuadratic(extreme).elements.allSatisfy { $0.isFinite })
        #expect(try ssdChunked(extreme, chunk: 7).elements.allSatisfy { $0.isFinite })
        #expect(throws: StateSpaceError.self) { try SSDInputs(x: 4 * scale * r.x, a: r.a, b: r.b, c: r.c, heads: 2) }
    }

    @Test("ssdMask(head: H) throws; a valid head is exp(segsum(log a))")
    func mask() throws {
        var rng = SplitMix64(seed: 33)
        let r = try SSDInputs.random(length: 5, heads: 2, headDim: 1, stateSize: 1, rng: &rng)
        #expect(try ssdMask(r, head: 1).elements == vectorExp(try segsum(r.logA.column(1))))
        #expect(throws: StateSpaceError.self) { try ssdMask(r, head: 2) }
    }

    @Test("SSDFlops: Q = 0 throws (was a division by zero); Q > T counts as Q = T; T = Int.max does not overflow")
    func flopsEdges() throws {
        #expect(throws: StateSpaceError.invalidParameter(name: "chunk size Q", value: "0", allowed: "must be a positive integer (≥ 1)")) {
            try SSDFlops.chunked(t: 64, h: 2, p: 4, n: 8, q: 0)
        }
        #expect(try SSDFlops.chunked(t: 64, h: 2, p: 4, n: 8, q: 1000) == SSDFlops.chunked(t: 64, h: 2, p: 4, n: 8, q: 64))
        #expect(try SSDFlops.chunked(t: Int.max, h: 1, p: 1, n: 1, q: 2).isFinite)
    }

    @Test("an SSD profile that has not run reports 0, not 0/0")
    func freshProfile() {
        let profile = SSDProfile()
        #expect(profile.gemmShare == 0 && profile.gemmRatePerCore == 0)
    }
}

@Suite("Model preconditions that stay non-throwing")
struct ModelPreconditionTests {
    @Test("SSDInputs.group(ofHead:) outside 0..<H stops with a message naming h and H (was Int overflow or a wrong group)")
    func groupOfHead() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = SplitMix64(seed: 34)
            let inputs = try SSDInputs.random(length: 4, heads: 2, headDim: 1, stateSize: 1, rng: &rng)
            _ = inputs.group(ofHead: Int.max)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("group(ofHead: \(Int.max))") && message.contains("0..<2"))
    }
}
