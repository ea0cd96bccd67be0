import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The flags every chapter takes. A chapter's `main.swift` starts with
/// `let options = ChapterOptions.parseOrExit(abstract: "…")`, which also answers `--help`.
public struct ChapterOptions: ParsableArguments, Sendable {
    // `.unconditional`: the word after --seed is always its value, so `--seed -1` reaches
    // `seed(from:)` and is refused by name instead of being read as a flag `-1`.
    @Option(parsing: .unconditional,
            help: "Seed for every random number in the chapter (SplitMix64): an integer in 0...2⁶⁴ − 1. (default: 42)",
            transform: ChapterOptions.seed(from:))
    public var seed: UInt64 = 42

    @Flag(name: .customLong("no-plot"), help: "Skip figures: write no PNG, .dat or .gp files.")
    public var noPlot = false

    @Flag(name: .customLong("checks-only"),
          help: "Run every check but draw no figure and time nothing (what the tests and --inject runs use).")
    public var checksOnly = false

    @Flag(help: "Also draw each figure in the terminal (gnuplot's dumb terminal).")
    public var ascii = false

    // `.unconditional` as for --seed: `--plots-dir -x` is the directory `-x`, not a missing value.
    @Option(name: .customLong("plots-dir"), parsing: .unconditional,
            help: "Directory for figures; each chapter writes into <plots-dir>/ChapterNN/. gnuplot may take GNUPLOT_TIMEOUT seconds per figure (default: 60).",
            transform: ChapterOptions.plotsDir(from:))
    public var plotsDir = "plots"

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Run the chapter once per seed, in one process: a range 0..<30 or 0...29, a list 1,5,9, or a mix. Checks only (no figures, no timings): one line per seed, the failing checks, and the summary summed over seeds.",
                               valueName: "seeds"),
            transform: SeedList.parse)
    public var seeds: SeedList?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Replace one named ingredient of the chapter by a known-wrong one, to watch the checks catch it. `--inject list` runs the checks quietly and lists the chapter's ingredients.",
                               valueName: "ingredient"),
            transform: ChapterOptions.ingredient(from:))
    public var inject: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Also write the run (each cell's text, output and figures; the checks) as JSON to this file: what `swift run Book` renders.",
                               valueName: "file"),
            transform: ChapterOptions.recordPath(from:))
    public var record: String?

    public init() {}

    /// `--record` writes one run; a `--seeds` sweep is many.
    public func validate() throws {
        if record != nil && seeds != nil {
            throw ValidationError("--record writes one run and cannot be combined with --seeds")
        }
    }

    /// Checks `--record`'s value before anything runs: a path to a regular file (new or
    /// existing) in an existing, writable folder — not empty, not `-`, not ending in `/`, not a
    /// directory or a device, not one of the chapter's flags.
    /// - Throws: `ValidationError` naming --record, the path and what is wrong.
    static func recordPath(from text: String) throws -> String {
        func bad(_ reason: String) -> ValidationError { ValidationError("--record \(text): \(reason)") }
        guard !text.isEmpty else { throw ValidationError("--record needs a file path, got ''") }
        guard !flagNames.contains(where: { text == $0 || text.hasPrefix($0 + "=") }) else {
            throw ValidationError("--record needs a file path, got the flag \(text) (for a file of that name write ./\(text))")
        }
        guard text != "-" else { throw bad("the record is a file, not standard output; name a file (./- for a file called -)") }
        guard !text.hasSuffix("/") else { throw bad("names a folder; name the file to write, e.g. \(text)run.json") }
        if let kind = FileSystem.nonRegularKind(text) { throw bad("is \(kind), not a regular file") }
        let folder = URL(fileURLWithPath: text).deletingLastPathComponent().path
        guard FileSystem.isDirectory(folder) else { throw bad("its folder \(folder) does not exist") }
        guard access(folder, W_OK) == 0 else { throw bad("its folder \(folder) is not writable") }
        return text
    }

    /// Checks `--inject`'s value: a name, not empty and not one of the chapter's flags (the
    /// name was forgotten).
    /// - Throws: `ValidationError` naming --inject.
    static func ingredient(from text: String) throws -> String {
        guard !text.isEmpty, !text.hasPrefix("-") else {
            throw ValidationError("--inject needs an ingredient name, got '\(text)' (`--inject list` lists them)")
        }
        return text
    }

    /// Parses `--seed`'s value: a decimal integer in 0...2⁶⁴ − 1.
    /// - Throws: `ValidationError` naming --seed, the range and the value given.
    public static func seed(from text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("--seed must be an integer in 0...\(UInt64.max); got \(text)")
        }
        return value
    }

    /// The flags a chapter takes: `--plots-dir --no-plot` is a forgotten value, not a folder.
    static let flagNames: Set<String> = ["--seed", "--no-plot", "--ascii", "--plots-dir", "--seeds", "--inject", "--record", "--checks-only",
                                         "-h", "--help"]

    /// Checks `--plots-dir`'s value: any path, even one starting with `-`, but not one of the
    /// chapter's own flags (the value was forgotten). `''` is refused later, by `FigureWriter`.
    /// - Throws: `ValidationError` naming --plots-dir and the flag given.
    static func plotsDir(from text: String) throws -> String {
        guard !flagNames.contains(where: { text == $0 || text.hasPrefix($0 + "=") }) else {
            throw ValidationError("--plots-dir needs a directory, got the flag \(text) (for a directory of that name write ./\(text))")
        }
        return text
    }

    /// Parses the command line, or exits: with the help (led by `abstract`, what the chapter
    /// teaches) for `-h`/`--help`, with a usage error otherwise.
    public static func parseOrExit(abstract: String,
                                   arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> ChapterOptions {
        parseChapterOrExit(abstract: abstract, arguments: arguments)
    }

    /// The running program's file name (`Chapter00`).
    public static var executableName: String { URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent }

    /// `text` with ArgumentParser's name for every chapter, "chapter" (from the type name; for
    /// `ChapterCommandLine<Extra>`, its generic type name), replaced by the executable's in the
    /// usage lines.
    static func named(_ text: String, executable: String) -> String {
        text.replacing(/chapter_command_line<[^>]*>/, with: "chapter")           // a chapter with its own flags
            .replacingOccurrences(of: "USAGE: chapter ", with: "USAGE: \(executable) ")
            .replacingOccurrences(of: "Usage: chapter ", with: "Usage: \(executable) ")
            .replacingOccurrences(of: "'chapter --help'", with: "'\(executable) --help'")
    }

}

extension ParsableArguments {
    /// Parses the command line as this type, or exits: with the help (led by `abstract`) for
    /// `-h`/`--help`, with a usage error (status 64) otherwise. Shared by `ChapterOptions` and a
    /// chapter's own flags (`ChapterCommandLine`).
    static func parseChapterOrExit(abstract: String, arguments: [String]) -> Self {
        do {
            return try parse(arguments)
        } catch where exitCode(for: error) == .success && arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
            print(help(abstract: abstract))
            Foundation.exit(0)
        } catch {
            let message = ChapterOptions.named(fullMessage(for: error), executable: ChapterOptions.executableName)
            let status = exitCode(for: error)
            if status == .success { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(status.rawValue)
        }
    }

    /// The `--help` text: the chapter's abstract, then the flags, the usage line naming the
    /// executable (ArgumentParser alone would call every chapter "chapter").
    /// - Parameter executable: by default the running program's file name.
    public static func help(abstract: String, executable: String = ChapterOptions.executableName) -> String {
        wrap("OVERVIEW: " + abstract, width: 92, indent: "          ") + "\n\n"
            + ChapterOptions.named(helpMessage(columns: 92), executable: executable)
    }
}

/// The common flags and a chapter's own (`Extra`, e.g. a training chapter's `--steps`), parsed
/// together: `Notebook.parsing(Extra.self, chapter:title:abstract:)`.
public struct ChapterCommandLine<Extra: ParsableArguments>: ParsableArguments {
    @OptionGroup public var common: ChapterOptions
    @OptionGroup(title: "Options of this chapter") public var extra: Extra
    public init() {}
}
