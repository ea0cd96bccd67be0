import Foundation
import Testing
@testable import StateSpace

@Suite("SSD (Mamba-2): recurrent, quadratic, chunked")
struct DualityTests {
    @Test("recurrent = quadratic = chunked, shared and per-head B/C, T not a multiple of Q",
          arguments: [(1, 1, 1, 1, 1, 1), (10, 2, 3, 4, 1, 4), (100, 4, 8, 16, 2, 16), (257, 3, 5, 7, 3, 32), (300, 8, 16, 16, 1, 64)])
    func threeForms(shape: (Int, Int, Int, Int, Int, Int)) throws {
        let (t, h, p, n, g, q) = shape
        var rng = SplitMix64(seed: UInt64(t * 7 + h))
        let inputs = try SSDInputs.random(length: t, heads: h, headDim: p, stateSize: n, groups: g, rng: &rng)
        let recurrent = ssdRecurrent(inputs)
        // Exact rewritings; rounding differs in summation order only.
        #expect(relativeDifference(ssdQuadratic(inputs).elements, recurrent.elements) <= 1e-12)
        let chunked = try ssdChunked(inputs, chunk: q)
        #expect(relativeDifference(chunked.elements, recurrent.elements) <= 1e-12)
        #expect(relativeDifference(try ssdChunked(inputs, chunk: q, threads: 2).elements, chunked.elements) <= 1e-15)
        #expect(relativeDifference(try ssdChunked(inputs, chunk: t).elements, chunked.elements) <= 1e-12)
        #expect(relativeDifference(ssdRecurrent(inputs, threads: 2).elements, recurrent.elements) <= 1e-15)
    }

    @Test("a ≡ 1 is causal linear attention, written directly")
    func linearAttention() throws {
        var rng = SplitMix64(seed: 3)
        let r = try SSDInputs.random(length: 50, heads: 1, headDim: 4, stateSize: 6, rng: &rng)
        let ones = try SSDInputs(x: r.x, a: Matrix(rows: 50, cols: 1, elements: [Double](repeating: 1, count: 50)), b: r.b, c: r.c, heads: 1)
        let attention = try causalLinearAttention(q: r.c, k: r.b, v: r.x)
        #expect(relativeDifference(try ssdChunked(ones, chunk: 8).elements, attention.elements) <= 1e-12)
        #expect(relativeDifference(ssdRecurrent(ones).elements, attention.elements) <= 1e-12)
        #expect(throws: StateSpaceError.self) { try causalLinearAttention(q: r.c, k: r.x, v: r.x) }
    }

    @Test("segsum: stable = naive for short sequences; L = exp(segsum) is the decay mask")
    func segsumBasics() throws {
        let logA = [-0.1, -0.2, -0.05, -0.3]
        let stable = try segsum(logA), naive = try segsumNaive(logA)
        for i in 0..<16 where stable[i].isFinite { #expect(abs(stable[i] - naive[i]) <= 1e-16) }
        #expect(stable[3 * 4 + 1] == -0.05 + -0.3)                     // rows 2…3 summed: log a₂ + log a₃
        #expect(stable[1 * 4 + 2] == -.infinity && stable[2 * 4 + 2] == 0)
    }

    @Test("segsumNaive: a cumulative sum that overflows is refused by name (it gave −∞ − (−∞) = NaN); the stable form has no such limit")
    func segsumNaiveOverflow() throws {
        let error = #expect(throws: StateSpaceError.self) { try segsumNaive([-1e308, -1e308, -1e308]) }
        #expect(error?.description.contains("log a[0] = -1e+308") == true)
        #expect(error?.description.contains("S_1") == true)                 // where the sum left Double
        let single = #expect(throws: StateSpaceError.self) { try segsumNaive([Float(-1), -3e38, -3e38]) }
        #expect(single?.description.contains("log a[1] = -3e+38") == true)
        #expect(single?.description.contains("Float") == true)
        // Just inside the range: S_2 = −3e307 is finite, so every difference is finite.
        let near = try segsumNaive([-1e307, -1e307, -1e307])
        #expect(near.allSatisfy { !$0.isNaN })
        #expect(abs(near[2 * 3 + 0] + 2e307) <= 1e292)                  // S_2 − S_0, up to the cancellation
        // The stable form sums each range term by term: the same input gives −∞ (a decay of 0), never NaN.
        #expect(try segsum([-1e308, -1e308, -1e308]).allSatisfy { !$0.isNaN })
    }

    @Test("every size the SSD code allocates from is capped at 2^30 numbers, by name, before allocating")
    func allocationCaps() throws {
        var rng = SplitMix64(seed: 5)
        let long = try SSDInputs.random(length: 40_000, heads: 1, headDim: 1, stateSize: 1, rng: &rng)
        let chunk = #expect(throws: StateSpaceError.self) { try ssdChunked(long, chunk: .max) }
        #expect(chunk?.description.contains("chunk size Q = \(Int.max)") == true)
        #expect(try ssdChunked(long, chunk: 64).elements.count == 40_000)          // a sensible chunk still runs
        let mask = #expect(throws: StateSpaceError.self) { try ssdMask(long, head: 0) }
        #expect(mask?.description.contains("sequence length T = 40000") == true)
        let short = try SSDInputs.random(length: 1 << 15, heads: 1, headDim: 1, stateSize: 1, rng: &rng)
        #expect(throws: Never.self) { try requireChunk(1 << 15, threads: 1, short) }   // exactly 2^30: allowed
        #expect(throws: StateSpaceError.self) { try segsum([Float](repeating: -1, count: (1 << 15) + 1)) }
    }

    @Test("ssdQuadratic past T = 2^15 stops with a message naming T (it aborted in the allocator)")
    func quadraticLengthPrecondition() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = SplitMix64(seed: 6)
            _ = ssdQuadratic(try SSDInputs.random(length: (1 << 15) + 1, heads: 1, headDim: 1, stateSize: 1, rng: &rng))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("sequence length T = 32769"))
    }

    @Test("segsum in Float: the stable sums stay at rounding level where the naive ones do not")
    func segsumFloat() throws {
        var rng = SplitMix64(seed: 4)
        let t = 2048
        let logA = (0..<t).map { _ in -Double.random(in: 0.001...0.1, using: &rng) }
        // Double's stable sums (error ~1e-15) are exact as far as Float's (~1e-7) can tell; no
        // Float80, which arm64 does not have.
        let reference = try segsum(logA)
        let stable = try segsum(logA.map { Float($0) }), naive = try segsumNaive(logA.map { Float($0) })
        var worstStable = 0.0, worstNaive = 0.0
        for row in stride(from: 1, to: t, by: 7) {
            for s in stride(from: max(0, row - 64), to: row, by: 3) {  // short ranges late in the sequence
                let ref = reference[row * t + s]
                worstStable = max(worstStable, abs((Double(stable[row * t + s]) - ref) / ref))
                worstNaive = max(worstNaive, abs((Double(naive[row * t + s]) - ref) / ref))
            }
        }
        #expect(worstStable <= 1e-5)                                   // ≤ 64 roundings of Float (ε ≈ 6e-8)
        #expect(worstNaive >= 10 * worstStable)
    }

    #if arch(x86_64)
    @Test("segsum in Float80 (x86_64 only) agrees with Double's to Double's rounding")
    func segsumExtended() throws {
        let logA = (0..<300).map { -0.001 - 0.099 * Double(($0 * 37) % 101) / 100 }
        let extended = try segsum(logA.map { Float80($0) }), double = try segsum(logA)
        for i in extended.indices where extended[i].isFinite { #expect(abs(Double(extended[i]) - double[i]) <= 1e-13) }
    }
    #endif

    @Test("bad input: a outside (0, 1], Q ≤ 0, shapes, NaN, groups not dividing heads")
    func errors() throws {
        var rng = SplitMix64(seed: 5)
        let r = try SSDInputs.random(length: 6, heads: 2, headDim: 2, stateSize: 3, rng: &rng)
        for bad in [0.0, 1.5, -0.2, .nan] {
            var a = r.a
            a[2, 1] = bad
            let error = #expect(throws: StateSpaceError.self) { try SSDInputs(x: r.x, a: a, b: r.b, c: r.c, heads: 2) }
            #expect(error?.description.contains("a[2, 1]") == true)
        }
        #expect(throws: StateSpaceError.invalidParameter(name: "chunk size Q", value: "0", allowed: "must be a positive integer (≥ 1)")) {
            try ssdChunked(r, chunk: 0)
        }
        #expect(throws: StateSpaceError.self) { try SSDInputs(x: r.x, a: r.a, b: r.b, c: Matrix(zeros: 5, 3), heads: 2) }
        #expect(throws: StateSpaceError.self) { try SSDInputs(x: r.x, a: r.a, b: r.b, c: r.c, heads: 3) }
        #expect(throws: StateSpaceError.self) { try SSDInputs(x: r.x, a: r.a, b: r.b, c: r.c, heads: 2, groups: 3) }
        var x = r.x
        x[0, 0] = .infinity
        #expect(throws: StateSpaceError.self) { try SSDInputs(x: x, a: r.a, b: r.b, c: r.c, heads: 2) }
    }

    @Test("FLOP model: chunked with Q = 1 is the recurrence's order, with Q = T the quadratic's")
    func flops() throws {
        let (t, h, p, n) = (1024, 4, 32, 16)
        #expect(try SSDFlops.recurrent(t: t, h: h, p: p, n: n) == 5 * 1024 * 4 * 32 * 16)
        let full = try SSDFlops.chunked(t: t, h: h, p: p, n: n, q: t), quadratic = try SSDFlops.quadratic(t: t, h: h, p: p, n: n)
        #expect(full >= quadratic && full <= 1.1 * quadratic)
        #expect(try SSDFlops.chunkedGEMM(t: t, h: h, p: p, n: n, q: 64) < SSDFlops.chunked(t: t, h: h, p: p, n: n, q: 64))
    }
}

@Suite("SSD chunked: output into a reused buffer, and the profile")
struct SSDChunkedExtrasTests {
    @Test("into: the same numbers as the allocating call; a wrong-shaped output is refused")
    func into() throws {
        var rng = SplitMix64(seed: 12)
        let inputs = try SSDInputs.random(length: 90, heads: 2, headDim: 3, stateSize: 5, rng: &rng)
        var output = Matrix(zeros: 90, 6)
        try ssdChunked(inputs, chunk: 16, threads: 2, into: &output)
        #expect(output == (try ssdChunked(inputs, chunk: 16, threads: 2)))
        var wrong = Matrix(zeros: 90, 5)
        #expect(throws: StateSpaceError.self) { try ssdChunked(inputs, chunk: 16, into: &wrong) }
    }

    @Test("the profile counts exactly the model's GEMM flops")
    func profile() throws {
        var rng = SplitMix64(seed: 13)
        let inputs = try SSDInputs.random(length: 256, heads: 4, headDim: 8, stateSize: 8, rng: &rng)
        let single = SSDProfile()
        _ = try ssdChunked(inputs, chunk: 32, threads: 1, profile: single)
        #expect(try single.gemmFlops == SSDFlops.chunkedGEMM(t: 256, h: 4, p: 8, n: 8, q: 32))
        #expect(single.gemmShare > 0 && single.gemmShare <= 1)
        // Two workers each compute the shared C Bᵀ of every chunk: 8 chunks × 2·Q²·N more.
        let double = SSDProfile()
        _ = try ssdChunked(inputs, chunk: 32, threads: 2, profile: double)
        #expect(double.gemmFlops == single.gemmFlops + 8 * 2 * 32 * 32 * 8)
    }
}
