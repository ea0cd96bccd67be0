import ArgumentParser

/// The flags every chapter takes. A chapter's `main.swift` starts with
/// `let options = ChapterOptions.parseOrExit()`, which also answers `--help`.
public struct ChapterOptions: ParsableArguments, Sendable {
    @Option(help: "Seed for every random number in the chapter (SplitMix64).")
    public var seed: UInt64 = 42

    @Flag(name: .customLong("no-plot"), help: "Skip figures: write no PNG, .dat or .gp files.")
    public var noPlot = false

    @Flag(help: "Also draw each figure in the terminal (gnuplot's dumb terminal).")
    public var ascii = false

    @Option(name: .customLong("plots-dir"), help: "Directory for figures; each chapter writes into <plots-dir>/ChapterNN/.")
    public var plotsDir = "plots"

    @Option(help: ArgumentHelp("Run the chapter once per seed, in one process: a range 0..<30 or 0...29, a list 1,5,9, or a mix. Checks only (no figures, no timings): one line per seed, the failing checks, and the summary summed over seeds.",
                               valueName: "seeds"))
    public var seeds: SeedList?

    public init() {}
}
