import Foundation
import Testing
@testable import StateSpace

/// `InputDiscretization`, `selectiveRecurrence`, the wrong-operator hook of the parallel scan,
/// `selectiveScanUnfused` and `MambaBlock`'s init from weights.
@Suite("Selective SSM: B̄ rules, the plain recurrence, unfused scan")
struct SelectiveDiscretizationTests {
    @Test("ZOH's B̄/B = (e^{ΔA} − 1)/A: first order ΔB, saturates at 1/|A|, accurate for tiny ΔA")
    func zohScale() {
        let zoh = InputDiscretization.zeroOrderHold
        #expect(InputDiscretization.euler.inputScale(step: 0.3, a: -2) == 0.3)
        #expect(abs(zoh.inputScale(step: 0.69, a: -4) - (1 - exp(-2.76)) / 4) < 1e-3)
        #expect(abs(zoh.inputScale(step: 1e-12, a: -3) / 1e-12 - 1) < 1e-11)   // expm1: no cancellation
        #expect(abs(zoh.inputScale(step: 50, a: -4) - 0.25) < 1e-15)
        #expect(zoh.inputScale(step: 0, a: -1) == 0)
    }

    @Test("the plain recurrence with ΔB = the fast scans; with ZOH it differs", arguments: [(1, 1, 1), (37, 5, 4), (128, 16, 16)])
    func plainRecurrence(shape: (Int, Int, Int)) throws {
        let inputs = try randomInputs(length: shape.0, channels: shape.1, stateSize: shape.2, seed: 7)
        let fast = selectiveScan(inputs).elements
        #expect(relativeDifference(selectiveRecurrence(inputs, input: .euler).elements, fast) <= 1e-13)
        // ZOH scales every drive by (e^{ΔA} − 1)/(ΔA) ∈ (0, 1): a different y, never a larger state.
        let zoh = selectiveRecurrence(inputs, input: .zeroOrderHold).elements
        #expect(relativeDifference(zoh, fast) >= 1e-8)
    }

    @Test("Theorem 1: N = 1, A = −1, B = 1 with ZOH is the gated RNN (1 − σ(z))h + σ(z)x")
    func theoremOne() throws {
        var rng = SplitMix64(seed: 3)
        let x = (0..<100).map { _ in rng.nextGaussian() }, z = (0..<100).map { _ in 2 * rng.nextGaussian() }
        var h = 0.0
        let gated = zip(z, x).map { zt, xt -> Double in let g = 1 / (1 + exp(-zt)); h = (1 - g) * h + g * xt; return h }
        let ones = [Double](repeating: 1, count: 100)
        let inputs = try SelectiveScanInputs(x: Matrix(rows: 100, cols: 1, elements: x), delta: Matrix(rows: 100, cols: 1, elements: z.map(softplus)),
                                             a: Matrix(rows: 1, cols: 1, elements: [-1]), b: Matrix(rows: 100, cols: 1, elements: ones),
                                             c: Matrix(rows: 100, cols: 1, elements: ones), skip: [0])
        #expect(relativeDifference(selectiveRecurrence(inputs, input: .zeroOrderHold).elements, gated) <= 1e-14)
        #expect(relativeDifference(selectiveRecurrence(inputs, input: .euler).elements, gated) >= 0.1)
    }

    /// (a₁a₂, a₁b₁ + b₂): not the composition of affine steps.
    enum WrongCombine: ScanCombine {
        static func combine(_ a1: Double, _ b1: Double, _ a2: Double, _ b2: Double) -> (a: Double, b: Double) { (a1 * a2, a1 * b1 + b2) }
    }

    @Test("AffineComposition is associative; the parallel scan with a wrong operator is wrong")
    func combineOperator() throws {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<100 {
            let e = (0..<6).map { _ in rng.nextGaussian() }
            let left = AffineComposition.combine(AffineComposition.combine(e[0], e[1], e[2], e[3]).a,
                                                 AffineComposition.combine(e[0], e[1], e[2], e[3]).b, e[4], e[5])
            let inner = AffineComposition.combine(e[2], e[3], e[4], e[5])
            let right = AffineComposition.combine(e[0], e[1], inner.a, inner.b)
            #expect(abs(left.a - right.a) <= 1e-12 * max(1, abs(left.a)) && abs(left.b - right.b) <= 1e-12 * max(1, abs(left.b)))
        }
        let inputs = try randomInputs(length: 100, channels: 3, stateSize: 4, seed: 5)
        let sequential = selectiveScan(inputs).elements
        #expect(relativeDifference(selectiveScanParallel(inputs, threads: 1, combine: AffineComposition.self).elements, sequential) <= 1e-13)
        #expect(relativeDifference(selectiveScanParallel(inputs, threads: 1, combine: WrongCombine.self).elements, sequential) >= 1e-3)
    }

    @Test("unfused scan (Ā, B̄x materialised) = fused; it counts 2·L·D·N doubles; the fused working set is independent of L")
    func unfused() throws {
        let inputs = try randomInputs(length: 200, channels: 8, stateSize: 4, seed: 9)
        let (y, bytes) = try selectiveScanUnfused(inputs)
        #expect(relativeDifference(y.elements, selectiveScan(inputs).elements) <= 1e-14)
        #expect(bytes == 2 * 200 * 8 * 4 * 8)
        let longer = try randomInputs(length: 400, channels: 8, stateSize: 4, seed: 9)
        #expect(fusedScanWorkingSetBytes(inputs, threads: 2) == fusedScanWorkingSetBytes(longer, threads: 2))
    }

    /// Measured in a child process (an exit test): the peak resident set is the whole process's,
    /// and the other tests running beside this one in the test process allocate and free memory
    /// that the allocator then reuses, which made the count flaky there.
    @Test("peak resident memory: a 16 MiB array written in the body is counted (Linux)")
    func peakMemory() async {
        #if os(Linux)
        await #expect(processExitsWith: .success) {
            let (sum, bytes) = PeakResidentMemory.growth { () -> Double in
                var a = [Double](repeating: 0, count: 2 << 20)
                for i in stride(from: 0, to: a.count, by: 512) { a[i] = Double(i) }
                return a.reduce(0, +)
            }
            guard sum > 0, let bytes, bytes >= 15 << 20, bytes <= 24 << 20 else { exit(1) }
        }
        #endif
    }

    @Test("MambaBlock from its own weights computes the same; mis-shaped weights are refused")
    func blockFromWeights() throws {
        var rng = SplitMix64(seed: 2)
        let block = try MambaBlock(modelWidth: 4, stateSize: 3, rng: &rng)
        let copy = try MambaBlock(inProjection: block.inProjection, convWeight: block.convWeight, convBias: block.convBias,
                                  selection: block.selection, outProjection: block.outProjection)
        let u = try Matrix(rows: 20, cols: 4, elements: (0..<80).map { _ in rng.nextGaussian() })
        #expect(try copy.forward(u).elements == block.forward(u).elements)
        #expect(throws: StateSpaceError.self) {
            try MambaBlock(inProjection: block.inProjection, convWeight: block.convWeight.transposed, convBias: block.convBias,
                           selection: block.selection, outProjection: block.outProjection)
        }
    }
}
