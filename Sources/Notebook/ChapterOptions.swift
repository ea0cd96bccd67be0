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

    public init() {}
}
