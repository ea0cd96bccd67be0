import Foundation
import Testing
@testable import StateSpace

func randomInputs(length l: Int, channels d: Int, stateSize n: Int, seed: UInt64) throws -> SelectiveScanInputs {
    var rng = SplitMix64(seed: seed)
    let params = try SelectiveParameters(channels: d, stateSize: n, dtRank: max(1, d / 16), rng: &rng)
    let x = try Matrix(rows: l, cols: d, elements: (0..<l * d).map { _ in rng.nextGaussian() })
    return try params.scanInputs(x)
}

@Suite("Selective scan (Mamba)")
struct SelectiveScanTests {
    @Test("sequential = Blelloch parallel = materialised semiseparable matrix",
          arguments: [(1, 1, 1), (5, 3, 4), (64, 4, 4), (257, 9, 16), (300, 70, 8)])
    func threeWays(shape: (Int, Int, Int)) throws {
        let (l, d, n) = shape
        let inputs = try randomInputs(length: l, channels: d, stateSize: n, seed: UInt64(l * 31 + d))
        let sequential = selectiveScan(inputs)
        // Exact rewritings of one recurrence; rounding differs only in the order of products.
        #expect(relativeDifference(selectiveScanParallel(inputs).elements, sequential.elements) <= 1e-13)
        #expect(relativeDifference(selectiveScanParallel(inputs, threads: 2).elements, sequential.elements) <= 1e-13)
        #expect(relativeDifference(selectiveScan(inputs, threads: 2).elements, sequential.elements) <= 1e-15)
        let channels = Array(Set([0, d - 1])).sorted()
        let materialised = try selectiveScanMaterialised(inputs, channels: channels)
        let columns = (0..<l).flatMap { t in channels.map { sequential[t, $0] } }
        #expect(relativeDifference(materialised.elements, columns) <= 1e-13)
    }

    @Test("a scalar reference: one channel, one state, written out by hand")
    func scalarReference() throws {
        let x = [1.0, -2, 0.5], delta = [0.1, 0.7, 0.3], a = -1.5, b = [0.2, 1, -1], c = [1.0, 0.5, 2], skip = 0.25
        var h = 0.0, expected: [Double] = []
        for t in 0..<3 {
            h = exp(delta[t] * a) * h + delta[t] * b[t] * x[t]
            expected.append(c[t] * h + skip * x[t])
        }
        let inputs = try SelectiveScanInputs(x: Matrix(rows: 3, cols: 1, elements: x), delta: Matrix(rows: 3, cols: 1, elements: delta),
                                             a: Matrix(rows: 1, cols: 1, elements: [a]), b: Matrix(rows: 3, cols: 1, elements: b),
                                             c: Matrix(rows: 3, cols: 1, elements: c), skip: [skip])
        #expect(maxAbsDifference(selectiveScan(inputs).elements, expected) <= 1e-15)
    }

    @Test("Δ = 0 ignores a token exactly; bad shapes, A ≥ 0, Δ < 0 and NaN are refused by name")
    func edgesAndErrors() throws {
        let one = try Matrix([[1.0]])
        let frozen = try SelectiveScanInputs(x: try Matrix([[1], [5]]), delta: try Matrix([[0.5], [0]]), a: try Matrix([[-1]]),
                                             b: try Matrix([[1], [1]]), c: try Matrix([[1], [1]]), skip: [0])
        let y = selectiveScan(frozen)
        #expect(y[1, 0] == y[0, 0])                                  // the second token changed nothing
        let x = try Matrix([[1], [2]])
        #expect(throws: StateSpaceError.self) {
            try SelectiveScanInputs(x: x, delta: try Matrix([[1]]), a: one, b: try Matrix([[1], [1]]), c: try Matrix([[1], [1]]), skip: [0])
        }
        let positiveA = #expect(throws: StateSpaceError.self) {
            try SelectiveScanInputs(x: x, delta: try Matrix([[1], [1]]), a: one, b: try Matrix([[1], [1]]), c: try Matrix([[1], [1]]), skip: [0])
        }
        #expect(positiveA?.description.contains("A[0, 0]") == true)
        let negativeDelta = #expect(throws: StateSpaceError.self) {
            try SelectiveScanInputs(x: x, delta: try Matrix([[1], [-1]]), a: try Matrix([[-1]]), b: try Matrix([[1], [1]]), c: try Matrix([[1], [1]]), skip: [0])
        }
        #expect(negativeDelta?.description.contains("Δ[1, 0]") == true)
        #expect(throws: StateSpaceError.self) {
            try SelectiveScanInputs(x: try Matrix([[.nan], [1]]), delta: try Matrix([[1], [1]]), a: try Matrix([[-1]]), b: try Matrix([[1], [1]]), c: try Matrix([[1], [1]]), skip: [0])
        }
        #expect(throws: StateSpaceError.self) {
            try SelectiveScanInputs(x: Matrix(zeros: 0, 1), delta: Matrix(zeros: 0, 1), a: try Matrix([[-1]]), b: Matrix(zeros: 0, 1), c: Matrix(zeros: 0, 1), skip: [0])
        }
        #expect(throws: StateSpaceError.self) { try selectiveMatrix(frozen, channel: 3) }
    }

    @Test("softplus is stable at both ends and inverts; SiLU")
    func activations() throws {
        #expect(softplus(1000) == 1000)
        #expect(softplus(-1000) == 0)
        #expect(abs(softplus(0) - log(2)) <= 1e-16)
        for y in [1e-4, 1e-3, 0.05, 0.1, 3] { #expect(abs(softplus(try inverseSoftplus(y)) - y) <= 1e-15 * max(1, y) + 1e-19) }
        #expect(abs(silu(2) - 2 / (1 + exp(-2))) <= 1e-16)
    }

    @Test("selection: Δ starts in [1e-3, 1e-1] for zero input; shapes; A = −(n + 1)")
    func selection() throws {
        var rng = SplitMix64(seed: 5)
        let params = try SelectiveParameters(channels: 6, stateSize: 4, dtRank: 1, rng: &rng)
        let (delta, b, c) = try params.select(Matrix(zeros: 3, 6))
        #expect(delta.elements.allSatisfy { $0 >= 1e-3 * 0.999 && $0 <= 0.1 * 1.001 })
        #expect(b.rows == 3 && b.cols == 4 && c.rows == 3 && c.cols == 4)
        #expect(maxAbsDifference(params.a.row(2), [-1, -2, -3, -4]) <= 1e-15)
        #expect(throws: StateSpaceError.self) { try params.select(Matrix(zeros: 3, 5)) }
    }

    @Test("work and depth counts")
    func costs() throws {
        #expect(try ScanCost.sequential(2048) == (2047, 2047))
        #expect(try ScanCost.blelloch(2048).work == 2 * 2047 + 2048)
        #expect(try ScanCost.blelloch(2048).depth == 23)
        #expect(try ScanCost.paddedLength(1000) == 1024)
    }

    @Test("vector exp (libmvec) = scalar exp to a few ulp")
    func vectorExpMatches() {
        let x = (0..<1000).map { -Double($0) * 0.037 + 3 }
        let fast = vectorExp(x)
        for (i, v) in x.enumerated() { #expect(abs(fast[i] - exp(v)) <= 8 * exp(v) * Double.ulpOfOne) }
    }
}

@Suite("Mamba block")
struct MambaBlockTests {
    @Test("step-by-step generation = full forward pass")
    func stepMatchesForward() throws {
        var rng = SplitMix64(seed: 8)
        let block = try MambaBlock(modelWidth: 8, stateSize: 4, rng: &rng)
        let u = try Matrix(rows: 60, cols: 8, elements: (0..<480).map { _ in rng.nextGaussian() })
        let full = try block.forward(u)
        var state = block.initialState
        var stepped: [Double] = []
        for t in 0..<60 { stepped += try block.step(u.row(t), state: &state) }
        #expect(relativeDifference(stepped, full.elements) <= 1e-12)
        #expect(relativeDifference(try block.forward(u, threads: 2).elements, full.elements) <= 1e-15)
    }

    @Test("bad input is refused")
    func errors() throws {
        var rng = SplitMix64(seed: 9)
        let block = try MambaBlock(modelWidth: 4, stateSize: 2, rng: &rng)
        #expect(throws: StateSpaceError.self) { try block.forward(Matrix(zeros: 3, 5)) }
        var state = block.initialState
        #expect(throws: StateSpaceError.self) { try block.step([1, 2], state: &state) }
        #expect(throws: StateSpaceError.self) { try block.step([1, 2, .nan, 4], state: &state) }
        #expect(throws: StateSpaceError.self) { try MambaBlock(modelWidth: 0, stateSize: 2, rng: &rng) }
    }
}

@Suite("Least squares")
struct LeastSquaresTests {
    @Test("recovers an exact solution and the normal-equations solution")
    func recovers() throws {
        let a = randomMatrix(30, 5, seed: 91)
        let x = randomVector(5, seed: 92)
        #expect(maxAbsDifference(try leastSquares(a, a * x), x) <= 1e-13)
        let b = randomVector(30, seed: 93)
        let normal = try solve(a.transposed * a, a.transposed * b)
        #expect(maxAbsDifference(try leastSquares(a, b), normal) <= 1e-12)
        #expect(throws: StateSpaceError.self) { try leastSquares(randomMatrix(3, 5, seed: 1), [1, 2, 3]) }
        #expect(throws: StateSpaceError.self) { try leastSquares(a, [1]) }
    }
}
