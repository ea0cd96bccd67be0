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
                "cannot write figure file \(path) (\(reason))"
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
    /// - Throws: `Failure.unwritableDirectory` naming the path and the reason (the system's,
    ///   or which part of the path is a file rather than a directory).
    public init(directory: URL, gnuplot: Gnuplot?, ascii: Bool = false) throws {
        self.directory = directory
        self.gnuplot = gnuplot
        self.ascii = ascii
        if let file = Self.fileInPath(directory) {
            throw Failure.unwritableDirectory(path: directory.path, reason: "\(file) is a file, not a directory")
        }
        let probe = directory.appendingPathComponent(".write-test")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw Failure.unwritableDirectory(path: directory.path, reason: Self.reason(error))
        }
    }

    /// What `draw` produced: the files written and, with `ascii`, the terminal rendering.
    public struct Output: Sendable {
        public let files: [URL]
        public let ascii: String?
    }

    /// Writes the figure's .dat and .gp, then (with gnuplot) its .png and optional ASCII view.
    /// - Throws: `Failure.unwritableFile`; `Gnuplot.Failure` if gnuplot rejects the script.
    public func draw(_ figure: Figure) throws -> Output {
        let dat = directory.appendingPathComponent(figure.name + ".dat")
        let gp = directory.appendingPathComponent(figure.name + ".gp")
        let png = directory.appendingPathComponent(figure.name + ".png")
        let script = GnuplotScript(figure: figure, fallbackDirectory: directory.path)
        try write(script.data, to: dat)
        try write(script.text, to: gp)
        guard let gnuplot else { return Output(files: [dat, gp], ascii: nil) }
        // ARG0 is what `gnuplot file.gp` would set: the script then resolves paths beside itself.
        let preamble = "ARG0 = \(GnuplotScript.literal(gp.path))\n"
        _ = try gnuplot.run(preamble + script.text, scriptName: gp.path)
        var text: String?
        if ascii {
            let dumb = preamble + "ascii_view = 1\nset terminal dumb size 100,30\nset output\n"
            text = try gnuplot.run(dumb + script.text, scriptName: gp.path + " (dumb terminal)").stdout
        }
        return Output(files: [png, dat, gp], ascii: text)
    }

    private func write(_ text: String, to url: URL) throws {
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw Failure.unwritableFile(path: url.path, reason: Self.reason(error))
        }
    }

    /// The first existing entry along `directory` (itself or an ancestor) that is not a
    /// directory, or nil. Creating the directory would fail there with an opaque Cocoa error.
    /// - Complexity: O(path components).
    static func fileInPath(_ directory: URL) -> String? {
        var url = directory.standardizedFileURL
        while true {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : url.path
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
