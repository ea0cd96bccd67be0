import Foundation
import Testing

/// Every check can fail: a chapter run with `--inject <ingredient>` (a named wrong ingredient:
/// a perturbed matrix, a dropped correction term, Euler for ZOH) must fail at least one check,
/// and miss by a wide margin — the failing check's compared number at least `factor` times its
/// limit (`Check.margin`), so the check is not merely on the edge of its tolerance.
///
/// Each chapter's test file lists its ingredients and calls `expectCaught` for each.

/// One wrong ingredient of one chapter.
struct Ingredient: Sendable, CustomTestStringConvertible {
    let chapter: String
    let name: String
    init(_ chapter: String, _ name: String) { (self.chapter, self.name) = (chapter, name) }
    var testDescription: String { "\(chapter) --inject \(name)" }
}

/// A failed check as `--record` wrote it.
struct FailedCheck: CustomStringConvertible {
    let name: String
    let margin: Double
    var description: String { String(format: "%@ (missed by %.3g×)", name, margin) }
}

/// Runs `chapter --checks-only --inject name --record F` and returns its status and failing checks.
func runInjected(_ ingredient: Ingredient, seed: UInt64 = 42) throws -> (status: Int32, failed: [FailedCheck], run: Run) {
    let record = scratchDirectory().appendingPathComponent("record.json")
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_NUM_THREADS"] = "1"
    let run = try runChapter(ingredient.chapter, ["--checks-only", "--seed", "\(seed)", "--inject", ingredient.name,
                                                  "--record", record.path] + injectionArguments(ingredient.chapter), environment: environment)
    guard let data = FileManager.default.contents(atPath: record.path),
          let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
          let checks = json["checks"] as? [[String: Any]] else {
        return (run.status, [], run)
    }
    let failed = checks.filter { ($0["passed"] as? Bool) == false }.map { check in
        // Margins are numbers, or the strings "inf"/"nan" (NaN or a missing error: infinitely wrong).
        let margin = (check["margin"] as? Double) ?? ((check["margin"] as? String) == "-inf" ? 0 : .infinity)
        return FailedCheck(name: check["name"] as? String ?? "?", margin: margin)
    }
    return (run.status, failed, run)
}

/// Chapter08's wrong ingredients are caught before or without training (the data layout, the
/// weights file): its --quick setting with 20 steps keeps each run to a few seconds. Its learning
/// checks then fail too, but by < 4× (accuracy 25% at chance against ≥ 90%), below the margin
/// `expectCaught` asks of the ingredient's own failure.
func injectionArguments(_ chapter: String) -> [String] { chapter == "Chapter08" ? ["--quick", "--steps", "20"] : [] }

/// Expects the run with `ingredient` injected to exit 1 with a failed check whose margin is ≥ `factor`.
func expectCaught(_ ingredient: Ingredient, factor: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (status, failed, run) = try runInjected(ingredient)
    #expect(status == 1, "exit status \(status); stderr: \(run.stderr)", sourceLocation: sourceLocation)
    let widest = failed.map(\.margin).max() ?? 0
    #expect(widest >= factor, "no check missed by ≥ \(factor)×; failed: \(failed)", sourceLocation: sourceLocation)
}
