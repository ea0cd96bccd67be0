import Foundation
import Testing
@testable import StateSpace

@Suite("Discretisation: Euler, bilinear, zero-order hold")
struct DiscretizationTests {
    let a = randomStableMatrix(5, seed: 21)
    let b = randomVector(5, seed: 22)

    @Test("Euler: Ā = I + ΔA, B̄ = ΔB")
    func euler() throws {
        let (aBar, bBar) = try discretize(a: a, b: b, step: 0.1, method: .euler)
        #expect(maxAbsDifference(aBar.elements, (Matrix.identity(5) + 0.1 * a).elements) <= 1e-16)
        #expect(maxAbsDifference(bBar, b.map { 0.1 * $0 }) <= 1e-17)
    }

    @Test("bilinear: (I − Δ/2·A)Ā = I + Δ/2·A and (I − Δ/2·A)B̄ = ΔB")
    func bilinearResidual() throws {
        let step = 0.3
        let (aBar, bBar) = try discretize(a: a, b: b, step: step, method: .bilinear)
        let left = Matrix.identity(5) - (step / 2) * a
        #expect(maxAbsDifference((left * aBar).elements, (Matrix.identity(5) + (step / 2) * a).elements) <= 1e-14)
        #expect(maxAbsDifference(left * bBar, b.map { step * $0 }) <= 1e-14)
    }

    @Test("ZOH on a diagonal A: Ā = e^{Δa}, B̄ = (e^{Δa} − 1)/a · b")
    func zohDiagonal() throws {
        let diag = [-0.5, -2.0, -7.0], step = 0.25
        let (aBar, bBar) = try discretize(a: Matrix.diagonal(diag), b: [1, 2, 3], step: step, method: .zoh)
        for i in 0..<3 {
            #expect(abs(aBar[i, i] - exp(step * diag[i])) <= 1e-15)
            #expect(abs(bBar[i] - (exp(step * diag[i]) - 1) / diag[i] * Double(i + 1)) <= 1e-15)
        }
    }

    @Test("ZOH with a singular A (an integrator, A = 0): Ā = I, B̄ = ΔB — no A⁻¹ needed")
    func zohSingular() throws {
        let (aBar, bBar) = try discretize(a: Matrix(zeros: 2, 2), b: [1, -3], step: 0.5, method: .zoh)
        // The Padé approximant is a rational function, so even for this nilpotent augmented
        // matrix the result is exact only to rounding.
        #expect(maxAbsDifference(aBar.elements, Matrix.identity(2).elements) <= 1e-15)
        #expect(maxAbsDifference(bBar, [0.5, -1.5]) <= 1e-15)
    }

    @Test("ZOH = A⁻¹(e^{ΔA} − I)B for an invertible A")
    func zohFormula() throws {
        let step = 0.2
        let (aBar, bBar) = try discretize(a: a, b: b, step: step, method: .zoh)
        let expA = try matrixExponential(step * a)
        #expect(maxAbsDifference(aBar.elements, expA.elements) <= 1e-14)
        let formula = try solve(a, (expA - Matrix.identity(5)) * b)
        #expect(maxAbsDifference(bBar, formula) <= 1e-13)
    }

    @Test("bad input: Δ ≤ 0 or not finite, N = 0, wrong B length, non-square or NaN A")
    func errors() throws {
        for step in [0.0, -1.0, .nan, .infinity] {
            let error = #expect(throws: StateSpaceError.self) { try discretize(a: a, b: b, step: step, method: .zoh) }
            #expect(error?.description.contains("step Δ") == true)
        }
        #expect(throws: StateSpaceError.self) { try discretize(a: Matrix(zeros: 0, 0), b: [], step: 1, method: .euler) }
        #expect(throws: StateSpaceError.shapeMismatch(name: "B (must have length N = 5)", expected: "length 5", actual: "length 2")) {
            try discretize(a: a, b: [1, 2], step: 1, method: .bilinear)
        }
        #expect(throws: StateSpaceError.notSquare(name: "A", rows: 2, cols: 3)) { try discretize(a: Matrix(zeros: 2, 3), b: [1, 2], step: 1, method: .zoh) }
        #expect(throws: StateSpaceError.self) { try discretize(a: try Matrix([[.nan]]), b: [1], step: 1, method: .zoh) }
    }
}
