import Foundation
import PropertyBased
import Testing
@testable import StateSpace

/// A selective copying task and a batch seed: body 1…120, k ≤ body (k = body included: no
/// noise at all), V 2…20, B 1…6.
private struct CopyingCase: CustomStringConvertible {
    let body: Int, k: Int, vocabulary: Int, batch: Int, seed: UInt64
    var description: String { "body \(body), k \(k), V \(vocabulary), B \(batch), seed \(seed)" }

    static let generator = zip(Gen.int(in: 1...120), Gen.double(in: 0...1), Gen.int(in: 2...20), Gen.int(in: 1...6), dataSeed)
        .map { CopyingCase(body: $0.0, k: max(1, Int((Double($0.0) * $0.1).rounded())), vocabulary: $0.2, batch: $0.3, seed: $0.4) }
}

/// Every invariant of one selective copying batch, as comparisons (0 = holds).
private func copyingInvariants(_ c: CopyingCase) throws -> [Comparison] {
    let task = try SelectiveCopyingTask(bodyLength: c.body, dataCount: c.k, dataVocabulary: c.vocabulary)
    var rng = SplitMix64(seed: c.seed)
    let batch = try task.batch(c.batch, rng: &rng)
    var violations: [String: Int] = [:]
    func check(_ name: String, _ ok: Bool) { if !ok { violations[name, default: 0] += 1 } }
    check("array sizes", batch.tokens.count == c.batch * task.length && batch.targets.count == batch.tokens.count
          && batch.mask.count == batch.tokens.count && batch.dataPositions.count == c.batch * c.k && batch.data.count == c.batch * c.k)
    for s in 0..<c.batch {
        let tokens = Array(batch.tokens[s * task.length..<(s + 1) * task.length])
        let positions = Array(try batch.dataPositions(ofSequence: s))
        check("positions increasing, inside the body", zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 } && positions.allSatisfy { (0..<c.body).contains($0) })
        check("exactly k data tokens in the body, at the positions", (0..<c.body).filter { task.dataTokens.contains(tokens[$0]) } == positions)
        check("noise elsewhere in the body", (0..<c.body).allSatisfy { positions.contains($0) || tokens[$0] == task.noiseToken })
        check("k markers at the end", tokens[c.body...].allSatisfy { $0 == task.markerToken })
        check("data = the tokens at the positions, in order", positions.map { tokens[$0] } == Array(batch.data[s * c.k..<(s + 1) * c.k]))
        for j in 0..<c.k {
            let row = batch.queryRow(sequence: s, query: j)
            check("target at marker j = data token j", batch.targets[row] == batch.data[s * c.k + j])
        }
        let mask = Array(batch.mask[s * task.length..<(s + 1) * task.length])
        check("mask: 1 exactly on the k markers", mask == (0..<task.length).map { $0 >= c.body ? 1 : 0 })
        check("targets: noise where unscored", (0..<c.body).allSatisfy { batch.targets[s * task.length + $0] == task.noiseToken })
    }
    check("ids inside the vocabulary", batch.tokens.allSatisfy { (0..<task.vocabularySize).contains($0) })
    return violations.map { Comparison(name: "\($0.key) (\($0.value) violations)", error: Double($0.value), tolerance: 0) }
}

@Suite("Tasks: selective copying and induction heads generators, scoring")
struct TaskGeneratorTests {
    @Test("selective copying: invariants on 200 random settings")
    func copyingProperty() async {
        let run = await checkProperty("selective copying invariants", count: 200, seed: 0x7A5C_0001, input: CopyingCase.generator) { try copyingInvariants($0) }
        #expect(run.cases.contains { $0.k == $0.body } && run.cases.contains { $0.k == 1 })
    }

    @Test("selective copying: seeded determinism, the paper's and our settings")
    func copyingDeterminism() throws {
        let task = SelectiveCopyingTask.cpu
        #expect(task.length == 64 && task.dataCount == 8 && task.vocabularySize == 10 && task.markerToken == 9)
        #expect(SelectiveCopyingTask.paper.length == 4096 && SelectiveCopyingTask.paper.vocabularySize == 16 && SelectiveCopyingTask.paper.dataCount == 16)
        #expect(try SelectiveCopyingTask() == task)
        var a = SplitMix64(seed: 11), b = SplitMix64(seed: 11), c = SplitMix64(seed: 12)
        let first = try task.batch(4, rng: &a)
        #expect(first == (try task.batch(4, rng: &b)))
        #expect(first.tokens != (try task.batch(4, rng: &c)).tokens)
        #expect(first != (try task.batch(4, rng: &a)))                // the stream moves on
    }

    /// Every body position is equally likely to hold data: 4000 sequences of the CPU task put
    /// 8/56 of them at each position, 571 on average with σ ≈ 22; all within ±5σ (a generator
    /// that favoured the start, as "first k positions" would, fails by hundreds of σ).
    /// Data tokens: each of the 8 ids 4000 times on average (σ ≈ 59), all within ±5σ.
    @Test("selective copying: positions and data tokens uniform")
    func copyingUniform() throws {
        var rng = SplitMix64(seed: 3)
        let batch = try SelectiveCopyingTask.cpu.batch(4000, rng: &rng)
        var atPosition = [Int](repeating: 0, count: 56), ofToken = [Int](repeating: 0, count: 10)
        for p in batch.dataPositions { atPosition[p] += 1 }
        for d in batch.data { ofToken[d] += 1 }
        #expect(atPosition.allSatisfy { abs(Double($0) - 4000 * 8 / 56) <= 5 * 22 }, "\(atPosition)")
        #expect(ofToken[1...8].allSatisfy { abs(Double($0) - 4000) <= 5 * 59 } && ofToken[0] == 0 && ofToken[9] == 0, "\(ofToken)")
    }

    @Test("selective copying: bad settings are refused with their names")
    func copyingBadInput() throws {
        var rng = SplitMix64(seed: 1)
        for (body, k, v) in [(10, 0, 8), (7, 8, 8), (56, 8, 1), (56, 8, 0), (-1, 1, 8), (1 << 62, 1 << 62, 8)] {
            #expect(throws: StateSpaceError.self, "body \(body), k \(k), V \(v)") { try SelectiveCopyingTask(bodyLength: body, dataCount: k, dataVocabulary: v) }
        }
        do {
            _ = try SelectiveCopyingTask(bodyLength: 7, dataCount: 8)
        } catch let error as StateSpaceError {
            #expect(error.description.contains("body length = 7") && error.description.contains("≥ k = 8"))
        }
        #expect(throws: StateSpaceError.self) { try SelectiveCopyingTask.cpu.batch(0, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try SelectiveCopyingTask.cpu.batch(1 << 40, rng: &rng) }
    }

    /// Induction heads: s exactly twice (at p and L−1), the key after the first s, the target at
    /// L−1 is that key, next-token targets elsewhere, mask only at L−1; lengths 3…300, V 2…20.
    @Test("induction heads: invariants on 200 random settings")
    func inductionProperty() async {
        let input = zip(Gen.int(in: 3...300), Gen.int(in: 2...20), Gen.int(in: 1...5), dataSeed)
        await checkProperty("induction heads invariants", count: 200, seed: 0x7A5C_0002, input: input) { l, v, b, seed in
            let task = try InductionHeadsTask(vocabulary: v)
            var rng = SplitMix64(seed: seed)
            let batch = try task.batch(length: l, size: b, rng: &rng)
            var bad = 0
            for s in 0..<b {
                let tokens = Array(batch.tokens[s * l..<(s + 1) * l]), p = batch.sequences.triggerPositions[s]
                let specials = tokens.indices.filter { tokens[$0] == task.specialToken }
                if specials != [p, l - 1] || tokens[p + 1] != batch.sequences.keys[s] { bad += 1 }
                if batch.targets[s * l + l - 1] != batch.sequences.keys[s] { bad += 1 }
                if (0..<(l - 1)).contains(where: { batch.targets[s * l + $0] != tokens[$0 + 1] }) { bad += 1 }
                if batch.mask[(s * l)..<((s + 1) * l)] != ArraySlice((0..<l).map { $0 == l - 1 ? 1.0 : 0 }) { bad += 1 }
                if !tokens.allSatisfy({ (0...v).contains($0) }) { bad += 1 }
                if (0..<l).contains(where: { batch.sequences.token(s, at: $0) != tokens[$0] }) { bad += 1 }
            }
            return [Comparison(name: "violated invariants", error: Double(bad), tolerance: 0)]
        }
    }

    /// The lazy stream at 2²⁰: nothing of size L exists; its ends are right; it is seeded.
    /// Trigger positions cover 0 … L−3 uniformly (L = 8: six values, 6000 draws, 1000 ± 5·29
    /// each); ordinary tokens uniform (V = 16 over 100 000 draws: 6250 ± 5·77 each).
    @Test("induction heads: long lazy sequences, determinism, uniformity")
    func inductionStream() throws {
        let task = try InductionHeadsTask()
        #expect(task.vocabulary == 16 && task.specialToken == 16 && task.vocabularySize == 17)
        var a = SplitMix64(seed: 5), b = SplitMix64(seed: 5)
        let long = try task.sequences(length: 1 << 20, count: 4, rng: &a)
        #expect(long == (try task.sequences(length: 1 << 20, count: 4, rng: &b)))
        #expect(long.tokens(at: (1 << 20) - 1) == [16, 16, 16, 16] && long.scoredPosition == (1 << 20) - 1)
        for s in 0..<4 { #expect(long.token(s, at: long.triggerPositions[s] + 1) == long.keys[s]) }
        var c = SplitMix64(seed: 5)
        let batch = try task.batch(length: 50, size: 3, rng: &c)
        var d = SplitMix64(seed: 5)
        #expect(batch.sequences == (try task.sequences(length: 50, count: 3, rng: &d)))
        var rng = SplitMix64(seed: 9)
        let short = try task.sequences(length: 8, count: 6000, rng: &rng)
        let counts = (0...5).map { p in short.triggerPositions.filter { $0 == p }.count }
        #expect(counts.allSatisfy { abs($0 - 1000) <= 5 * 29 } && short.triggerPositions.allSatisfy { (0...5).contains($0) }, "\(counts)")
        var ofToken = [Int](repeating: 0, count: 17)
        for t in 0..<100_000 { ofToken[long.token(t % 4, at: 1000 + t)] += 1 }
        #expect(ofToken[0..<16].allSatisfy { abs($0 - 6250) <= 5 * 77 } && ofToken[16] == 0, "\(ofToken)")
    }

    @Test("induction heads: bad settings are refused")
    func inductionBadInput() throws {
        var rng = SplitMix64(seed: 1)
        #expect(throws: StateSpaceError.self) { try InductionHeadsTask(vocabulary: 1) }
        let task = try InductionHeadsTask()
        #expect(throws: StateSpaceError.self) { try task.sequences(length: 2, count: 1, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try task.sequences(length: 10, count: 0, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try task.batch(length: 1 << 30, size: 4, rng: &rng) }
        #expect(throws: StateSpaceError.self) { try task.batch(length: 2, size: 4, rng: &rng) }
    }

    /// Perfect logits score 1 at every query; logits that always say "noise" score 0; logits
    /// right at queries 0 and k−1 only give the U shape [1, 0, …, 0, 1].
    @Test("scoring: per-query accuracy and induction accuracy")
    func scoring() throws {
        var rng = SplitMix64(seed: 2)
        let task = SelectiveCopyingTask.cpu
        let batch = try task.batch(5, rng: &rng)
        func logits(rightAt queries: Set<Int>) -> Matrix {
            var m = Matrix(zeros: 5 * task.length, task.vocabularySize)
            for s in 0..<5 { for j in queries { m[batch.queryRow(sequence: s, query: j), batch.data[s * 8 + j]] = 1 } }
            return m
        }
        #expect(try queryAccuracy(logits(rightAt: Set(0..<8)), batch: batch) == [Double](repeating: 1, count: 8))
        #expect(try queryAccuracy(logits(rightAt: []), batch: batch) == [Double](repeating: 0, count: 8))
        #expect(try queryAccuracy(logits(rightAt: [0, 7]), batch: batch) == [1, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: StateSpaceError.self) { try queryAccuracy(Matrix(zeros: 5 * 64, 9), batch: batch) }
        let heads = try InductionHeadsTask(vocabulary: 4).batch(length: 10, size: 4, rng: &rng)
        var m = Matrix(zeros: 40, 5)
        for s in 0..<3 { m[s * 10 + 9, heads.sequences.keys[s]] = 1 }    // sequence 3 unanswered: predicts id 0
        let expected = heads.sequences.keys[3] == 0 ? 1.0 : 0.75
        #expect(try inductionAccuracy(m, batch: heads) == expected)
        var nan = m
        nan[0, 0] = .nan
        #expect(throws: StateSpaceError.self) { try inductionAccuracy(nan, batch: heads) }
    }
}

/// Bad-input catalogue rows for Sources/StateSpace/Tasks (see BadInputCatalogue.swift for what
/// a row asserts). To join `BadInput.all`, add `tasks` to its list in BadInput+All.swift.
extension BadInput {
    static let tasks: [BadInput] = [
        BadInput("SelectiveCopyingTask(dataCount: 0)", mentions: ["data tokens k", "0"], void: { _ = try SelectiveCopyingTask(dataCount: 0) }),
        BadInput("SelectiveCopyingTask(bodyLength: 7, dataCount: 8)", mentions: ["body length", "7", "k = 8"],
                 void: { _ = try SelectiveCopyingTask(bodyLength: 7, dataCount: 8) }),
        BadInput("SelectiveCopyingTask(dataVocabulary: 1)", mentions: ["data vocabulary V", "1"], void: { _ = try SelectiveCopyingTask(dataVocabulary: 1) }),
        BadInput("SelectiveCopyingTask(bodyLength: Int.max, dataCount: 1)", mentions: ["body + k", "\(Int.max) + 1"],
                 void: { _ = try SelectiveCopyingTask(bodyLength: .max, dataCount: 1) }),
        BadInput("SelectiveCopyingTask(bodyLength: 2³⁰)", mentions: ["body + k", "1073741824 + 8", "too large"],
                 void: { _ = try SelectiveCopyingTask(bodyLength: 1 << 30) }),
        BadInput("SelectiveCopyingTask.cpu.batch(0)", mentions: ["batch size B", "0"], void: {
            var rng = SplitMix64(seed: 1)
            _ = try SelectiveCopyingTask.cpu.batch(0, rng: &rng)
        }),
        BadInput("SelectiveCopyingTask.cpu.batch(2⁴⁰)", mentions: ["batch B × L", "1099511627776 × 64"], void: {
            var rng = SplitMix64(seed: 1)
            _ = try SelectiveCopyingTask.cpu.batch(1 << 40, rng: &rng)
        }),
        BadInput("InductionHeadsTask(vocabulary: 1)", mentions: ["vocabulary V", "1"], void: { _ = try InductionHeadsTask(vocabulary: 1) }),
        BadInput("InductionHeadsTask().sequences(length: 2, …)", mentions: ["sequence length L", "2"], void: {
            var rng = SplitMix64(seed: 1)
            _ = try InductionHeadsTask().sequences(length: 2, count: 1, rng: &rng)
        }),
        BadInput("InductionHeadsTask().sequences(count: 0, …)", mentions: ["number of sequences B", "0"], void: {
            var rng = SplitMix64(seed: 1)
            _ = try InductionHeadsTask().sequences(length: 10, count: 0, rng: &rng)
        }),
        BadInput("InductionHeadsTask().batch(length: 2³⁰, size: 4, …)", mentions: ["batch B × L", "4 × 1073741824"], void: {
            var rng = SplitMix64(seed: 1)
            _ = try InductionHeadsTask().batch(length: 1 << 30, size: 4, rng: &rng)
        }),
        BadInput("queryAccuracy(logits (320, 9), …)", mentions: ["selective copying logits", "320×9"]) {
            var rng = SplitMix64(seed: 1)
            return try queryAccuracy(Matrix(zeros: 320, 9), batch: SelectiveCopyingTask.cpu.batch(5, rng: &rng))
        },
        BadInput("queryAccuracy(logits with NaN, …)", mentions: ["selective copying logits[0]", "nan"]) {
            var rng = SplitMix64(seed: 1), logits = Matrix(zeros: 320, 10)
            logits[0, 0] = .nan
            return try queryAccuracy(logits, batch: SelectiveCopyingTask.cpu.batch(5, rng: &rng))
        },
        BadInput("inductionAccuracy(lastLogits (3, 17), sequences: 2)", mentions: ["induction heads logits", "3×17"]) {
            var rng = SplitMix64(seed: 1)
            return [try inductionAccuracy(lastLogits: Matrix(zeros: 3, 17), sequences: InductionHeadsTask().sequences(length: 8, count: 2, rng: &rng))]
        },
    ]
}

@Suite("Bad-input catalogue: tasks")
struct TaskBadInputRows {
    @Test("every bad input gives a StateSpaceError naming the parameter and the value", arguments: BadInput.tasks)
    func clearError(_ row: BadInput) {
        #expect(row.outcome() == .clearError, "\(row.call)")
    }
}

@Suite("Tasks: plain copying (regular spacing)")
struct RegularSpacingTests {
    @Test("regular spacing: the j-th data token at ⌊j·body/k⌋ in every sequence; random spacing moves it")
    func positions() throws {
        var rng = SplitMix64(seed: 3)
        let regular = try SelectiveCopyingTask(bodyLength: 56, dataCount: 8, dataVocabulary: 16, spacing: .regular)
        let batch = try regular.batch(50, rng: &rng)
        for b in 0..<50 { #expect(Array(try batch.dataPositions(ofSequence: b)) == (0..<8).map { $0 * 7 }) }
        #expect(regular.description.hasPrefix("copying (regular spacing)"))
        let random = try SelectiveCopyingTask(bodyLength: 56, dataCount: 8, dataVocabulary: 16).batch(50, rng: &rng)
        #expect(Set((0..<50).map { try! Array(random.dataPositions(ofSequence: $0)) }).count > 40)
    }
}

@Suite("Tasks: selection ratio")
struct SelectionRatioTests {
    @Test("per channel: data mean ÷ noise mean over the bodies; markers ignored; a wrong shape is refused")
    func ratios() throws {
        var rng = SplitMix64(seed: 11)
        let task = try SelectiveCopyingTask(bodyLength: 20, dataCount: 4, dataVocabulary: 8)
        let batch = try task.batch(6, rng: &rng)
        var values = Matrix(zeros: 6 * task.length, 2)                // channel 0: 3 on data; channel 1: constant
        for b in 0..<6 {
            let data = Set(try batch.dataPositions(ofSequence: b))
            for t in 0..<task.length {
                let row = b * task.length + t
                values.elements[row * 2] = data.contains(t) ? 3 : (t >= task.bodyLength ? 100 : 1)   // markers must not count
                values.elements[row * 2 + 1] = 0.5
            }
        }
        #expect(try selectionRatios(values, batch: batch) == [3, 1])
        #expect(throws: StateSpaceError.self) { try selectionRatios(Matrix(zeros: 5, 2), batch: batch) }
    }
}
