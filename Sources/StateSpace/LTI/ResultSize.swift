// How large a result the HiPPO, LTI and discretisation functions agree to build.
//
// A length or a state size is a parameter like any other: `stateKernel(length: Int.max)` must
// be refused by name, not die in the allocator. Checking that rows·cols does not overflow is
// not enough (Int.max × 1 does not overflow), so the results are also capped in size.

/// rows·cols, refusing a product that overflows `Int` or exceeds `maximumResultElements`.
/// The error names the parameter that set the size (`name`, `value`), not the product.
/// - Complexity: O(1).
func requireResultSize(rows: Int, cols: Int, _ name: String, value: Int) throws -> Int {
    let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
    guard !overflow, count <= maximumResultElements else {
        let product = overflow ? "overflows Int" : "= \(count)"
        throw StateSpaceError.invalidParameter(
            name: name, value: "\(value)",
            allowed: "too large: the result would hold \(rows) × \(cols) numbers (\(product)); "
                + "at most 2^30 = \(maximumResultElements) (8 GiB) are allowed")
    }
    return count
}

/// Throws `invalidParameter` naming `name` when `values` holds a NaN or ±∞ that finite inputs
/// produced: an overflow, blamed on the input scale `value` (e.g. "max |u| = 1e308").
/// - Complexity: O(n).
func requireNoOverflow(_ values: [Double], _ name: String, value: String, _ advice: String) throws {
    guard let k = values.firstIndex(where: { !$0.isFinite }) else { return }
    throw StateSpaceError.invalidParameter(
        name: name, value: value,
        allowed: "too large: the result overflowed to \(values[k]) at index \(k); \(advice)")
}
