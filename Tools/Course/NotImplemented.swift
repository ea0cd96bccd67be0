/// What an exercise stub throws until the student writes it: the grader reports the exercise as
/// "not implemented" instead of comparing numbers (a thrown error, never a trap, so one missing
/// exercise does not stop the others from being graded).
public struct NotImplemented: Error, Equatable, Sendable, CustomStringConvertible {
    /// The exercise's number, e.g. "03.2".
    public let exercise: String

    public init(_ exercise: String) { self.exercise = exercise }

    public var description: String { "exercise \(exercise) is not implemented yet" }
}
