import Foundation
import Numerics
import Testing
@testable import StateSpace

/// The independent routes the chapters check S4 and S4D against, and the experiment switches
/// (a dropped pair, a dropped low-rank term, Euler's B̄, S4D-LegS).
@Suite("S4 and S4D reference routes")
struct S4ReferenceRoutesTests {
    @Test("S4D: Vandermonde kernel = kernel of its real block form by dense ZOH", arguments: S4DInitialization.allCases)
    func realBlockForm(initialization: S4DInitialization) throws {
        var rng = SplitMix64(seed: 5)
        let model = try S4D(initialization, stateSize: 12, rng: &rng)
        let dense = try model.realBlockForm().discretized(step: 0.02, method: .zoh)
        #expect(relativeDifference(try model.kernel(step: 0.02, length: 500), try dense.kernel(length: 500)) <= 1e-12)
    }

    @Test("S4D with Euler's B̄ = ΔB: the dense ZOH route tells it apart")
    func eulerInput() throws {
        var rng = SplitMix64(seed: 6)
        var model = try S4D(.lin, stateSize: 8, rng: &rng)
        let zoh = try model.realBlockForm().discretized(step: 0.05, method: .zoh)
        model.inputRule = .euler
        let (_, bBar) = model.discretized(step: 0.05)
        #expect(zip(bBar, model.b).allSatisfy { ($0.0 - $0.1.multiplied(by: 0.05)).length == 0 })
        #expect(relativeDifference(try model.kernel(step: 0.05, length: 100), try zoh.kernel(length: 100)) > 1e-3)
    }

    @Test("S4D-LegS: Λ and ½V*B from the DPLR of LegS; the same with a given C")
    func legS() throws {
        var rng = SplitMix64(seed: 7)
        let dplr = try DPLR.legS(stateSize: 16)
        let random = try S4D(.legS, stateSize: 16, rng: &rng)
        #expect(random.a == dplr.lambda)
        #expect(zip(random.b, dplr.b).allSatisfy { ($0.0 - $0.1.divided(by: 2)).length <= 1e-15 })
        let c = try dplr.rowInEigenbasis((0..<16).map { Double($0) / 16 })
        let given = try S4D(legS: dplr, c: c)
        #expect(given.c == c && given.initialization == .legS)
        #expect(throws: StateSpaceError.self) { try S4D(legS: dplr, c: [Complex(1, 0)]) }
    }

    @Test("DPLR: the basis is unitary; dropping a pair breaks the rebuilt A")
    func droppingPair() throws {
        let dplr = try DPLR.legS(stateSize: 12)
        #expect(dplr.unitarityError <= 1e-14)
        let dropped = dplr.droppingPair(at: 0)
        #expect(dropped.lambda.count == 5 && dropped.vectors.cols == 5 && dropped.stateSize == 12)
        let (a, _) = try legSTransition(stateSize: 12)
        #expect(relativeDifference(dropped.reconstructedA().real.elements, a.elements) > 1e-3)
        #expect(relativeDifference(dplr.reconstructedA().real.elements, a.elements) <= 1e-13)
    }

    @Test("S4 kernel without the low-rank term = dense kernel of the normal part A + PPᵀ")
    func withoutLowRank() throws {
        let n = 8, step = 0.05, length = 64
        let (a, b) = try legSTransition(stateSize: n)
        let p = try legSLowRankFactor(stateSize: n)
        let s = a + (try Matrix(rows: n, cols: n, elements: (0..<n * n).map { p[$0 / n] * p[$0 % n] }))
        let c = (0..<n).map { Double($0 % 3) - 1 }
        let dense = try StateSpaceModel(a: s, b: b, c: c).discretized(step: step, method: .bilinear)
        let cTilde = try truncatedOutputMatrix(c: c, aBar: dense.aBar, length: length)
        let k = try s4Kernel(try DPLR.legS(stateSize: n), cTilde: cTilde, step: step, length: length, lowRankTerm: false)
        #expect(relativeDifference(k, try dense.kernel(length: length)) <= 1e-12)
    }

    @Test("Generating function: Cauchy sums = dense resolvent C̃(I − Āω)⁻¹B̄")
    func resolvent() throws {
        let n = 16, step = 0.02, length = 256
        let (a, b) = try legSTransition(stateSize: n)
        let c = (0..<n).map { sin(Double($0)) }
        let dense = try StateSpaceModel(a: a, b: b, c: c).discretized(step: step, method: .bilinear)
        let spectrum = try s4GeneratingFunction(try DPLR.legS(stateSize: n), cTilde: c, step: step, length: length)
        let probes = [0, 3, 64, 127]
        let reference = try resolventGeneratingFunction(dense, cTilde: c, frequencies: probes, length: length)
        #expect(relativeDifference(probes.flatMap { [spectrum[$0].real, spectrum[$0].imaginary] },
                                   reference.flatMap { [$0.real, $0.imaginary] }) <= 1e-12)
    }

    @Test("Kernel through A's eigenvectors: right at N = 4, digits lost by N = 24")
    func throughEigenvectors() throws {
        func error(_ n: Int) throws -> Double {
            let (a, b) = try legSTransition(stateSize: n)
            let dense = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 1, count: n)).discretized(step: 0.01, method: .bilinear)
            return relativeDifference(try kernelThroughEigenvectors(dense, length: 128), try dense.kernel(length: 128))
        }
        #expect(try error(4) <= 1e-13)
        #expect(try error(24) >= 1e-6)
    }
}
