import Foundation
import Testing
@testable import StateSpace

@Suite("Continuous reference (RK4): smooth inputs")
struct ContinuousSolutionTests {
    /// x' = −a x + sin(ωt), x(0) = 0, y = x: x(t) = (a sin ωt − ω cos ωt + ω e^{−at}) / (a² + ω²).
    func closedForm(a: Double, omega: Double, at t: Double) -> Double {
        (a * sin(omega * t) - omega * cos(omega * t) + omega * exp(-a * t)) / (a * a + omega * omega)
    }

    @Test("a sine into a first-order lag: the closed form at t_k = (k+1)h, fourth order in the substep")
    func sineIntoLag() throws {
        let a = 3.0, omega = 2 * Double.pi, h = 0.05, count = 40
        let model = try StateSpaceModel(a: try Matrix([[-a]]), b: [1], c: [1])
        let exact = (0..<count).map { closedForm(a: a, omega: omega, at: Double($0 + 1) * h) }       // (L)
        func error(_ m: Int) throws -> Double {
            relativeDifference(try model.continuousOutput(input: { sin(omega * $0) }, sampleInterval: h, count: count, substeps: m), exact)
        }
        let coarse = try error(2), fine = try error(4)
        #expect(coarse / fine >= 12)                                 // ≈ 2⁴ = 16 for a fourth-order method
        #expect(try error(64) <= 1e-10)
    }

    @Test("a constant input function gives what a held input gives (both exact for ZOH)")
    func constantMatchesHeld() throws {
        let model = try StateSpaceModel(a: randomStableMatrix(4, seed: 71), b: randomVector(4, seed: 72), c: randomVector(4, seed: 73), d: 0.5)
        let held = try model.continuousOutput(heldInput: [Double](repeating: 0.7, count: 20), holdInterval: 0.1, substeps: 16)
        let smooth = try model.continuousOutput(input: { _ in 0.7 }, sampleInterval: 0.1, count: 20, substeps: 16)
        #expect(maxAbsDifference(held, smooth) <= 1e-14)
    }

    @Test("refuses a non-finite input function, m < 1 and L = 0, naming them")
    func refusals() throws {
        let model = try StateSpaceModel(a: try Matrix([[-1]]), b: [1], c: [1])
        #expect(throws: StateSpaceError.self) {
            try model.continuousOutput(input: { $0 > 0.15 ? .nan : 0 }, sampleInterval: 0.1, count: 3, substeps: 4)
        }
        #expect(throws: StateSpaceError.self) { try model.continuousOutput(input: { _ in 1 }, sampleInterval: 0.1, count: 3, substeps: 0) }
        #expect(throws: StateSpaceError.self) { try model.continuousOutput(input: { _ in 1 }, sampleInterval: 0.1, count: 0, substeps: 4) }
    }
}
