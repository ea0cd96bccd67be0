/// A figure described as data: what gnuplot should draw, independent of where or how.
///
/// `FigureWriter` turns it into `<name>.dat` (the numbers), `<name>.gp` (the script) and
/// `<name>.png`. Two kinds: line plots of one or more series, and heatmaps of a matrix.
public struct Figure: Sendable {
    /// One curve: y against x, drawn with a gnuplot style such as `lines lw 2` or `points pt 7`.
    public struct Series: Sendable {
        public var title: String
        public var x: [Double]                                 // (n)
        public var y: [Double]                                 // (n)
        public var style: String

        public init(_ title: String, x: [Double], y: [Double], style: String = "lines lw 2") {
            precondition(x.count == y.count, "Series \(title): x has \(x.count) points, y has \(y.count)")
            self.title = title
            self.x = x
            self.y = y
            self.style = style
        }
    }

    public enum Content: Sendable {
        case lines([Series])
        /// values (rows, cols) row-major; drawn with row 0 at the top.
        case heatmap(values: [Double], rows: Int, cols: Int)
    }

    /// File stem: `<name>.png`, `<name>.dat`, `<name>.gp`.
    public var name: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logX = false
    public var logY = false
    public var content: Content
    /// Extra gnuplot commands placed before `plot` (shaded windows, arrows, key position…).
    public var extraCommands: [String] = []
    public var size = (width: 1000, height: 600)

    public init(name: String, title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.name = name
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.content = .lines(series)
    }

    public init(heatmap name: String, title: String, xLabel: String, yLabel: String,
                values: [Double], rows: Int, cols: Int) {
        precondition(values.count == rows * cols, "heatmap \(name): \(values.count) values for \(rows)×\(cols)")
        self.name = name
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.content = .heatmap(values: values, rows: rows, cols: cols)
    }
}
