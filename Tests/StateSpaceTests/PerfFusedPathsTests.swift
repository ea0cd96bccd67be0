import Dispatch
import Foundation
import Numerics
import Synchronization
import Testing
@testable import StateSpace

/// The fused hot paths (issue 15) against the readable versions they sit beside.
@Suite("Fused paths = readable paths")
struct PerfFusedPathsTests {
    /// Tolerance: both forms sum the same N/2 pole pairs, each term within a few u of its
    /// magnitude (see `CauchySums`), so they differ by ≤ ~N·u relative to Σ|terms|; near the
    /// resonances the Woodbury division can amplify that by |1 + k11|⁻¹·|k01 k10|, which stays
    /// below 10² for LegS. 1e-11 relative to the largest |K̂| leaves ≥ 10× room at N = 64.
    @Test("fused Cauchy sums = readable (LegS N = 2…64, odd and even L, Δ from 1e-3 to 1)",
          arguments: [(2, 1), (4, 2), (8, 7), (16, 64), (32, 255), (64, 1000), (64, 4096)])
    func cauchyFusedEqualsReadable(shape: (Int, Int)) throws {
        let (n, length) = shape
        var rng = SplitMix64(seed: UInt64(n * 1000 + length))
        let dplr = try DPLR.legS(stateSize: n)
        let cTilde = (0..<n).map { _ in rng.nextGaussian() }
        for step in [1e-3, 0.01, 0.1, 1] {
            for lowRank in [true, false] {
                let fused = try s4GeneratingFunction(dplr, cTilde: cTilde, step: step, length: length, lowRankTerm: lowRank)
                let readable = try s4GeneratingFunction(dplr, cTilde: cTilde, step: step, length: length, lowRankTerm: lowRank, fused: false)
                let scale = readable.reduce(0) { max($0, $1.length) }
                let error = zip(fused, readable).reduce(0) { max($0, ($1.0 - $1.1).length) }
                #expect(error <= 1e-11 * scale, "N = \(n), L = \(length), Δ = \(step), low rank \(lowRank): \(error / scale)")
            }
        }
    }

    @Test("the fused Cauchy form steps aside where its squared denominator could leave Double")
    func cauchyFallback() {
        let weights = [[Complex<Double>]](repeating: [Complex(1, 1)], count: 4)
        #expect(CauchySums(weights: weights, poles: [Complex(-0.5, 3)], step: 0.01, length: 1024).fusedIsSafe)
        #expect(!CauchySums(weights: weights, poles: [Complex(-1e-80, 3)], step: 0.01, length: 1024).fusedIsSafe)
        #expect(!CauchySums(weights: weights, poles: [Complex(-0.5, 1e80)], step: 0.01, length: 1024).fusedIsSafe)
        #expect(!CauchySums(weights: weights, poles: [Complex(-0.5, 3)], step: 1e-80, length: 1024).fusedIsSafe)
    }

    /// Bit for bit: the fused route does the readable route's arithmetic, in the same order.
    @Test("causalConvolution = CausalConvolution(kernel:).apply, bit for bit (L = 1 … 2¹⁷ + 1, pooled and not)",
          arguments: [1, 2, 3, 31, 64, 1021, 4096, 65537, 131_073])
    func convolutionFusedEqualsReadable(length: Int) throws {
        var rng = SplitMix64(seed: UInt64(length))
        let k = (0..<length).map { _ in rng.nextGaussian() }, u = (0..<length).map { _ in rng.nextGaussian() }
        let readable = try CausalConvolution(kernel: k).apply(u)
        #expect(try causalConvolution(k, u) == readable)
        #expect(try causalConvolution(k, u) == readable)                  // again, from a pooled workspace
    }

    @Test("causalConvolution from 4 threads at once: each gets its own workspace")
    func convolutionConcurrent() throws {
        var rng = SplitMix64(seed: 9)
        let inputs = (0..<8).map { _ in ((0..<3000).map { _ in rng.nextGaussian() }, (0..<3000).map { _ in rng.nextGaussian() }) }
        let expected = try inputs.map { try CausalConvolution(kernel: $0.0).apply($0.1) }
        let results = Mutex<[Int: [Double]]>([:])
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            let y = try? causalConvolution(inputs[i % 8].0, inputs[i % 8].1)
            results.withLock { if $0[i % 8] == nil || $0[i % 8] == y { $0[i % 8] = y } else { $0[i % 8] = [] } }
        }
        #expect(results.withLock { $0 } == Dictionary(uniqueKeysWithValues: expected.enumerated().map { ($0.offset, $0.element) }))
    }

    @Test("the branch-free finiteness check: NaN and ±∞ caught, every finite double (±max, subnormal, −0) passes")
    func branchFreeFiniteness() {
        func check(_ values: [Double]) -> Bool {
            var copy = [Double](repeating: 7, count: values.count)
            let finite = copy.withUnsafeMutableBufferPointer { t in values.withUnsafeBufferPointer { copyChecked($0.baseAddress!, into: t.baseAddress!, count: values.count) } }
            #expect(copy.map(\.bitPattern) == values.map(\.bitPattern))
            return finite
        }
        let finite: [Double] = [0, -0.0, 1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 1e-310]
        #expect(check(finite))
        for bad in [Double.nan, -.nan, .infinity, -.infinity, .signalingNaN] {
            #expect(!check(finite + [bad] + finite), "\(bad)")
        }
    }

    @Test("causalConvolution's bad inputs give the readable route's errors")
    func convolutionErrors() {
        #expect(throws: StateSpaceError.nonFinite(name: "kernel K", index: 1, value: .infinity)) { try causalConvolution([1, .infinity], [1, 2]) }
        #expect(throws: StateSpaceError.self) { try causalConvolution([1, 2], [.nan, 2]) }   // (NaN ≠ NaN: the case, not its value)
        #expect(throws: StateSpaceError.self) { try causalConvolution([1, 2, 3], [1, 2]) }
        let huge = [Double](repeating: 1e308, count: 8)
        do {
            _ = try causalConvolution(huge, huge)
            Issue.record("an overflowing convolution returned")
        } catch {
            #expect("\(error)".contains("too large"))
        }
    }
}
