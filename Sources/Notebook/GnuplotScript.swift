import Foundation

/// The text of a figure's `.dat` file and `.gp` script.
///
/// The .dat holds one block per series (separated by two blank lines, so the script selects
/// them with `index i`), or the matrix for a heatmap. The script sets the pngcairo terminal
/// unless `ascii_view` is defined (the dumb-terminal rendering sets it), finds its directory from
/// `ARG0` and plots from the .dat beside it.
///
/// Every piece of data (paths, titles, labels, series titles, file names) enters the script
/// through `literal`, so no directory name or title can run a command. `Series.style` and
/// `Figure.extraCommands` are gnuplot code written by the chapter, and go in as they are.
struct GnuplotScript {
    let data: String
    let text: String

    init(figure: Figure, fallbackDirectory: String) {
        let datName = figure.name + ".dat", gpName = figure.name + ".gp", pngName = figure.name + ".png"
        var lines = [
            "# " + Self.literal(figure.title),
            "# Redraw with: gnuplot <path to this file>   (the .dat is read from beside it)",
            "here = (exists('ARG0') && strlen(ARG0) > 0) ? ARG0[1:strlen(ARG0)-strlen(\(Self.literal(gpName)))] : \(Self.literal(fallbackDirectory + "/"))",
            // A relative path starting with `|` or `<` would be a pipe to a shell for `set output`
            // and `plot`: anchor every relative directory at "./".
            "if (here[1:1] ne '/') { here = './'.here }",
            "if (!exists('ascii_view')) {",
            "    set terminal pngcairo size \(figure.size.width),\(figure.size.height) enhanced font 'DejaVu Sans,11'",
            "    set output here.\(Self.literal(pngName))",
            "}",
            "set title " + Self.literal(figure.title),
            "set xlabel " + Self.literal(figure.xLabel),
            "set ylabel " + Self.literal(figure.yLabel),
        ]
        if figure.logX { lines += ["set logscale x", "set format x '10^{%L}'"] }
        if figure.logY { lines += ["set logscale y", "set format y '10^{%L}'"] }
        switch figure.content {
        case let .lines(series):
            lines += ["set grid", "set key outside top center horizontal maxrows 3"]
            lines += figure.extraCommands
            let plots = series.enumerated().map { i, s in
                "here.\(Self.literal(datName)) index \(i) using 1:2 with \(s.style) title \(Self.literal(s.title))"
            }
            lines.append("plot " + plots.joined(separator: ", \\\n     "))
            data = series.enumerated().map { i, s in
                "# series \(i): \(Self.oneLine(s.title))\n# x y\n" + zip(s.x, s.y).map { "\(Self.number($0)) \(Self.number($1))" }.joined(separator: "\n")
            }.joined(separator: "\n\n\n") + "\n"
        case let .heatmap(values, rows, cols):
            lines += ["set yrange [\(Double(rows) - 0.5):-0.5]", "set xrange [-0.5:\(Double(cols) - 0.5)]",
                      "set palette rgbformulae 33,13,10", "set size ratio -1"]
            lines += figure.extraCommands
            lines.append("plot here.\(Self.literal(datName)) matrix with image notitle")
            data = "# \(rows)×\(cols) matrix, row 0 first\n" + (0..<rows).map { r in
                (0..<cols).map { Self.number(values[r * cols + $0]) }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
        }
        text = lines.joined(separator: "\n") + "\n"
    }

    /// gnuplot reads "nan" as a missing point, so non-finite values are written that way.
    static func number(_ x: Double) -> String { x.isFinite ? String(format: "%.12g", x) : "nan" }

    /// A gnuplot string expression whose value is exactly `s`, and which expands nothing.
    ///
    /// Inside single quotes gnuplot substitutes nothing — no backquoted command, no `\` escape,
    /// no `@macro`. Double quotes would run `` `cmd` `` (and `\` would start an escape). The
    /// characters that cannot sit inside single quotes are spliced in as double-quoted strings
    /// holding only themselves, joined by gnuplot's `.`: a quote as `"'"` (gnuplot 5.4 misreads
    /// its documented `''` escape at the start of a string or twice in a row), and a control
    /// character (a newline would end the command) as an octal escape, so "it's\n" becomes
    /// `'it'."'".'s'."\012"`. Enhanced-text markup (`_{…}`, `^{…}`) in a title still works: the
    /// terminal reads it from the value, whatever the quotes were.
    /// - Complexity: O(`s.count`).
    static func literal(_ s: String) -> String {
        var parts: [String] = [], run = ""
        for scalar in s.unicodeScalars {
            let spliced: String? = switch scalar.value {
            case 0x27: "\"'\""
            case 0..<0x20, 0x7F: "\"\\" + String(scalar.value, radix: 8).leftPadded(to: 3) + "\""
            default: nil
            }
            if let spliced {
                if !run.isEmpty { parts.append("'" + run + "'"); run = "" }
                parts.append(spliced)
            } else {
                run.unicodeScalars.append(scalar)
            }
        }
        if !run.isEmpty || parts.isEmpty { parts.append("'" + run + "'") }
        return parts.joined(separator: ".")
    }

    /// `s` with each control character (a newline would start a new data line) made a space,
    /// for the comments of the .dat file.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
