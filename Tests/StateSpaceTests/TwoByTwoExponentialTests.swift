import Foundation
import Testing
@testable import StateSpace

@Suite("2×2 matrix exponential in closed form (Cayley–Hamilton)")
struct TwoByTwoExponentialTests {
    @Test("a Jordan block: e^{t[λ 1; 0 λ]} = e^{λt}[1 t; 0 1] exactly where eigenvectors fail",
          arguments: [(-2.0, 0.3), (0.5, 1.0), (-6.0, 0.01)])
    func jordanBlock(lambda: Double, t: Double) throws {
        let e = try twoByTwoExponential(try Matrix([[lambda * t, t], [0, lambda * t]]))
        let expected = [exp(lambda * t), t * exp(lambda * t), 0, exp(lambda * t)]
        #expect(maxAbsDifference(e.elements, expected) <= 4e-16 * exp(lambda * t) * max(1, t))
    }

    @Test("every damping regime of a spring matches the Padé exponential", arguments: [0.0, 0.1, 1.0, 1 + 1e-9, 2.0, 30.0])
    func springRegimes(zeta: Double) throws {
        let w0 = 2 * Double.pi, step = 0.01
        let a = try Matrix([[0, step], [-w0 * w0 * step, -2 * zeta * w0 * step]])   // ΔA of the spring
        let byPade = try matrixExponential(a)
        #expect(maxAbsDifference(try twoByTwoExponential(a).elements, byPade.elements) <= 1e-15)
    }

    @Test("random 2×2 with large spread (both closed-form branches) match Padé to ~ε‖e^A‖", arguments: 0..<20)
    func random(seed: UInt64) throws {
        let a = 3 * randomMatrix(2, 2, seed: seed)                   // √|δ| up to ~6: cosh/cos branches
        let byPade = try matrixExponential(a)
        let scale = byPade.elements.reduce(0) { max($0, abs($1)) }
        #expect(maxAbsDifference(try twoByTwoExponential(a).elements, byPade.elements) <= 1e-13 * scale)
    }

    @Test("refuses a non-2×2, a NaN, and an exponential that would overflow")
    func refusals() throws {
        #expect(throws: StateSpaceError.self) { try twoByTwoExponential(Matrix.identity(3)) }
        #expect(throws: StateSpaceError.self) { try twoByTwoExponential(try Matrix([[.nan, 0], [0, 0]])) }
        #expect(throws: StateSpaceError.self) { try twoByTwoExponential(try Matrix([[800, 0], [0, 800]])) }
    }
}
