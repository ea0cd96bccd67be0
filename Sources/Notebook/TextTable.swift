/// Renders rows as an aligned plain-text table: the first column left-aligned, the others
/// right-aligned (numbers line up), a rule under the header.
/// - Complexity: O(total characters).
public func renderTable(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let columns = all.map(\.count).max() ?? 0
    let widths = (0..<columns).map { col in all.map { col < $0.count ? $0[col].count : 0 }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        (0..<columns).map { col in
            let cell = col < cells.count ? cells[col] : ""
            let pad = String(repeating: " ", count: widths[col] - cell.count)
            return col == 0 ? cell + pad : pad + cell
        }.joined(separator: "  ")
    }
    let rule = String(repeating: "─", count: widths.reduce(0, +) + 2 * max(0, columns - 1))
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
}
