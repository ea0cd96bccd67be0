import Foundation

// Finite inputs can still overflow: a state that sums L inputs of 1e307 is ∞, and the next
// 0·∞ or ∞ − ∞ is NaN. The models check either a bound before they run (the scans, where the
// bound is cheap and exact enough) or the result after (the S4 paths, where it is O(L) against
// O(N·L) of work), and throw naming the inputs whose scale is to blame — never return ∞ or NaN.

/// log₂ of the bound the scans' states and outputs must stay under: 2¹⁰²¹, a quarter of Double's
/// largest finite value (≈ 1.8e308). The factor 4 covers a second bounded term (the skip D·x)
/// and the rounding of the sums (relative (L + N)·ε ≪ 1).
let scanBoundLog2 = 1021.0

/// Throws if `result` holds a NaN or ±∞ although its inputs were finite: the inputs are too large
/// for Double. The message (the shared `requireNoOverflow(_:result:suspects:remedy:)`) names
/// them with their largest magnitudes.
/// - Complexity: O(n) for n results; the inputs are scanned only on failure.
func requireNoOverflow(_ result: [Double], of inputs: [(name: String, values: [Double])], result resultName: String = "output") throws {
    try requireNoOverflow(allFinite(result), result: resultName, suspects: inputs.map { OverflowSuspect($0.name, $0.values) })
}

/// `requireNoOverflow` for one input.
/// - Complexity: O(n).
func requireNoOverflow(_ result: [Double], of input: [Double], _ name: String, result resultName: String = "output") throws {
    try requireNoOverflow(result, of: [(name, input)], result: resultName)
}
