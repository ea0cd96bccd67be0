/// A hint aimed at one mistake: a stable `id` (what the grader's tests check) and the `text` the
/// student reads.
public struct Hint: Equatable, Sendable, Codable {
    public let id: String
    public let text: String

    public init(_ id: String, _ text: String) {
        self.id = id
        self.text = text
    }
}

/// The outcome of grading one exercise.
public enum Verdict: Equatable, Sendable {
    /// Every case agreed with the library within the tolerance; `detail` gives the largest error.
    case passed(detail: String)
    /// A case disagreed: `hint` says which mistake the grader detected, `detail` on which case and by how much.
    case failed(hint: Hint, detail: String)
    /// The stub still throws `NotImplemented`.
    case notImplemented

    public var isPassed: Bool { if case .passed = self { true } else { false } }

    /// The hint's id when failed, else nil.
    public var hintID: String? { if case let .failed(hint, _) = self { hint.id } else { nil } }
}

/// One exercise ready to grade: its number ("03.2"), a title, and the grading function (a seed
/// fixes every random case).
public struct Exercise {
    public let id: String
    public let title: String
    public let grade: (UInt64) -> Verdict

    public init(id: String, title: String, grade: @escaping (UInt64) -> Verdict) {
        self.id = id
        self.title = title
        self.grade = grade
    }

    /// The chapter number, from the id: "03.2" → 3.
    public var chapter: Int { Int(id.prefix(2)) ?? 0 }
}

/// Hints every exercise can give, whatever its math.
public enum CommonHint {
    public static func threw(_ error: Error) -> Hint {
        Hint("threw", "threw an error instead of returning: \(error)")
    }
    public static func shape(_ message: String) -> Hint { Hint("shape", "wrong shape: \(message)") }
    public static let nonFinite = Hint("non-finite", "returned NaN or ±∞ where the library's result is finite")
    public static let mismatch = Hint(
        "mismatch", "differs from the library, and not in any way the grader recognises: re-derive the formula "
            + "on the smallest case (N = 1, L = 1) by hand and compare entry by entry")
}
