import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// The forward output, final state and every gradient of the training scan run with `kernel`.
func scanResults(_ c: ScanGradientCase, kernel: ScanKernel, shiftDecays: Bool = false) throws -> [(String, [Double])] {
    var (inputs, h0, wy, wh) = try c.draw()
    if shiftDecays {                                                  // Δ_{t+1} used at step t: a wrong ingredient
        let d = inputs.channels
        inputs = try SelectiveScanInputs(x: inputs.x, delta: Matrix(rows: inputs.length, cols: d,
                                                                      elements: Array(inputs.delta.elements.dropFirst(d)) + inputs.delta.elements.prefix(d)),
                                         a: inputs.a, b: inputs.b, c: inputs.c, skip: inputs.skip)
    }
    let (y, final, tape) = try selectiveScanForward(inputs, initialState: h0, mode: c.mode, kernel: kernel)
    let g = try selectiveScanBackward(tape, outputGradient: wy, finalStateGradient: wh)
    return [("y", y.elements), ("h_{L−1}", final.elements), ("∂x", g.x.elements), ("∂Δ", g.delta.elements), ("∂A", g.a.elements),
            ("∂B", g.b.elements), ("∂C", g.c.elements), ("∂D", g.skip), ("∂h₀", g.initialState.elements)]
}

/// Each array's largest difference relative to its largest entry.
func kernelComparisons(_ a: [(String, [Double])], _ b: [(String, [Double])], tolerance: Double) -> [Comparison] {
    zip(a, b).map { first, second in
        let scale = max(first.1.map(abs).max() ?? 0, 1e-300)
        let error = zip(first.1, second.1).map { abs($0 - $1) }.max() ?? .infinity
        return Comparison(name: first.0, error: error / scale, tolerance: tolerance)
    }
}

/// The compiled C kernels of the training scan (`ScanKernel.compiled`) against the readable Swift
/// loops (`.readable`), both gradient modes, random shapes with N from 1 to 19 (the vector
/// loops' remainders) and L up to 300 (past the stored mode's 256-step blocks).
///
/// Tolerance 1e-12 relative per array: the kernels reassociate the sums over N and fuse
/// multiply-adds, so each result differs from the Swift loops by a few roundings of sums of at
/// most L·N terms of O(1) inputs (~1e-15 relative here); a wrong term is O(1).
@Suite("Learning: compiled scan kernels")
struct LearningScanKernelTests {
    static let cases = zip(lengthGenerator(upTo: 300), Gen.int(in: 1...5), Gen.int(in: 1...19), Gen.int(in: 0...9), dataSeed)
        .map { t in ScanGradientCase(length: t.0, channels: t.1, stateSize: t.2, threads: 1, checkpoint: t.3, data: t.4) }

    @Test("compiled = readable: y, h_{L−1} and every gradient, rel. ≤ 1e-12 (60 cases, L ≤ 300, N ≤ 19)")
    func compiledEqualsReadable() async {
        let run = await checkProperty("compiled scan kernels", count: 60, seed: 0xC0DE_5CA7, input: Self.cases) { c in
            kernelComparisons(try scanResults(c, kernel: .readable), try scanResults(c, kernel: .compiled), tolerance: 1e-12)
        }
        expectCoverage(run.cases.map(\.length))
    }

    @Test("caught: the compiled kernel run with the decays shifted by one step")
    func shiftedDecaysAreCaught() async {
        await expectCaught {
            await checkProperty("compiled scan kernels, shifted decays", count: 10, seed: 0xC0DE_5CA7, input: Self.cases) { c in
                kernelComparisons(try scanResults(c, kernel: .readable), try scanResults(c, kernel: .compiled, shiftDecays: true), tolerance: 1e-12)
            }
        }
    }
}
