import Foundation
import Testing
@testable import StateSpace

@Suite("Mamba2Block: parameterisation, chunked forward, recurrent step")
struct Mamba2BlockTests {
    static func example(t: Int, seed: UInt64, groups: Int = 1, chunk: Int = 8) throws -> (Mamba2Block, Matrix) {
        var rng = SplitMix64(seed: seed)
        let block = try Mamba2Block(modelWidth: 8, headDim: 4, stateSize: 6, groups: groups, chunk: chunk, rng: &rng)
        let u = try Matrix(rows: t, cols: 8, elements: (0..<t * 8).map { _ in rng.nextGaussian() })
        return (block, u)
    }

    @Test("shapes and initialisation: H = 2·d_model/P, A_h ∈ [−16, −1], Δ at init in [1e-4, 0.1], D = 1")
    func initialisation() throws {
        let (block, _) = try Self.example(t: 1, seed: 1)
        #expect(block.heads == 4 && block.innerWidth == 16 && block.convChannels == 16 + 12)
        #expect(block.inProjection.rows == 8 && block.inProjection.cols == 2 * 16 + 12 + 4)
        #expect(block.a.allSatisfy { $0 >= -16 && $0 <= -1 })
        let initialDelta: [Double] = block.dtBias.map(softplus)
        let (lowest, highest): (Double, Double) = (1e-4 * (1 - 1e-12), 0.1 * (1 + 1e-12))
        #expect(initialDelta.allSatisfy { $0 >= lowest && $0 <= highest })
        #expect(block.skip == [1, 1, 1, 1])
    }

    @Test("step by step = chunked forward, T a multiple of Q or not, one group or per-head B and C",
          arguments: [(1, 1), (8, 1), (37, 1), (37, 4)])
    func stepEqualsForward(shape: (Int, Int)) throws {
        let (block, u) = try Self.example(t: shape.0, seed: 2, groups: shape.1)
        let forward = try block.forward(u)
        var state = block.initialState
        var stepped: [Double] = []
        for t in 0..<u.rows { stepped += try block.step((0..<u.cols).map { u[t, $0] }, state: &state) }
        #expect(relativeDifference(stepped, forward.elements) <= 1e-12)
        #expect(relativeDifference(try block.forward(u, threads: 2).elements, forward.elements) <= 1e-15)
    }

    @Test("the SSM's input is x·Δ: SSD(x·Δ) = Mamba's selective scan with A = A_h·I and B̄ = ΔB")
    func scaledInputIsEulerB() throws {
        let (block, u) = try Self.example(t: 30, seed: 3)
        let parts = try block.inner(u)
        let (t, d, p, n) = (u.rows, block.innerWidth, block.headDim, block.stateSize)
        let delta = try Matrix(rows: t, cols: d, elements: (0..<t * d).map { parts.delta[$0 / d, $0 % d / p] })
        let a = try Matrix(rows: d, cols: n, elements: (0..<d * n).map { block.a[$0 / n / p] })
        let mamba = try SelectiveScanInputs(x: parts.x, delta: delta, a: a, b: parts.ssd.b, c: parts.ssd.c,
                                            skip: [Double](repeating: 0, count: d))
        #expect(relativeDifference(ssdRecurrent(parts.ssd).elements, selectiveScan(mamba).elements) <= 1e-12)
        for i in 0..<(t * d) { #expect(parts.ssd.x.elements[i] == parts.x.elements[i] * delta.elements[i]) }
    }

    @Test("the gated norm gates before it normalises: RMSNorm(y ⊙ SiLU(z))")
    func gatedNorm() throws {
        let (block, _) = try Self.example(t: 1, seed: 4)
        let y = (0..<16).map { Double($0) - 7.5 }, z = (0..<16).map { 0.3 * Double($0) - 2 }
        let g = zip(y, z).map { $0 * silu($1) }
        let rms = (g.reduce(0) { $0 + $1 * $1 } / 16 + 1e-5).squareRoot()
        #expect(relativeDifference(block.gatedRMSNorm(y, gate: z), g.map { $0 / rms }) <= 1e-15)
    }

    @Test("refused: a wrong-width input or token, a misshapen state (left unchanged), misshapen conv weights, P not dividing d_inner")
    func refused() throws {
        let (block, u) = try Self.example(t: 5, seed: 5)
        #expect(throws: StateSpaceError.self) { try block.forward(Matrix(zeros: 5, 7)) }
        var state = block.initialState
        #expect(throws: StateSpaceError.self) { try block.step([1, 2], state: &state) }
        var bad = Mamba2Block.State(convBuffer: Matrix(zeros: 2, block.convChannels), ssm: state.ssm)
        #expect(throws: StateSpaceError.self) { try block.step((0..<8).map { u[0, $0] }, state: &bad) }
        #expect(bad.convBuffer.rows == 2)
        #expect(throws: StateSpaceError.self) { try block.withConvWeight(Matrix(zeros: 3, 4)) }
        var rng = SplitMix64(seed: 0)
        #expect(throws: StateSpaceError.self) { try Mamba2Block(modelWidth: 8, headDim: 5, stateSize: 4, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try Mamba2Block(modelWidth: 8, headDim: 4, stateSize: 4, groups: 3, rng: &rng) }
    }
}
