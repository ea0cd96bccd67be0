// How large a result the HiPPO, LTI and discretisation functions agree to build.
//
// A length or a state size is a parameter like any other: `stateKernel(length: Int.max)` must
// be refused by name, not die in the allocator. Checking that rows·cols does not overflow is
// not enough (Int.max × 1 does not overflow), so the results are also capped in size.

/// rows·cols, refusing a product that overflows `Int` or exceeds `maximumResultElements`
/// (`requireAllocatable`). The error names the parameter that set the size (`name`, `value`).
/// - Complexity: O(1).
func requireResultSize(rows: Int, cols: Int, _ name: String, value: Int) throws -> Int {
    try requireAllocatable([rows, cols], name, value: "\(value)")
}

/// Throws `invalidParameter` naming `name` when `values` holds a NaN or ±∞ that finite inputs
/// produced: an overflow, blamed on the input scale `value` (e.g. "max |u| = 1e308"), in the
/// words of the shared `requireNoOverflow(_:result:suspects:remedy:)`.
/// - Complexity: O(n).
func requireNoOverflow(_ values: [Double], _ name: String, value: String, _ advice: String) throws {
    try requireNoOverflow(allFinite(values), result: "result", suspects: [OverflowSuspect(name, scale: value)], remedy: advice)
}
