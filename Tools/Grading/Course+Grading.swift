import Course

/// The chapters the grader knows, in order, and each one's exercises for an answer type `S`
/// (the student's `Student` or the reference `Reference`).
public enum Catalogue {
    /// Chapter number → title.
    public static let chapters: [(number: Int, title: String)] = [
        (0, Chapter00Grading.title), (1, Chapter01Grading.title), (2, Chapter02Grading.title), (3, Chapter03Grading.title),
        (4, Chapter04Grading.title), (5, Chapter05Grading.title), (6, Chapter06Grading.title), (7, Chapter07Grading.title),
        (8, Chapter08Grading.title),
    ]

    public static func exercises<S>(_ s: S.Type) -> [Exercise]
    where S: Chapter00Exercises & Chapter01Exercises & Chapter02Exercises & Chapter03Exercises & Chapter04Exercises
        & Chapter05Exercises & Chapter06Exercises & Chapter07Exercises & Chapter08Exercises
    {
        Chapter00Grading.exercises(s) + Chapter01Grading.exercises(s) + Chapter02Grading.exercises(s)
            + Chapter03Grading.exercises(s) + Chapter04Grading.exercises(s) + Chapter05Grading.exercises(s)
            + Chapter06Grading.exercises(s) + Chapter07Grading.exercises(s) + Chapter08Grading.exercises(s)
    }
}
