import Exercises
import Grading
import Solutions
import Testing

/// Chapters 07 and 08's exercises on their own (`swift test --filter "Grading a chapter"`):
/// solutions pass, stubs are not implemented, each classic mistake gets its hint, ≥ 2 per
/// exercise, and every hint of the chapter is reached by one of them.
@Suite("Grading a chapter on its own: 07 and 08")
struct ChapterGradingTests {
    /// A chapter's exercises (solutions and stubs) and its classic mistakes.
    struct Chapter: CustomTestStringConvertible, Sendable {
        let number: String
        let ids: [String]
        let solutions: @Sendable () -> [Exercise], stubs: @Sendable () -> [Exercise]
        let mistakes: [GradingTests.Case]
        var testDescription: String { "chapter \(number)" }
    }

    static let chapters: [Chapter] = [
        Chapter(number: "07", ids: ["07.1", "07.2", "07.3"], solutions: { Chapter07Grading.exercises(Reference.self) },
                stubs: { Chapter07Grading.exercises(Student.self) }, mistakes: GradingTests.chapter07Mistakes),
        Chapter(number: "08", ids: ["08.1", "08.2", "08.3"], solutions: { Chapter08Grading.exercises(Reference.self) },
                stubs: { Chapter08Grading.exercises(Student.self) }, mistakes: GradingTests.chapter08Mistakes),
    ]

    @Test("every solution passes, on 30 seeds; every stub is not implemented", arguments: chapters)
    func solutionsAndStubs(_ chapter: Chapter) {
        let solutions = chapter.solutions(), stubs = chapter.stubs()
        #expect(solutions.map(\.id) == chapter.ids && stubs.map(\.id) == chapter.ids)
        for exercise in solutions {
            for seed in GradingTests.seeds + (0..<26).map(UInt64.init) {
                let verdict = exercise.grade(seed)
                #expect(verdict.isPassed, "\(exercise.id), seed \(seed): \(verdict)")
            }
        }
        for exercise in stubs { #expect(exercise.grade(2026) == .notImplemented, "\(exercise.id)") }
    }

    @Test("each classic mistake is rejected with the hint aimed at it", arguments: chapters)
    func classicMistakes(_ chapter: Chapter) {
        for mistake in chapter.mistakes {
            for seed in GradingTests.seeds {
                let verdict = mistake.grade(seed)
                #expect(verdict.hintID == mistake.hint, "\(mistake.name), seed \(seed): \(verdict)")
            }
        }
    }

    @Test("every hint of the chapter is reached; ≥ 2 distinct ones per exercise", arguments: chapters)
    func hintsCovered(_ chapter: Chapter) {
        let defined = Set(GradingTests.hintIDs.filter { $0.hasPrefix(chapter.number + ".") })
        let reached = Set(chapter.mistakes.map(\.hint))
        #expect(!defined.isEmpty && defined == reached, "defined, never reached: \(defined.subtracting(reached).sorted())")
        for id in chapter.ids { #expect(reached.filter { $0.hasPrefix(id + "/") }.count >= 2, "\(id)") }
    }
}
