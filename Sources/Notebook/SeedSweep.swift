import ArgumentParser
import Foundation

/// The seeds of a `--seeds` sweep, as typed: a half-open range `0..<30`, a closed range `0...29`,
/// single seeds, or a comma-separated mix (`0..<30,100,104`). Kept as ranges, so
/// `0...18446744073709551615` costs nothing until it is iterated.
public struct SeedList: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    /// The seeds, in the order typed. Non-empty.
    public let ranges: [ClosedRange<UInt64>]
    /// The argument as typed (shown in the sweep's header).
    public let description: String

    /// Parses `a..<b` (b > a), `a...b` (b ≥ a) and `a`, separated by commas; nil for anything else.
    /// - Complexity: O(length of the argument).
    public init?(argument: String) {
        guard let list = try? SeedList.parse(argument) else { return nil }
        self = list
    }

    private init(ranges: [ClosedRange<UInt64>], description: String) {
        (self.ranges, self.description) = (ranges, description)
    }

    /// `init(argument:)`, saying what is wrong with the first bad part (an empty or reversed
    /// range, or text that is no seed).
    /// - Throws: `ValidationError` naming --seeds, the part and the reason.
    /// - Complexity: O(length of the argument).
    public static func parse(_ argument: String) throws -> SeedList {
        var ranges: [ClosedRange<UInt64>] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            ranges.append(try range(part.trimmingCharacters(in: .whitespaces)))
        }
        return SeedList(ranges: ranges, description: argument)
    }

    /// Every seed, in order (lazy: a huge range is never materialised).
    public var seeds: some Sequence<UInt64> { ranges.lazy.flatMap { $0 } }

    public static var defaultCompletionKind: CompletionKind { .default }

    private static func range(_ text: String) throws -> ClosedRange<UInt64> {
        func bad(_ reason: String) -> ValidationError {
            ValidationError("--seeds: '\(text)' \(reason); write a range 0..<30 or 0...29, a seed 7, or a comma-separated mix")
        }
        for (separator, halfOpen) in [("..<", true), ("...", false)] {
            guard let cut = text.range(of: separator) else { continue }
            guard let low = UInt64(text[..<cut.lowerBound]), let high = UInt64(text[cut.upperBound...]) else {
                throw bad("needs a seed (an integer in 0...\(UInt64.max)) on each side of \(separator)")
            }
            if halfOpen {
                guard high > low else { throw bad(high == low ? "is empty (a..<b needs b > a)" : "is reversed (a..<b needs b > a)") }
                return low...(high - 1)
            }
            guard high >= low else { throw bad("is reversed (a...b needs b ≥ a)") }
            return low...high
        }
        guard let seed = UInt64(text) else { throw bad("is not a seed (an integer in 0...\(UInt64.max)) or a range") }
        return seed...seed
    }
}

extension ChapterOptions {
    /// Whether figures are skipped: `--no-plot`, `--checks-only`, `--inject list`, or a `--seeds`
    /// sweep (which never draws).
    public var figuresOff: Bool { noPlot || checksOnly || listsIngredients || seeds != nil }

    /// `--inject list`: run the checks quietly, then list the chapter's ingredients.
    public var listsIngredients: Bool { inject == "list" }

    /// What the banner says about a wrong ingredient: `, injecting the wrong ingredient 'x'`.
    var injectionNote: String {
        guard let inject, !listsIngredients else { return "" }
        return ", injecting the wrong ingredient '\(inject)'"
    }

    /// The banner's third line: the seed, or the sweep's seeds, and whether figures are drawn.
    var bannerLine: String {
        if let seeds { return "seeds \(seeds) (--seeds: checks only; figures and timings off)\(injectionNote)" }
        let off = checksOnly ? ", figures and timings off (--checks-only)" : noPlot ? ", figures off (--no-plot)" : ""
        return "seed \(seed)\(off)\(injectionNote)"
    }
}

extension Notebook {
    /// True in a `--seeds` sweep or a `--checks-only` run. Chapters skip their timing-only
    /// work when it is set (timings are informative rows, never checks); every check runs.
    public var skipsTimings: Bool { options.seeds != nil || options.checksOnly || options.listsIngredients }

    /// `Timing.median(repetitions:_:)` in a normal run. With `skipsTimings` `body` runs once
    /// (the chapter still gets what it computes) and the time returned is NaN: nothing is measured.
    public func medianTime(repetitions: Int = 7, _ body: () throws -> Void) rethrows -> Double {
        if skipsTimings {
            try body()
            return .nan
        }
        return try Timing.median(repetitions: repetitions, body)
    }

    /// Runs `body` once per seed of `seeds`, each time on a fresh notebook (its own `rng`, seeded
    /// like `--seed s`; figures off; its text discarded), and prints, per seed, one line
    /// `seed s: N passed, N failed (t s)` followed by the failing checks' table, then a line
    /// naming the failing seeds and, last, `ChapterNN: N passed, N failed` summed over all seeds.
    /// A seed whose body throws counts one failed check, as in `conclude`.
    /// - Returns: the exit status: 0 if every check of every seed passed, 2 if a seed was
    ///   stopped by an error, 1 otherwise.
    /// - Complexity: one run of `body` per seed.
    public func sweep(_ seeds: SeedList, _ body: (Notebook) throws -> Void) -> Int32 {
        var all = CheckTable()
        var failedSeeds: [UInt64] = [], stopped = false

        for seed in seeds.seeds {
            var seedOptions = options
            seedOptions.seed = seed
            let book = Notebook(chapter: chapter, title: "", options: seedOptions, gnuplot: nil, output: { _ in }, errors: errors)

            var stoppedBy: Error?
            let seconds = Timing.seconds {
                do { try body(book) } catch { stoppedBy = error }
            }
            // Every seed meets the same ingredients: a name no cell used is known after the first.
            if options.listsIngredients {
                output(book.ingredientList)
                return 0
            }
            if let problem = book.unknownInjection() {
                errors("error: \(problem)")
                return 64
            }
            var table = book.table
            if let stoppedBy {
                errors("error (seed \(seed)): \(stoppedBy)")
                table.append(.bound("\(chapter) ran to the end (stopped by: \(stoppedBy))", 0, .greaterOrEqual, 1))
                stopped = true
            }
            output(String(format: "seed %@: %d passed, %d failed (%.2f s)", "\(seed)", table.passedCount, table.failedCount, seconds))
            let failing = table.checks.filter { !$0.passed }
            if !failing.isEmpty {
                failedSeeds.append(seed)
                var failingTable = CheckTable()
                failing.forEach { failingTable.append($0) }
                output(failingTable.rendered().split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            }
            table.checks.forEach { all.append($0) }
        }
        output("")
        output(failedSeeds.isEmpty ? "every seed of \(seeds) passed"
                                   : "\(failedSeeds.count) seed(s) failed: \(failedSeeds.map(String.init).joined(separator: ", "))")
        output(all.summaryLine(chapter: chapter))
        return stopped ? 2 : all.exitCode
    }
}
