import Foundation
import Testing
@testable import StateSpace

@Suite("SSDChunkedMistake: each wrong step changes the output, as it must for --inject to mean anything")
struct SSDChunkedMistakeTests {
    @Test("a wrong segsum or a skipped state pass is far from the recurrence", arguments: [SSDChunkedMistake.segsumOffByOne, .statePassingSkipped])
    func mistakesDiffer(mistake: SSDChunkedMistake) throws {
        var rng = SplitMix64(seed: 11)
        let inputs = try SSDInputs.random(length: 100, heads: 2, headDim: 4, stateSize: 8, rng: &rng)
        let wrong = try ssdChunked(inputs, chunk: 16, mistake: mistake)
        #expect(relativeDifference(wrong.elements, ssdRecurrent(inputs).elements) >= 1e-3)
        #expect(relativeDifference(try ssdChunked(inputs, chunk: 16).elements, ssdRecurrent(inputs).elements) <= 1e-12)
    }

    @Test("a skipped state pass is exactly the block-diagonal part of M: the quadratic form chunk by chunk")
    func skippedIsBlockDiagonal() throws {
        var rng = SplitMix64(seed: 12)
        let inputs = try SSDInputs.random(length: 40, heads: 1, headDim: 3, stateSize: 5, rng: &rng)
        let wrong = try ssdChunked(inputs, chunk: 10, mistake: .statePassingSkipped)    // (40, 3)
        for start in stride(from: 0, to: 40, by: 10) {
            let rows = start..<(start + 10)
            let piece = try SSDInputs(x: Matrix(rows: 10, cols: 3, elements: rows.flatMap { r in (0..<3).map { inputs.x[r, $0] } }),
                                      a: Matrix(rows: 10, cols: 1, elements: rows.map { inputs.a[$0, 0] }),
                                      b: Matrix(rows: 10, cols: 5, elements: rows.flatMap { r in (0..<5).map { inputs.b[r, $0] } }),
                                      c: Matrix(rows: 10, cols: 5, elements: rows.flatMap { r in (0..<5).map { inputs.c[r, $0] } }), heads: 1)
            let expected = ssdQuadratic(piece).elements
            let got = rows.flatMap { r in (0..<3).map { wrong[r, $0] } }
            #expect(relativeDifference(got, expected) <= 1e-12)
        }
    }
}

@Suite("The off-diagonal blocks of the SSD matrix M = L ∘ CBᵀ have rank ≤ N")
struct SemiseparableRankTests {
    @Test("every off-diagonal Q×Q block: σ_{N+1} ≈ 0, σ_N not", arguments: [2, 5])
    func rank(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let inputs = try SSDInputs.random(length: 48, heads: 1, headDim: 1, stateSize: n, rng: &rng)
        let mask = try ssdMask(inputs, head: 0)
        var scores = Matrix(zeros: 48, 48)
        gemm(1, inputs.c, inputs.b, transposeB: true, 0, &scores)
        let q = 16
        for i in 1..<3 {
            for j in 0..<i {
                var block = Matrix(zeros: q, q)
                for r in 0..<q { for c in 0..<q { block[r, c] = mask[i * q + r, j * q + c] * scores[i * q + r, j * q + c] } }
                let sigma = try singularValues(block)
                #expect(sigma[n] <= 1e-13 * sigma[0])
                #expect(sigma[n - 1] >= 1e-6 * sigma[0])
            }
        }
    }
}
