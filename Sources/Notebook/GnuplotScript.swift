import Foundation

/// The text of a figure's `.dat` file and `.gp` script.
///
/// The .dat holds one block per series (separated by two blank lines, so the script selects
/// them with `index i`), or the matrix for a heatmap. The script sets the pngcairo terminal
/// unless `ascii_view` is defined (the dumb-terminal rendering sets it), finds its directory from
/// `ARG0` and plots from the .dat beside it.
struct GnuplotScript {
    let data: String
    let text: String

    init(figure: Figure, fallbackDirectory: String) {
        let datName = figure.name + ".dat", gpName = figure.name + ".gp"
        var lines = [
            "# \(figure.title)",
            "# Redraw with: gnuplot <path to this file>   (the .dat is read from beside it)",
            "here = (exists(\"ARG0\") && strlen(ARG0) > 0) ? ARG0[1:strlen(ARG0)-strlen(\"\(gpName)\")] : \"\(Self.escaped(fallbackDirectory))/\"",
            "if (!exists(\"ascii_view\")) {",
            "    set terminal pngcairo size \(figure.size.width),\(figure.size.height) enhanced font \"DejaVu Sans,11\"",
            "    set output here.\"\(figure.name).png\"",
            "}",
            "set title \"\(Self.escaped(figure.title))\"",
            "set xlabel \"\(Self.escaped(figure.xLabel))\"",
            "set ylabel \"\(Self.escaped(figure.yLabel))\"",
        ]
        if figure.logX { lines += ["set logscale x", "set format x \"10^{%L}\""] }
        if figure.logY { lines += ["set logscale y", "set format y \"10^{%L}\""] }
        switch figure.content {
        case let .lines(series):
            lines += ["set grid", "set key outside top center horizontal maxrows 3"]
            lines += figure.extraCommands
            let plots = series.enumerated().map { i, s in
                "here.\"\(datName)\" index \(i) using 1:2 with \(s.style) title \"\(Self.escaped(s.title))\""
            }
            lines.append("plot " + plots.joined(separator: ", \\\n     "))
            data = series.enumerated().map { i, s in
                "# series \(i): \(s.title)\n# x y\n" + zip(s.x, s.y).map { "\(Self.number($0)) \(Self.number($1))" }.joined(separator: "\n")
            }.joined(separator: "\n\n\n") + "\n"
        case let .heatmap(values, rows, cols):
            lines += ["set yrange [\(Double(rows) - 0.5):-0.5]", "set xrange [-0.5:\(Double(cols) - 0.5)]",
                      "set palette rgbformulae 33,13,10", "set size ratio -1"]
            lines += figure.extraCommands
            lines.append("plot here.\"\(datName)\" matrix with image notitle")
            data = "# \(rows)×\(cols) matrix, row 0 first\n" + (0..<rows).map { r in
                (0..<cols).map { Self.number(values[r * cols + $0]) }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
        }
        text = lines.joined(separator: "\n") + "\n"
    }

    /// gnuplot reads "nan" as a missing point, so non-finite values are written that way.
    static func number(_ x: Double) -> String { x.isFinite ? String(format: "%.12g", x) : "nan" }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
