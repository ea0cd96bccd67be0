/*:
 # Bench — the measured costs behind the chapters

 Run in release: `swift run -c release Bench` (all rows) or `--filter convolution`.
 Every row is a median of ≥ 5 timed runs after a warm-up, and every ratio compares two
 timings taken in the same run, on the same machine, interleaved — so a busy machine moves
 both sides together. Debug builds are refused: their timings measure the compiler's
 bounds checks, not the algorithms.
 */
import ArgumentParser
import Foundation
import Notebook
import StateSpace

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "Bench",
                                                    abstract: "Release-mode benchmarks for Annotated State Spaces.")

    @Option(help: "Run only the groups whose name contains this (\(BenchGroup.all.map(\.name).joined(separator: ", "))).")
    var filter: String?

    // `.unconditional`: `--repetitions -1` is a value to refuse by name, not a missing value.
    @Option(parsing: .unconditional, help: "Timed repetitions per measurement (the median is reported; at least 5).",
            transform: Bench.repetitions(from:))
    var repetitions = 9

    /// Parses `--repetitions`: an integer ≥ 5.
    static func repetitions(from text: String) throws -> Int {
        guard let value = Int(text), value >= 5 else {
            throw ValidationError("--repetitions must be an integer ≥ 5; got \(text)")
        }
        return value
    }

    @Flag(help: "Run even in a debug build (the numbers will be meaningless).")
    var allowDebug = false

    func validate() throws {
        if let filter, !BenchGroup.all.contains(where: { $0.name.contains(filter) }) {
            let names = BenchGroup.all.map(\.name).joined(separator: ", ")
            throw ValidationError("--filter \(filter) matches no benchmark group; the groups are: \(names)")
        }
    }

    func run() throws {
        #if DEBUG
        if !allowDebug {
            throw ValidationError("this is a debug build: run `swift run -c release Bench` (or pass --allow-debug)")
        }
        #endif
        // The BLAS kernel set behind every dgemm rate below (openblas_core.c corrects OpenBLAS 0.3.21's
        // fallback to its SSE3 "Prescott" kernels on CPUs it does not know).
        print("OpenBLAS kernels: \(BLASCore.summary); \(ProcessInfo.processInfo.activeProcessorCount) cores; load average \(loadAverage())")
        for group in BenchGroup.all where filter.map({ group.name.contains($0) }) ?? true {
            print("\n## \(group.name)\n")
            try group.run(repetitions)
        }
    }
}

/// A named set of benchmark rows.
struct BenchGroup: Sendable {
    let name: String
    let run: @Sendable (Int) throws -> Void

    static let all: [BenchGroup] = [
        BenchGroup(name: "convolution", run: convolutionBenchmarks),
        BenchGroup(name: "s4", run: s4Benchmarks),
        BenchGroup(name: "selective", run: selectiveBenchmarks),
        BenchGroup(name: "ssd", run: ssdBenchmarks),
        BenchGroup(name: "stress", run: stressBenchmarks),
        BenchGroup(name: "learning", run: learningBenchmarks),
        BenchGroup(name: "training", run: trainingThroughputBenchmarks),   // last: it switches OpenBLAS's kernels
    ]
}

/// The 1-, 5- and 15-minute load averages from /proc/loadavg ("unknown" where there is none):
/// how busy the machine was around the run, for reading its medians.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

Bench.main()
