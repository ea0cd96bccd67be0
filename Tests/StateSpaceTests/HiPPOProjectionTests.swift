import Foundation
import Testing
@testable import StateSpace

@Suite("HiPPO projections, the warped LegS basis and the derivation by quadrature")
struct HiPPOProjectionTests {
    @Test("the closed-form LegT and LegS equal their derivation by quadrature", arguments: [1, 2, 7, 64])
    func derivation(n: Int) throws {
        for (measure, closed) in [(HiPPOMeasure.legT(window: 0.5), try legTTransition(stateSize: n, window: 0.5)),
                                  (.legS, try legSTransition(stateSize: n))] {
            let derived = try legendreTransitionByQuadrature(measure, stateSize: n)
            #expect(relativeDifference(derived.a.elements, closed.a.elements) <= 1e-13, "\(measure)")
            #expect(relativeDifference(derived.b, closed.b) <= 1e-15, "\(measure)")
        }
        #expect(throws: StateSpaceError.self) { try legendreTransitionByQuadrature(.lagT, stateSize: 4) }
    }

    @Test("the closed-form FouT equals its derivation by quadrature of the Fourier basis", arguments: [1, 3, 9, 65])
    func fouTDerivation(n: Int) throws {
        let closed = try fouTTransition(stateSize: n, window: 0.5)
        let derived = try fouTTransitionByQuadrature(stateSize: n, window: 0.5)
        #expect(relativeDifference(derived.a.elements, closed.a.elements) <= 1e-13)
        #expect(relativeDifference(derived.b, closed.b) <= 1e-13)             // g(1) holds sin(2πk) ≈ kε, not 0
        #expect(throws: StateSpaceError.self) { try fouTTransitionByQuadrature(stateSize: 0, window: 1) }
        #expect(throws: StateSpaceError.self) { try fouTTransitionByQuadrature(stateSize: 3, window: 0) }
    }

    @Test("projection of a polynomial of degree < N reconstructs it exactly (LegT, LegS, FouT of a sinusoid)")
    func exactProjection() throws {
        let f: ([Double]) -> [Double] = { $0.map { 1 + 2 * $0 - 0.5 * $0 * $0 * $0 } }
        for measure in [HiPPOMeasure.legT(window: 1), .legS] {
            let c = try hippoProjection(of: f, on: measure, stateSize: 6, now: 2, points: 20)
            let times = [1.1, 1.5, 1.99]
            #expect(maxAbsDifference(try measure.reconstruct(state: c, at: times, now: 2), f(times)) <= 1e-12, "\(measure)")
        }
        let wave: ([Double]) -> [Double] = { $0.map { cos(2 * .pi * 3 * $0) } }     // 3 cycles per θ = 1: basis n = 5
        let c = try hippoProjection(of: wave, on: .fouT(window: 1), stateSize: 9, now: 1.25, points: 64)
        #expect(abs((c[5] * c[5] + c[6] * c[6]).squareRoot() - 2.0.squareRoot() / 2) <= 1e-12)  // the k = 3 (cos, sin) pair
        #expect(c.indices.filter { $0 != 5 && $0 != 6 }.allSatisfy { abs(c[$0]) <= 1e-12 })
    }

    @Test("LagT projection = the state of its ODE, started at rest (ZOH, small Δ)")
    func lagT() throws {
        let step = 1e-3, n = 8
        let f: ([Double]) -> [Double] = { $0.map { sin(3 * $0) } }
        let (a, b) = try lagTTransition(stateSize: n)
        let ssm = try StateSpaceModel(a: a, b: b, c: [Double](repeating: 0, count: n)).discretized(step: step, method: .zoh)
        let state = try ssm.finalState(f((1...2000).map { (Double($0) - 0.5) * step }))
        let c = try hippoProjection(of: f, on: .lagT, stateSize: n, now: 2, points: 64)
        #expect(relativeDifference(state, c) <= 1e-6)
    }

    @Test("the warped basis is e^{tA}B of LTI LegS, and its projection is the LTI state")
    func warped() throws {
        let (a, b) = try legSTransition(stateSize: 10)
        let ages = [0, 0.1, 0.7, 3]
        let basis = try legSTimeInvariantBasis(stateSize: 10, at: ages)
        for (p, t) in ages.enumerated() {
            #expect(relativeDifference(basis.row(p), try matrixExponential(t * a) * b) <= 1e-12)
        }
        let step = 1e-3, tau = 0.5
        let f: ([Double]) -> [Double] = { $0.map { cos(2 * $0) + $0 } }
        let ssm = try StateSpaceModel(a: (1 / tau) * a, b: b.map { $0 / tau }, c: [Double](repeating: 0, count: 10))
            .discretized(step: step, method: .zoh)
        let state = try ssm.finalState(f((1...1500).map { (Double($0) - 0.5) * step }))
        let c = try legSTimeInvariantProjection(of: f, stateSize: 10, now: 1.5, timescale: tau, points: 200)
        #expect(relativeDifference(state, c) <= 1e-6)
        #expect(throws: StateSpaceError.self) { try legSTimeInvariantBasis(stateSize: 3, at: [-1]) }
    }

    @Test("time-varying LegS: the midpoint scheme is second order, the step-end scheme first")
    func legSOrders() throws {
        let f: (Double) -> Double = { sin(5 * $0) + 0.3 * $0 }
        let c = try hippoProjection(of: { $0.map(f) }, on: .legS, stateSize: 8, now: 1, points: 64)
        func gap(_ steps: Int, _ scheme: LegSStepScheme) throws -> Double {
            let samples = (0...steps).map { f((Double($0) - 0.5) / Double(steps)) }
            return relativeDifference(try legSTimeVaryingStates(signal: samples, stateSize: 8, scheme: scheme).row(steps), c)
        }
        let midpointRatio = try gap(200, .midpoint) / gap(400, .midpoint)
        let endRatio = try gap(200, .frozenAtStepEnd) / gap(400, .frozenAtStepEnd)
        #expect(midpointRatio > 3.5 && midpointRatio < 4.5, "halving Δ: ×\(midpointRatio)")
        #expect(endRatio > 1.7 && endRatio < 2.3, "halving Δ: ×\(endRatio)")
    }

    @Test("time-varying LegS with explicit matrices: the same as by state size; an upper entry is refused")
    func explicitTransition() throws {
        let f = randomVector(30, seed: 7)
        let byN = try legSTimeVaryingStates(signal: f, stateSize: 5, scheme: .midpoint)
        let byMatrices = try legSTimeVaryingStates(signal: f, transition: try legSTransition(stateSize: 5), scheme: .midpoint)
        #expect(byN.elements == byMatrices.elements)
        var (a, b) = try legSTransition(stateSize: 3)
        a[0, 2] = 1
        #expect { _ = try legSTimeVaryingStates(signal: f, transition: (a, b)) } throws: { "\($0)".contains("A[0, 2]") }
    }

    @Test("impulse response with a given propagator = with e^{ΔA} computed inside")
    func propagator() throws {
        let (a, b) = try legTTransition(stateSize: 8, window: 1)
        let inside = try hippoImpulseResponse(a: a, b: b, step: 0.01, length: 30)
        let given = try hippoImpulseResponse(propagator: try matrixExponential(0.01 * a), b: b, length: 30)
        #expect(inside.elements == given.elements)
    }
}
