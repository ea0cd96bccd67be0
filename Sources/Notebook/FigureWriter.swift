import Foundation

/// Writes figures into one directory: `<name>.dat`, `<name>.gp` and, when gnuplot is present,
/// `<name>.png` — drawn by feeding the same script through gnuplot's pipe. `gnuplot <dir>/<name>.gp`
/// redraws the PNG from any working directory: the script finds its data next to itself
/// through `ARG0`, the path gnuplot was given.
public struct FigureWriter: Sendable {
    public let directory: URL
    public let gnuplot: Gnuplot?
    /// Also render each figure with the `dumb` terminal and return the text.
    public let ascii: Bool

    public enum Failure: Error, CustomStringConvertible {
        case emptyPlotsDirectory
        case unwritableDirectory(path: String, reason: String)
        case unwritableFile(path: String, reason: String)
        public var description: String {
            switch self {
            case .emptyPlotsDirectory:
                "--plots-dir is empty: pass the directory for figures (the default is plots), or --no-plot"
            case let .unwritableDirectory(path, reason):
                "cannot write figures to --plots-dir: \(path) is not a writable directory (\(reason)); pass a writable path with --plots-dir, or --no-plot"
            case let .unwritableFile(path, reason):
                "cannot write figure file \(path): \(reason)"
            }
        }
    }

    /// `<plotsDir>/<chapter>`, relative paths resolved against the working directory.
    /// - Throws: `Failure.emptyPlotsDirectory` for `--plots-dir ''` (which would otherwise
    ///   quietly mean the working directory).
    public static func directory(plotsDir: String, chapter: String) throws -> URL {
        guard !plotsDir.isEmpty else { throw Failure.emptyPlotsDirectory }
        return URL(fileURLWithPath: plotsDir).appendingPathComponent(chapter)
    }

    /// Creates `directory` (and parents) and checks that a file can be written in it.
    /// - Throws: `Failure.unwritableDirectory` naming the path and the reason in plain words:
    ///   which part of the path is a file or a dangling symbolic link, or the system's reason.
    public init(directory: URL, gnuplot: Gnuplot?, ascii: Bool = false) throws {
        self.directory = directory
        self.gnuplot = gnuplot
        self.ascii = ascii
        let probe = directory.appendingPathComponent(".write-test")
        if let reason = FileSystem.obstacle(along: directory) ?? FileSystem.makeDirectories(directory)
            ?? FileSystem.write(Data(), to: probe) ?? FileSystem.removeIfPresent(probe) {
            throw Failure.unwritableDirectory(path: directory.path, reason: reason)
        }
    }

    /// What `draw` produced: the files written and, with `ascii`, the terminal rendering.
    public struct Output: Sendable {
        public let files: [URL]
        public let ascii: String?
    }

    /// Writes the figure's .dat and .gp, then (with gnuplot) its .png and optional ASCII view.
    /// A PNG left by an earlier run is removed first, so a PNG after the run is this run's.
    /// - Throws: `Failure.unwritableFile`; `Gnuplot.Failure` if gnuplot rejects the script,
    ///   times out, or exits 0 without writing a PNG (`.noImage`); `Gnuplot.LaunchFailure`.
    public func draw(_ figure: Figure) throws -> Output {
        let dat = directory.appendingPathComponent(figure.name + ".dat")
        let gp = directory.appendingPathComponent(figure.name + ".gp")
        let png = directory.appendingPathComponent(figure.name + ".png")
        let script = GnuplotScript(figure: figure, fallbackDirectory: directory.path)
        try write(script.data, to: dat)
        try write(script.text, to: gp)
        guard let gnuplot else { return Output(files: [dat, gp], ascii: nil) }
        if let reason = FileSystem.removeIfPresent(png) { throw Failure.unwritableFile(path: png.path, reason: reason) }
        // ARG0 is what `gnuplot file.gp` would set: the script then resolves paths beside itself.
        let preamble = "ARG0 = \(GnuplotScript.literal(gp.path))\n"
        let drawn = try gnuplot.run(preamble + script.text, scriptName: gp.path)
        if let found = Self.notAPNG(png) {
            throw Gnuplot.Failure(scriptName: gp.path, status: 0, stderr: drawn.stderr,
                                  problem: .noImage(path: png.path, found: found))
        }
        var text: String?
        if ascii {
            let dumb = preamble + "ascii_view = 1\nset terminal dumb size 100,30\nset output\n"
            text = try gnuplot.run(dumb + script.text, scriptName: gp.path + " (dumb terminal)").stdout
        }
        return Output(files: [png, dat, gp], ascii: text)
    }

    /// The eight bytes every PNG file starts with.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// nil when `url` holds a PNG (non-empty, starting with the signature); otherwise what is
    /// there instead: "does not exist", "is empty", "is not a PNG (…)".
    static func notAPNG(_ url: URL) -> String? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return "does not exist" }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: pngSignature.count)) ?? Data())
        if head.isEmpty { return "is empty" }
        return head == pngSignature ? nil : "is not a PNG (it does not start with the PNG signature)"
    }

    private func write(_ text: String, to url: URL) throws {
        if let reason = FileSystem.write(Data(text.utf8), to: url) {
            throw Failure.unwritableFile(path: url.path, reason: reason)
        }
    }
}
