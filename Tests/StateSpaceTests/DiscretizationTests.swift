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

@Suite("Discretisation: the range of Δ (issue 9)")
struct DiscretizationStepRangeTests {
    let a = Matrix.diagonal([-1, -2])                                 // (2, 2)

    @Test("a Δ so large that ΔA, ΔB or the result overflows is refused as Δ", arguments: DiscretizationMethod.allCases)
    func hugeStep(method: DiscretizationMethod) {
        let error = #expect(throws: StateSpaceError.self) { try discretize(a: a, b: [1, 1], step: 1e308, method: method) }
        #expect(error?.description.hasPrefix("invalid step Δ = 1e+308: too large") == true)
    }

    @Test("ZOH of an unstable A whose e^{ΔA} overflows names Δ, not an internal matrix")
    func zohOverflow() {
        let error = #expect(throws: StateSpaceError.self) { try discretize(a: Matrix([[1]]), b: [1], step: 1000, method: .zoh) }
        #expect(error?.description.hasPrefix("invalid step Δ = 1000.0") == true)
    }

    @Test("a huge but representable Δ on a stable A still gives finite, stable results")
    func hugeButFine() throws {
        for method in [DiscretizationMethod.bilinear, .zoh] {
            let (aBar, bBar) = try discretize(a: a, b: [1, 1], step: 1e300, method: method)
            #expect(aBar.elements.allSatisfy(\.isFinite) && bBar.allSatisfy(\.isFinite))
            #expect(try spectralRadius(aBar) <= 1)
        }
    }

    @Test("bilinear with 2/Δ an eigenvalue of A: singular, and the message says which Δ")
    func bilinearSingular() {
        let error = #expect(throws: StateSpaceError.self) {
            try discretize(a: Matrix.diagonal([2, -1]), b: [1, 1], step: 1, method: .bilinear)
        }
        guard case let .singularMatrix(name, _)? = error else { Issue.record("expected singularMatrix, got \(String(describing: error))"); return }
        #expect(name.contains("Δ = 1.0") && name.contains("2/Δ = 2.0"))
    }

    @Test("Euler past its stability limit: requireStable: true throws unstable with the radius")
    func eulerUnstable() throws {
        let model = try StateSpaceModel(a: a, b: [1, 1], c: [1, 1])
        _ = try model.discretized(step: 0.9, method: .euler, requireStable: true)   // |1 − 2·0.9| = 0.8
        let error = #expect(throws: StateSpaceError.self) { try model.discretized(step: 1.5, method: .euler, requireStable: true) }
        guard case let .unstable(_, radius)? = error else { Issue.record("expected unstable, got \(String(describing: error))"); return }
        #expect(abs(radius - 2) <= 1e-12)                                // |1 − 2·1.5|
    }
}
