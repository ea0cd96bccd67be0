import Exercises
import Foundation
import Grading
import Solutions
import Testing

/// The grader is itself tested: every reference solution passes, every stub is reported "not
/// implemented", and every classic mistake is rejected with the hint aimed at it — on several
/// seeds, so no verdict depends on one draw of the random cases.
@Suite("Grading: solutions pass, stubs are not implemented, classic mistakes get their hint")
struct GradingTests {
    static let seeds: [UInt64] = [2026, 1, 7, 123_456_789]

    @Test("every reference solution passes, on 30 seeds", arguments: Catalogue.exercises(Reference.self).map(\.id))
    func solutionPasses(id: String) {
        let exercise = Catalogue.exercises(Reference.self).first { $0.id == id }!
        for seed in Self.seeds + (0..<26).map(UInt64.init) {
            let verdict = exercise.grade(seed)
            #expect(verdict.isPassed, "\(id), seed \(seed): \(verdict)")
        }
    }

    @Test("every stub reports not implemented")
    func stubsAreNotImplemented() {
        let stubs = Catalogue.exercises(Student.self)
        #expect(stubs.count >= 21)
        for exercise in stubs { #expect(exercise.grade(2026) == .notImplemented, "\(exercise.id)") }
    }

    @Test("students and solutions answer the same exercises, ≥ 3 per chapter 00–08")
    func sameExercises() {
        let ids = Catalogue.exercises(Student.self).map(\.id)
        #expect(ids == Catalogue.exercises(Reference.self).map(\.id))
        for chapter in 0...8 { #expect(ids.filter { Int($0.prefix(2)) == chapter }.count >= 3, "chapter \(chapter)") }
    }

    /// (name, how to grade it, the hint it must get).
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let hint: String
        let grade: @Sendable (UInt64) -> Verdict
        var testDescription: String { "\(name) → \(hint)" }
    }

    static let mistakes: [Case] = [
        Case(name: "00.1 Euler", hint: "00.1/euler") { Chapter00Grading.zeroOrderHold(Mistaken00.zohEuler, seed: $0) },
        Case(name: "00.1 ΔB", hint: "00.1/euler-b") { Chapter00Grading.zeroOrderHold(Mistaken00.zohEulerB, seed: $0) },
        Case(name: "00.1 A⁻¹", hint: "00.1/singular") { Chapter00Grading.zeroOrderHold(Mistaken00.zohInverse, seed: $0) },
        Case(name: "00.2 late", hint: "00.2/late") { Chapter00Grading.recurrence(Mistaken00.recurrenceLate, seed: $0) },
        Case(name: "00.2 Āᵀ", hint: "00.2/transposed") { Chapter00Grading.recurrence(Mistaken00.recurrenceTransposed, seed: $0) },
        Case(name: "00.3 circular", hint: "00.3/circular") { Chapter00Grading.causalConvolution(Mistaken00.convolutionCircular, seed: $0) },
        Case(name: "00.3 correlation", hint: "00.3/future") { Chapter00Grading.causalConvolution(Mistaken00.convolutionFuture, seed: $0) },
        Case(name: "01.1 transposed", hint: "01.1/transposed") { Chapter01Grading.legT(Mistaken01.legTTransposed, seed: $0) },
        Case(name: "01.1 no 1/θ", hint: "01.1/window") { Chapter01Grading.legT(Mistaken01.legTNoWindow, seed: $0) },
        Case(name: "01.2 diagonal −n", hint: "01.2/diagonal") { Chapter01Grading.legS(Mistaken01.legSDiagonal, seed: $0) },
        Case(name: "01.2 upper", hint: "01.2/transposed") { Chapter01Grading.legS(Mistaken01.legSUpper, seed: $0) },
        Case(name: "01.3 flipped", hint: "01.3/flipped") { Chapter01Grading.reconstruction(Mistaken01.reconstructionFlipped, seed: $0) },
        Case(name: "01.3 no √(2n+1)", hint: "01.3/normalisation") {
            Chapter01Grading.reconstruction(Mistaken01.reconstructionUnnormalised, seed: $0)
        },
        Case(name: "02.1 swapped", hint: "02.1/swapped") { Chapter02Grading.bilinear(Mistaken02.bilinearSwapped, seed: $0) },
        Case(name: "02.1 B not ΔB", hint: "02.1/missing-step") { Chapter02Grading.bilinear(Mistaken02.bilinearNoStep, seed: $0) },
        Case(name: "02.2 shifted", hint: "02.2/shifted") { Chapter02Grading.kernel(Mistaken02.kernelShifted, seed: $0) },
        Case(name: "02.2 Āᵀ", hint: "02.2/transposed") { Chapter02Grading.kernel(Mistaken02.kernelTransposed, seed: $0) },
        Case(name: "02.3 upper", hint: "02.3/upper") { Chapter02Grading.toeplitz(Mistaken02.toeplitzUpper, seed: $0) },
        Case(name: "02.3 symmetric", hint: "02.3/symmetric") { Chapter02Grading.toeplitz(Mistaken02.toeplitzSymmetric, seed: $0) },
        Case(name: "03.1 no partner", hint: "03.1/no-partner") { Chapter03Grading.cauchy(Mistaken03.cauchyNoPartner, seed: $0) },
        Case(name: "03.1 λ − z", hint: "03.1/sign") { Chapter03Grading.cauchy(Mistaken03.cauchySign, seed: $0) },
        Case(name: "03.2 no 1", hint: "03.2/missing-one") { Chapter03Grading.woodbury(Mistaken03.woodburyNoOne, seed: $0) },
        Case(name: "03.2 no correction", hint: "03.2/no-correction") { Chapter03Grading.woodbury(Mistaken03.woodburyNone, seed: $0) },
        Case(name: "03.3 no 1/L", hint: "03.3/missing-1-over-L") { Chapter03Grading.s4Kernel(Mistaken03.s4NoOneOverL, seed: $0) },
        Case(name: "03.3 e^{−2πijk/L}", hint: "03.3/reversed") { Chapter03Grading.s4Kernel(Mistaken03.s4Reversed, seed: $0) },
        Case(name: "03.3 K̂_{L/2} = 0", hint: "03.3/even-length") { Chapter03Grading.s4Kernel(Mistaken03.s4SkipsMiddle, seed: $0) },
        Case(name: "04.1 no 2", hint: "04.1/half") { Chapter04Grading.vandermondeKernel(Mistaken04.kernelHalf, seed: $0) },
        Case(name: "04.1 B for B̄", hint: "04.1/raw-b") { Chapter04Grading.vandermondeKernel(Mistaken04.kernelRawB, seed: $0) },
        Case(name: "04.2 n from 1", hint: "04.2/off-by-one") { Chapter04Grading.inversePoles(Mistaken04.polesFromOne, seed: $0) },
        Case(name: "04.2 no −1", hint: "04.2/missing-minus-one") { Chapter04Grading.inversePoles(Mistaken04.polesNoMinusOne, seed: $0) },
        Case(name: "04.3 late", hint: "04.3/late") { Chapter04Grading.recurrentStep(Mistaken04.stepLate, seed: $0) },
        Case(name: "04.3 no 2", hint: "04.3/half") { Chapter04Grading.recurrentStep(Mistaken04.stepHalf, seed: $0) },
        Case(name: "05.1 B for ΔB", hint: "05.1/raw-b") { Chapter05Grading.selectiveStep(Mistaken05.stepRawB, seed: $0) },
        Case(name: "05.1 no skip", hint: "05.1/no-skip") { Chapter05Grading.selectiveStep(Mistaken05.stepNoSkip, seed: $0) },
        Case(name: "05.1 ZOH B̄", hint: "05.1/zoh") { Chapter05Grading.selectiveStep(Mistaken05.stepZOH, seed: $0) },
        Case(name: "05.2 reversed", hint: "05.2/reversed") { Chapter05Grading.combine(Mistaken05.combineReversed, seed: $0) },
        Case(name: "05.2 undecayed", hint: "05.2/undecayed") { Chapter05Grading.combine(Mistaken05.combineUndecayed, seed: $0) },
        Case(name: "05.3 Ā_s included", hint: "05.3/extra-decay") { Chapter05Grading.selectiveMatrix(Mistaken05.matrixExtraDecay, seed: $0) },
        Case(name: "05.3 transposed", hint: "05.3/transposed") { Chapter05Grading.selectiveMatrix(Mistaken05.matrixTransposed, seed: $0) },
        Case(name: "06.1 cumulative differences", hint: "06.1/cancellation") { Chapter06Grading.segsum(Mistaken06.segsumNaive, seed: $0) },
        Case(name: "06.1 range s … t", hint: "06.1/extra-term") { Chapter06Grading.segsum(Mistaken06.segsumExtraTerm, seed: $0) },
        Case(name: "06.1 zeros above", hint: "06.1/zero-above") { Chapter06Grading.segsum(Mistaken06.segsumZeroAbove, seed: $0) },
        Case(name: "06.2 no mask", hint: "06.2/no-mask") { Chapter06Grading.quadratic(Mistaken06.quadraticNoMask, seed: $0) },
        Case(name: "06.2 a_s included", hint: "06.2/extra-decay") { Chapter06Grading.quadratic(Mistaken06.quadraticExtraDecay, seed: $0) },
        Case(name: "06.3 leaving", hint: "06.3/off-by-one") { Chapter06Grading.statePass(Mistaken06.passLeaving, seed: $0) },
        Case(name: "06.3 undecayed", hint: "06.3/undecayed") { Chapter06Grading.statePass(Mistaken06.passUndecayed, seed: $0) },
    ] + moreMistakes + chapter07Mistakes + chapter08Mistakes

    /// One plausible implementation for every other hint the grader can give (ClassicMistakesMore.swift).
    static let moreMistakes: [Case] = [
        Case(name: "00.1 Aᵀ", hint: "00.1/transposed") { Chapter00Grading.zeroOrderHold(MistakenMore.zohTransposed, seed: $0) },
        Case(name: "00.2 Ā(x + B̄u)", hint: "00.2/decayed-input") { Chapter00Grading.recurrence(MistakenMore.recurrenceDecayedInput, seed: $0) },
        Case(name: "00.3 late", hint: "00.3/late") { Chapter00Grading.causalConvolution(MistakenMore.convolutionLate, seed: $0) },
        Case(name: "01.1 sign", hint: "01.1/sign") { Chapter01Grading.legT(MistakenMore.legTSign, seed: $0) },
        Case(name: "01.2 B = 1", hint: "01.2/b") { Chapter01Grading.legS(MistakenMore.legSUnitB, seed: $0) },
        Case(name: "02.1 Euler", hint: "02.1/euler") { Chapter02Grading.bilinear(MistakenMore.bilinearEuler, seed: $0) },
        Case(name: "03.1 partner weight", hint: "03.1/partner-weight") { Chapter03Grading.cauchy(MistakenMore.cauchyPartnerWeight, seed: $0) },
        Case(name: "03.2 +", hint: "03.2/correction-sign") { Chapter03Grading.woodbury(MistakenMore.woodburyPlus, seed: $0) },
        Case(name: "03.2 no c", hint: "03.2/missing-scale") { Chapter03Grading.woodbury(MistakenMore.woodburyNoScale, seed: $0) },
        Case(name: "03.3 no Woodbury", hint: "03.3/no-correction") { Chapter03Grading.s4Kernel(MistakenMore.s4NoCorrection, seed: $0) },
        Case(name: "03.3 half spectrum", hint: "03.3/half-spectrum") { Chapter03Grading.s4Kernel(MistakenMore.s4HalfSpectrum, seed: $0) },
        Case(name: "04.1 ΔB", hint: "04.1/euler-b") { Chapter04Grading.vandermondeKernel(MistakenMore.kernelEulerB, seed: $0) },
        Case(name: "04.2 Re = −1", hint: "04.2/real-part") { Chapter04Grading.inversePoles(MistakenMore.polesRealPart, seed: $0) },
        Case(name: "04.3 ΔB", hint: "04.3/euler-b") { Chapter04Grading.recurrentStep(MistakenMore.stepEulerB, seed: $0) },
        Case(name: "05.1 exp(A)", hint: "05.1/undiscretised-a") { Chapter05Grading.selectiveStep(MistakenMore.stepUndiscretisedA, seed: $0) },
        Case(name: "05.1 late", hint: "05.1/late") { Chapter05Grading.selectiveStep(MistakenMore.stepLate, seed: $0) },
        Case(name: "05.2 a₁ + a₂", hint: "05.2/summed-decay") { Chapter05Grading.combine(MistakenMore.combineSummedDecay, seed: $0) },
        Case(name: "05.3 no Δ_s", hint: "05.3/raw-b") { Chapter05Grading.selectiveMatrix(MistakenMore.matrixRawB, seed: $0) },
        Case(name: "06.2 future", hint: "06.2/future") { Chapter06Grading.quadratic(MistakenMore.quadraticFuture, seed: $0) },
        Case(name: "06.3 decayed twice", hint: "06.3/decayed-twice") { Chapter06Grading.statePass(MistakenMore.passDecayedTwice, seed: $0) },
    ]

    @Test("each classic mistake is rejected with the hint aimed at it", arguments: mistakes)
    func classicMistake(_ mistake: Case) {
        for seed in Self.seeds {
            let verdict = mistake.grade(seed)
            #expect(verdict.hintID == mistake.hint, "seed \(seed): \(verdict)")
        }
    }

    @Test("every hint an exercise defines is given to some classic mistake")
    func everyHintReached() {
        let defined = Set(GradingTests.hintIDs)
        let reached = Set(Self.mistakes.map(\.hint))
        #expect(defined == reached, "defined, never reached: \(defined.subtracting(reached).sorted()); reached, undefined: \(reached.subtracting(defined).sorted())")
    }

    @Test("every exercise has ≥ 2 classic mistakes, each with a distinct hint")
    func twoMistakesPerExercise() {
        for exercise in Catalogue.exercises(Reference.self) {
            let hints = Set(Self.mistakes.filter { $0.hint.hasPrefix(exercise.id + "/") }.map(\.hint))
            #expect(hints.count >= 2, "\(exercise.id) has \(hints.count)")
        }
    }
}

extension GradingTests {
    /// Every hint id the graders define, read from their sources (`Hint("03.2/missing-one", …)`),
    /// so that a hint added without a mistake to reach it fails `everyHintReached`.
    static var hintIDs: [String] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Tools/Grading").standardized
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let pattern = try! NSRegularExpression(pattern: #"Hint\(\s*"([0-9]{2}\.[0-9]+/[A-Za-z0-9-]+)""#)
        return files.filter { $0.hasSuffix(".swift") }.flatMap { name -> [String] in
            let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
        }
    }
}
