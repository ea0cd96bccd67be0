import Foundation
import PropertyBased
import Testing
@testable import StateSpace

// Initial and final states (issue 13): scanning [0, L) from h₋₁ equals scanning [0, T) from h₋₁
// and then [T, L) from the state the first piece returned — for the selective scan, the
// recurrent SSD and the chunked SSD — and the state returned is the recurrence's last state.

/// Rows `range` of a matrix, as a matrix.
func rows(_ m: Matrix, _ range: Range<Int>) throws -> Matrix {
    try Matrix(rows: range.count, cols: m.cols, elements: Array(m.elements[range.lowerBound * m.cols..<range.upperBound * m.cols]))
}

/// The selective scan's time steps `range` as inputs of their own.
func slice(_ s: SelectiveScanInputs, _ range: Range<Int>) throws -> SelectiveScanInputs {
    try SelectiveScanInputs(x: rows(s.x, range), delta: rows(s.delta, range), a: s.a, b: rows(s.b, range), c: rows(s.c, range), skip: s.skip)
}

/// The SSD's time steps `range` as inputs of their own.
func slice(_ s: SSDInputs, _ range: Range<Int>) throws -> SSDInputs {
    try SSDInputs(x: rows(s.x, range), a: rows(s.a, range), b: rows(s.b, range), c: rows(s.c, range), heads: s.heads, groups: s.groups)
}

/// The selective recurrence from h₋₁, written out with scalar loops and Foundation's exp: the
/// reference the library's initial state is checked against. Returns y (L, D) and h_{L−1} (D, N).
func referenceSelectiveScan(_ s: SelectiveScanInputs, from h0: Matrix) -> (y: Matrix, final: Matrix) {
    let (l, dd, n) = (s.length, s.channels, s.stateSize)
    var y = Matrix(zeros: l, dd), h = h0                               // (L, D), (D, N)
    for t in 0..<l {
        for d in 0..<dd {
            var out = s.skip[d] * s.x[t, d]
            for i in 0..<n {
                h[d, i] = exp(s.delta[t, d] * s.a[d, i]) * h[d, i] + s.delta[t, d] * s.b[t, i] * s.x[t, d]
                out += s.c[t, i] * h[d, i]
            }
            y[t, d] = out
        }
    }
    return (y, h)
}

/// A selective case, a split point T ∈ [1, L) (drawn as a fraction of L) and whether h₋₁ is
/// random (N(0, 1)) or zero.
struct SplitCase: CustomStringConvertible {
    let scan: SelectiveCase
    let split: Double
    let randomStart: Bool
    var description: String { "\(scan), split at \(split) of L, random h₋₁ \(randomStart)" }
    var point: Int { max(1, min(scan.length - 1, Int(split * Double(scan.length)))) }
    func initialState() throws -> Matrix {
        var rng = SplitMix64(seed: scan.data ^ 0x1_517)
        return try randomStart ? gaussianMatrix(scan.channels, scan.stateSize, rng: &rng) : Matrix(zeros: scan.channels, scan.stateSize)
    }
    static let generator = zip(SelectiveCase.generator, Gen.double(in: 0...1), Gen.bool(0.8))
        .map { SplitCase(scan: $0.0, split: $0.1, randomStart: $0.2) }
}

/// Whole = reference, and whole = two pieces (the second from the first's final state), for y
/// and the final state.
///
/// Tolerance (u = 2⁻⁵³), elementwise: as `selectiveProperty`, 2(9L + N)·u times the magnitude of
/// each output's terms — here including the carried state's C·(∏Ā)·h₋₁, i.e. the same scan on
/// |x|, |B|, |C|, |D| from |h₋₁|; the final state against the magnitude of its own terms.
/// (The pieces repeat the whole scan's operations in the same order, so they agree exactly in
/// practice; the reference differs by libmvec's exp against Foundation's.)
func splitProperty(_ c: SplitCase, secondStart: ((Matrix) -> Matrix?) = { $0 }) throws -> [Comparison] {
    let inputs = try c.scan.inputs()
    let h0 = try c.initialState()
    let positive = try SelectiveScanInputs(x: absolute(inputs.x), delta: inputs.delta, a: inputs.a, b: absolute(inputs.b),
                                           c: absolute(inputs.c), skip: inputs.skip.map(abs))
    let magnitudes = try selectiveScan(positive, initialState: absolute(h0))
    let factor = 2 * Double(9 * c.scan.length + c.scan.stateSize) * unitRoundoff
    let (yTolerances, hTolerances) = (magnitudes.y.elements.map { factor * $0 }, magnitudes.finalState.elements.map { factor * $0 })
    let whole = try selectiveScan(inputs, initialState: h0, threads: c.scan.threads)
    let reference = referenceSelectiveScan(inputs, from: h0)
    var comparisons = [
        compareElementwise("y from h₋₁ − reference", whole.y.elements, reference.y.elements, tolerances: yTolerances),
        compareElementwise("final state − reference", whole.finalState.elements, reference.final.elements, tolerances: hTolerances),
    ]
    guard c.scan.length >= 2 else { return comparisons }
    let t = c.point
    let first = try selectiveScan(try slice(inputs, 0..<t), initialState: h0, threads: c.scan.threads)
    let second = try selectiveScan(try slice(inputs, t..<c.scan.length), initialState: secondStart(first.finalState), threads: c.scan.threads)
    comparisons += [
        compareElementwise("[0, T) then [T, L) − [0, L): y", first.y.elements + second.y.elements, whole.y.elements, tolerances: yTolerances),
        compareElementwise("[0, T) then [T, L) − [0, L): final state", second.finalState.elements, whole.finalState.elements, tolerances: hTolerances),
    ]
    return comparisons
}

/// An SSD case, a split point T ∈ [1, T_total) and whether h₋₁ is random or zero.
struct SSDSplitCase: CustomStringConvertible {
    let ssd: SSDCase
    let split: Double
    let randomStart: Bool
    var description: String { "\(ssd), split at \(split) of T, random h₋₁ \(randomStart)" }
    var point: Int { max(1, min(ssd.length - 1, Int(split * Double(ssd.length)))) }
    var stateRows: Int { ssd.heads * ssd.headDim }
    func initialState() throws -> Matrix {
        var rng = SplitMix64(seed: ssd.data ^ 0x55D_517)
        return try randomStart ? gaussianMatrix(stateRows, ssd.stateSize, rng: &rng) : Matrix(zeros: stateRows, ssd.stateSize)
    }
    static let generator = zip(SSDCase.generator, Gen.double(in: 0...1), Gen.bool(0.8))
        .map { SSDSplitCase(ssd: $0.0, split: $0.1, randomStart: $0.2) }
}

/// Chunked from h₋₁ = recurrent from h₋₁ (two independent ways the state enters: step 4's GEMM
/// against the recurrence's first step), and both = two pieces, for Y and the final state.
///
/// Tolerance: as `ssdProperty`, 4(2T + N + 16)·u times the magnitude of each output's terms
/// with √a in place of a — including the carried state's, i.e. the recurrent SSD on |X|, √a,
/// |B|, |C| from |h₋₁|; the final state against the same scan's final state.
func ssdSplitProperty(_ c: SSDSplitCase) throws -> [Comparison] {
    let inputs = try c.ssd.inputs()
    let h0 = try c.initialState()
    let roots = try Matrix(rows: c.ssd.length, cols: c.ssd.heads, elements: inputs.a.elements.map { $0.squareRoot() })
    let magnitudes = try ssdRecurrent(try SSDInputs(x: absolute(inputs.x), a: roots, b: absolute(inputs.b), c: absolute(inputs.c),
                                                    heads: c.ssd.heads, groups: c.ssd.groups), initialState: absolute(h0))
    let factor = 4 * Double(2 * c.ssd.length + c.ssd.stateSize + 16) * unitRoundoff
    let (yTolerances, hTolerances) = (magnitudes.y.elements.map { factor * $0 }, magnitudes.finalState.elements.map { factor * $0 })
    let recurrent = try ssdRecurrent(inputs, initialState: h0, threads: c.ssd.threads)
    let chunked = try ssdChunked(inputs, chunk: c.ssd.chunk, initialState: h0, threads: c.ssd.threads)
    var comparisons = [
        compareElementwise("chunked − recurrent from h₋₁: Y", chunked.y.elements, recurrent.y.elements, tolerances: yTolerances),
        compareElementwise("chunked − recurrent from h₋₁: final state", chunked.finalState.elements, recurrent.finalState.elements, tolerances: hTolerances),
    ]
    guard c.ssd.length >= 2 else { return comparisons }
    let t = c.point
    let (head, tail) = (try slice(inputs, 0..<t), try slice(inputs, t..<c.ssd.length))
    let first = try ssdChunked(head, chunk: c.ssd.chunk, initialState: h0, threads: c.ssd.threads)
    let second = try ssdChunked(tail, chunk: c.ssd.chunk, initialState: first.finalState, threads: c.ssd.threads)
    let firstR = try ssdRecurrent(head, initialState: h0), secondR = try ssdRecurrent(tail, initialState: firstR.finalState)
    comparisons += [
        compareElementwise("chunked [0, T) then [T, L) − recurrent [0, L): Y", first.y.elements + second.y.elements, recurrent.y.elements, tolerances: yTolerances),
        compareElementwise("chunked pieces: final state", second.finalState.elements, recurrent.finalState.elements, tolerances: hTolerances),
        compareElementwise("recurrent [0, T) then [T, L): Y", firstR.y.elements + secondR.y.elements, recurrent.y.elements, tolerances: yTolerances),
        compareElementwise("recurrent pieces: final state", secondR.finalState.elements, recurrent.finalState.elements, tolerances: hTolerances),
    ]
    return comparisons
}

@Suite("Initial and final states: scanning in pieces")
struct InitialStateTests {
    @Test("selective scan: from h₋₁ = reference; [0, T) then [T, L) = [0, L) (300 cases, random T, L ≤ 521, 1–3 threads)")
    func selectivePieces() async {
        let run = await checkProperty("selective scan in pieces", count: 300, seed: 0x1_517, input: SplitCase.generator) { try splitProperty($0) }
        #expect(run.cases.contains { $0.scan.length >= 2 && $0.randomStart } && run.cases.contains { !$0.randomStart })
    }

    /// The second piece started from zero instead of the returned state.
    @Test("caught: the second piece ignores the returned state")
    func ignoredStateIsCaught() async {
        await expectCaught {
            await checkProperty("selective scan in pieces, second from zero", count: 300, seed: 0x1_517, input: SplitCase.generator) {
                try splitProperty($0) { _ in nil }
            }
        }
    }

    @Test("SSD: chunked from h₋₁ = recurrent from h₋₁; [0, T) then [T, L) = [0, L) for both (200 cases, T ≤ 384, any Q)")
    func ssdPieces() async {
        let run = await checkProperty("SSD in pieces", count: 200, seed: 0x55D_517, input: SSDSplitCase.generator) { try ssdSplitProperty($0) }
        #expect(run.cases.contains { $0.ssd.length >= 2 && $0.randomStart && $0.ssd.chunk < $0.point })
    }

    @Test("the final state from a zero start is the recurrence's last state (selectiveStates)")
    func finalIsLastState() throws {
        let inputs = try randomInputs(length: 37, channels: 5, stateSize: 6, seed: 7)
        let (y, final) = try selectiveScan(inputs, initialState: nil, threads: 2)
        #expect(y.elements == selectiveScan(inputs, threads: 2).elements)
        for d in 0..<5 {
            let states = try selectiveStates(inputs, channel: d)      // (L, N)
            #expect(maxAbsDifference((0..<6).map { final[d, $0] }, (0..<6).map { states[36, $0] }) <= 1e-14)
        }
    }

    @Test("bad initial states: wrong shape, NaN, too large — each named")
    func badInitialStates() throws {
        let inputs = try randomInputs(length: 8, channels: 3, stateSize: 4, seed: 3)
        #expect(throws: StateSpaceError.shapeMismatch(name: "initial state h (D, N)", expected: "3×4", actual: "4×3")) {
            try selectiveScan(inputs, initialState: Matrix(zeros: 4, 3))
        }
        var nan = Matrix(zeros: 3, 4)
        nan[1, 2] = .nan
        #expect(throws: StateSpaceError.self) { try selectiveScan(inputs, initialState: nan) }
        var huge = Matrix(zeros: 3, 4)
        huge[0, 0] = 1e308
        do {
            _ = try selectiveScan(inputs, initialState: huge)
            Issue.record("a 1e308 initial state was accepted")
        } catch let error as StateSpaceError {
            #expect("\(error)".contains("initial state") && "\(error)".contains("2¹⁰²¹"))
        }
        var rng = SplitMix64(seed: 2)
        let ssd = try SSDInputs.random(length: 10, heads: 2, headDim: 3, stateSize: 4, rng: &rng)
        #expect(throws: StateSpaceError.shapeMismatch(name: "initial state h (H·P, N)", expected: "6×4", actual: "2×4")) {
            try ssdChunked(ssd, chunk: 4, initialState: Matrix(zeros: 2, 4))
        }
        #expect(throws: StateSpaceError.self) { try ssdRecurrent(ssd, initialState: Matrix(zeros: 6, 5)) }
    }
}
