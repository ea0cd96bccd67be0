import Foundation
import Testing
@testable import StateSpace

@Suite("singularValues (LAPACK dgesdd)")
struct SingularValuesTests {
    @Test("a diagonal matrix: |diagonal|, descending")
    func diagonal() throws {
        let a = try Matrix([[3, 0, 0], [0, -5, 0], [0, 0, 1]])
        let sigma = try singularValues(a)
        #expect(zip(sigma, [5.0, 3, 1]).allSatisfy { abs($0 - $1) <= 1e-14 })
    }

    @Test("non-square, both orientations: σ(A) = σ(Aᵀ), and Σσ² = ‖A‖_F²", arguments: [(3, 7), (7, 3), (1, 5), (5, 1)])
    func rectangular(shape: (Int, Int)) throws {
        var rng = SplitMix64(seed: UInt64(shape.0 * 10 + shape.1))
        let a = try Matrix(rows: shape.0, cols: shape.1, elements: (0..<shape.0 * shape.1).map { _ in rng.nextGaussian() })
        let sigma = try singularValues(a), sigmaT = try singularValues(a.transposed)
        #expect(sigma.count == min(shape.0, shape.1))
        #expect(zip(sigma, sigmaT).allSatisfy { abs($0 - $1) <= 1e-13 })
        #expect(zip(sigma, sigma.dropFirst()).allSatisfy { $0 >= $1 })
        let frobenius = a.elements.reduce(0) { $0 + $1 * $1 }
        #expect(abs(sigma.reduce(0) { $0 + $1 * $1 } - frobenius) <= 1e-12 * frobenius)
    }

    @Test("a product of (m×r)(r×n) factors has exactly r nonzero singular values")
    func lowRank() throws {
        var rng = SplitMix64(seed: 7)
        let (m, n, r) = (20, 15, 4)
        let u = try Matrix(rows: m, cols: r, elements: (0..<m * r).map { _ in rng.nextGaussian() })
        let v = try Matrix(rows: r, cols: n, elements: (0..<r * n).map { _ in rng.nextGaussian() })
        let sigma = try singularValues(u * v)
        #expect(sigma[r - 1] / sigma[0] > 1e-3)
        #expect(sigma[r] / sigma[0] <= 1e-14)
    }

    @Test("refused: NaN, an empty matrix")
    func refused() throws {
        #expect(throws: StateSpaceError.self) { try singularValues(try Matrix([[1, .nan]])) }
        #expect(throws: StateSpaceError.self) { try singularValues(Matrix(zeros: 0, 3)) }
    }
}
