import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// One SSD layer (Mamba-2) and a chunk size. Shapes: T, H heads of dimension P, state N, G
/// groups (a divisor of H: 1 = shared B/C, H = per head). Parameters in `SSDInputs`'s allowed
/// range: X ~ N(0, 1), B, C ~ N(0, 1/N), a = exp(−U[0, Δmax]) ∈ (0, 1] with Δmax log-uniform in
/// [1e-3, 3] — or a ≡ 1 (causal linear attention). Q is 1, between 2 and T − 1 (T mostly not a
/// multiple of it), exactly T, or beyond T.
struct SSDCase: CustomStringConvertible {
    let length: Int
    let heads: Int
    let headDim: Int
    let stateSize: Int
    let groups: Int
    let chunk: Int
    let threads: Int
    let largestStep: Double
    let noDecay: Bool
    let data: UInt64

    var description: String {
        "T = \(length), H = \(heads), P = \(headDim), N = \(stateSize), G = \(groups), Q = \(chunk), threads \(threads), "
            + (noDecay ? "a ≡ 1" : "Δ ≤ \(largestStep)") + ", data seed \(data)"
    }

    func inputs() throws -> SSDInputs {
        var rng = SplitMix64(seed: data)
        let x = try gaussianMatrix(length, heads * headDim, rng: &rng)
        let scale = 1 / Double(stateSize).squareRoot()
        let b = try Matrix(rows: length, cols: groups * stateSize, elements: gaussianArray(length * groups * stateSize, rng: &rng).map { $0 * scale })
        let c = try Matrix(rows: length, cols: groups * stateSize, elements: gaussianArray(length * groups * stateSize, rng: &rng).map { $0 * scale })
        let a = try Matrix(rows: length, cols: heads, elements: (0..<length * heads).map { _ in
            noDecay ? 1 : exp(-Double.random(in: 0...largestStep, using: &rng))
        })
        return try SSDInputs(x: x, a: a, b: b, c: c, heads: heads, groups: groups)
    }

    /// Q from a kind (0: 1, 1: 2…T−1, 2: T, 3: T+1…T+8) and a raw draw; shrinks towards Q = 1.
    static func chunk(kind: Int, raw: Int, length t: Int) -> Int {
        switch kind {
        case 0: 1
        case 1: 2 + raw % max(1, t - 2)
        case 2: t
        default: t + 1 + raw % 8
        }
    }

    static let generator = zip(
        lengthGenerator(upTo: 384), Gen.int(in: 1...4), Gen.int(in: 1...8), Gen.int(in: 1...16), Gen.int(in: 0...3),
        zip(Gen.int(in: 0...3), Gen.int(in: 0...1000)), Gen.int(in: 1...3), logUniform(-3...0.5), Gen.bool(0.15), dataSeed
    ).map { t in
        let divisors = (1...t.1).filter { t.1 % $0 == 0 }
        return SSDCase(length: t.0, heads: t.1, headDim: t.2, stateSize: t.3, groups: divisors[t.4 % divisors.count],
                       chunk: chunk(kind: t.5.0, raw: t.5.1, length: t.0), threads: t.6, largestStep: t.7, noDecay: t.8,
                       data: t.9)
    }
}

/// Recurrent = quadratic (masked attention) = chunked SSD.
///
/// Tolerance (u = 2⁻⁵³), elementwise: each term of y_t is x_s·(B_s·C_t)·a_t⋯a_{s+1}. The
/// recurrence forms the decay as a product (≤ T roundings); the quadratic and chunked forms as
/// exp of a sum of ≤ T logs (`segsum`), whose rounding T·u·|S| in the exponent S is a relative
/// error T·u·|S| of a term of size m·e^{−|S|} — at most T·u·m·e^{−|S|/2}, i.e. T·u times the
/// term with √a in place of a. The sums over ≤ T steps and N state entries add (T + N)·u, and
/// libmvec's exp ≤ 8u. So each y_t is within (2T + N + 16)·u of the magnitude of its terms
/// taken with √a (`ssdRecurrent` of |X|, √a, |B|, |C|, all non-negative). We allow 4×.
func ssdProperty(_ c: SSDCase,
                 chunked: (SSDInputs, Int, Int) throws -> Matrix = { try ssdChunked($0, chunk: $1, threads: $2) }) throws -> [Comparison] {
    let inputs = try c.inputs()
    let recurrent = ssdRecurrent(inputs)
    let magnitudes = ssdRecurrent(try SSDInputs(x: absolute(inputs.x), a: Matrix(rows: c.length, cols: c.heads, elements: inputs.a.elements.map { $0.squareRoot() }),
                                                b: absolute(inputs.b), c: absolute(inputs.c), heads: c.heads, groups: c.groups))
    let tolerances = magnitudes.elements.map { 4 * Double(2 * c.length + c.stateSize + 16) * unitRoundoff * $0 }
    return [
        compareElementwise("quadratic − recurrent", ssdQuadratic(inputs).elements, recurrent.elements, tolerances: tolerances),
        compareElementwise("chunked − recurrent", try chunked(inputs, c.chunk, c.threads).elements, recurrent.elements, tolerances: tolerances),
    ]
}

@Suite("Property: SSD recurrent = quadratic = chunked")
struct SSDProperties {
    @Test("recurrent = quadratic = chunked (300 cases, T ≤ 384, H ≤ 4, P ≤ 8, N ≤ 16, G | H, Q = 1 / < T / = T / > T)")
    func threeForms() async {
        let run = await checkProperty("SSD", count: 300, seed: 0x55D, input: SSDCase.generator) { try ssdProperty($0) }
        expectCoverage(run.cases.map(\.length))
        #expect(run.cases.contains { $0.chunk == 1 && $0.length > 1 })
        #expect(run.cases.contains { $0.chunk > $0.length } && run.cases.contains { $0.chunk == $0.length && $0.length > 1 })
        #expect(run.cases.contains { $0.chunk > 1 && $0.chunk < $0.length && $0.length % $0.chunk != 0 })
        #expect(run.cases.contains { $0.groups > 1 } && run.cases.contains(where: \.noDecay))
    }

    /// Chunks computed as if each started from a zero state: the chunked algorithm without its
    /// state passing (steps 3 and 4). Right for one chunk (Q ≥ T), wrong as soon as there are two.
    @Test("caught: a chunked SSD that drops the state passed between chunks")
    func droppedStatePassingIsCaught() async {
        await expectCaught {
            await checkProperty("SSD without state passing", count: 300, seed: 0x55D, input: SSDCase.generator) {
                try ssdProperty($0) { inputs, q, _ in try chunksFromZeroState(inputs, chunk: q) }
            }
        }
    }
}

/// Each chunk of Q steps by the quadratic form on its own rows alone: the wrong ingredient above.
func chunksFromZeroState(_ inputs: SSDInputs, chunk q: Int) throws -> Matrix {
    let (t, hp) = (inputs.length, inputs.x.cols)
    var y = Matrix(zeros: t, hp)                                       // (T, H·P)
    func rows(_ m: Matrix, _ range: Range<Int>) throws -> Matrix {
        try Matrix(rows: range.count, cols: m.cols, elements: Array(m.elements[range.lowerBound * m.cols..<range.upperBound * m.cols]))
    }
    for start in stride(from: 0, to: t, by: q) {
        let range = start..<min(start + q, t)
        let part = try SSDInputs(x: rows(inputs.x, range), a: rows(inputs.a, range), b: rows(inputs.b, range),
                                 c: rows(inputs.c, range), heads: inputs.heads, groups: inputs.groups)
        let local = ssdQuadratic(part)                                 // (q, H·P)
        y.elements.replaceSubrange(start * hp..<range.upperBound * hp, with: local.elements)
    }
    return y
}
