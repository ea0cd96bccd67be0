import Numerics

// Precondition checks that throw instead of trapping. Each names the parameter it checks.

/// Throws unless `value > 0`.
/// - Complexity: O(1).
@inlinable
public func requirePositive(_ value: Int, _ name: String) throws {
    guard value > 0 else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(value)", allowed: "must be a positive integer (≥ 1)")
    }
}

/// Throws unless `value` is finite and `> 0`.
/// - Complexity: O(1).
@inlinable
public func requirePositive(_ value: Double, _ name: String) throws {
    guard value.isFinite, value > 0 else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(value)", allowed: "must be finite and > 0")
    }
}

/// Throws at the first NaN or ±∞ in `values`.
/// - Complexity: O(n).
@inlinable
public func requireFinite(_ values: [Double], _ name: String) throws {
    if allFinite(values) { return }
    for (i, v) in values.enumerated() where !v.isFinite {
        throw StateSpaceError.nonFinite(name: name, index: i, value: v)
    }
}

/// Throws at the first complex entry with a NaN or ±∞ part (reports the offending part as
/// stored: swift-numerics' `real`/`imaginary` read NaN for any non-finite value, so an
/// infinity would otherwise be reported as NaN).
/// - Complexity: O(n).
@inlinable
public func requireFinite(_ values: [Complex<Double>], _ name: String) throws {
    for (i, z) in values.enumerated() where !z.isFinite {
        let (re, im) = z.rawStorage
        throw StateSpaceError.nonFinite(name: name, index: i, value: re.isFinite ? im : re)
    }
}

/// Throws unless `count == expected`.
/// - Complexity: O(1).
@inlinable
public func requireCount(_ count: Int, _ expected: Int, _ name: String) throws {
    guard count == expected else {
        throw StateSpaceError.shapeMismatch(name: name, expected: "length \(expected)", actual: "length \(count)")
    }
}

/// Throws unless `value ≥ 0`.
/// - Complexity: O(1).
@inlinable
public func requireNonNegative(_ value: Int, _ name: String) throws {
    guard value >= 0 else {
        throw StateSpaceError.invalidParameter(name: name, value: "\(value)", allowed: "must be ≥ 0")
    }
}

/// Throws unless `value` is finite and lies in `range` (the message states the range).
/// - Complexity: O(1).
@inlinable
public func requireInRange(_ value: Double, _ range: ClosedRange<Double>, _ name: String) throws {
    guard value.isFinite, range.contains(value) else {
        throw StateSpaceError.invalidParameter(
            name: name, value: "\(value)",
            allowed: "must be finite and in [\(range.lowerBound), \(range.upperBound)]")
    }
}

/// Throws unless `value` lies in `range`.
/// - Complexity: O(1).
@inlinable
public func requireInRange(_ value: Int, _ range: ClosedRange<Int>, _ name: String) throws {
    guard range.contains(value) else {
        throw StateSpaceError.invalidParameter(
            name: name, value: "\(value)", allowed: "must be in \(range.lowerBound)...\(range.upperBound)")
    }
}

/// `a · b` for sizes, throwing instead of overflowing (e.g. `rows · cols` of a matrix).
/// - Complexity: O(1).
@inlinable
public func checkedProduct(_ a: Int, _ b: Int, _ name: String) throws -> Int {
    let (p, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else {
        throw StateSpaceError.invalidParameter(
            name: name, value: "\(a) × \(b)", allowed: "the product must fit in Int (≤ \(Int.max))")
    }
    return p
}

/// A precondition whose message survives optimisation.
///
/// The library is built with `-O` even in debug builds, and `precondition`'s message is
/// dropped at `-O` (only "precondition failure" is printed). Non-throwing API (operators,
/// hot loops) states its preconditions with this instead, so a violated shape still says
/// which shapes met.
/// - Complexity: O(1) plus the cost of `condition`; `message` is built only on failure.
@inlinable
@inline(__always)
public func requirePrecondition(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}

/// The largest |v| of `values` and where it is (0 at index 0 for an empty array; NaNs are
/// skipped), for error messages that blame an input's scale for an overflow.
/// - Complexity: O(n): `maxMagnitude`, then a search for its first index.
func largestMagnitude(_ values: [Double]) -> (value: Double, index: Int) {
    let best = maxMagnitude(values)
    return (best, best > 0 ? values.firstIndex { abs($0) == best } ?? 0 : 0)
}

/// max |v_i| (0 for an empty array; NaNs are skipped, as by `>`), eight lanes at a time.
/// - Complexity: O(n).
func maxMagnitude(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var (high, low) = (SIMD8<Double>(), SIMD8<Double>())        // (8) each: the largest and smallest v per lane so far
        var i = 0
        while i + 8 <= p.count {
            let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
            high.replace(with: v, where: v .> high)                  // a NaN compares false: skipped
            low.replace(with: v, where: v .< low)
            i += 8
        }
        var best = max(-low.min(), high.max())                         // +0 when all are zero: max returns its second argument on a tie
        while i < p.count { if abs(p[i]) > best { best = abs(p[i]) }; i += 1 }
        return best
    }
}

/// The most numbers one array the library allocates may hold: 2³⁰ (8 GiB of Doubles, 16 GiB of
/// complex numbers). A size that fits in `Int` can still be far beyond memory, and Swift's
/// `Array(repeating:count:)` at `-O` does not refuse it cleanly (the byte count wraps, or the
/// allocator aborts): every size a caller chooses is checked against this first. A (L, N)
/// kernel at N = 64 may have L ≤ 16 777 216; a (T, T) mask T ≤ 32 768.
public let maximumResultElements = 1 << 30

/// Throws unless an array of `count` numbers may be allocated (0 ≤ count ≤ 2³⁰), naming the
/// parameter that set the size (`name` = `value`), not the product.
/// - Complexity: O(1).
@inlinable
public func requireAllocatable(_ count: Int, _ name: String, value: String) throws {
    guard count >= 0, count <= maximumResultElements else {
        throw StateSpaceError.invalidParameter(
            name: name, value: value,
            allowed: "too large: the result would hold \(count) numbers; at most 2^30 = \(maximumResultElements) are allowed")
    }
}

/// a·b (or a·b·c) as an element count, throwing when it overflows `Int` or exceeds 2³⁰.
/// - Complexity: O(1).
@inlinable
public func requireAllocatable(_ factors: [Int], _ name: String, value: String) throws -> Int {
    var count = 1
    for f in factors {
        let (p, overflow) = count.multipliedReportingOverflow(by: f)
        guard f >= 0, !overflow else {
            throw StateSpaceError.invalidParameter(
                name: name, value: value,
                allowed: "too large: the result would hold \(factors.map(String.init).joined(separator: " × ")) numbers, which overflows Int; at most 2^30 are allowed")
        }
        count = p
    }
    try requireAllocatable(count, name, value: value)
    return count
}

// Finite inputs can still overflow: A^400 with A = [[10]] is ∞, and a solve through a pivot
// of 1e-300 is ∞ too. The public numerics check their result after computing it (O(n) against
// O(n log n) or O(n³) of work) and throw naming the inputs whose scale is to blame, in the
// words of the models' `requireNoOverflow` (Selective/OverflowGuard.swift).

/// One input blamed for an overflow: its name and its scale as printed ("1e+300 (largest
/// |entry|)", or a scalar's value).
public struct OverflowSuspect: Sendable {
    public let name: String
    public let scale: String

    /// An array input, described by its largest |entry|.
    /// - Complexity: O(n).
    public init(_ name: String, _ values: [Double]) {
        self.init(name, scale: "\(maxMagnitude(values)) (largest |entry|)")
    }

    /// A complex array input, described by its largest |real or imaginary part|.
    /// - Complexity: O(n).
    public init(_ name: String, _ values: [Complex<Double>]) {
        var best = 0.0
        for z in values { best = max(best, abs(z.rawStorage.0), abs(z.rawStorage.1)) }
        self.init(name, scale: "\(best) (largest |part|)")
    }

    /// An input described by `scale` as given (a scalar such as an exponent k).
    public init(_ name: String, scale: String) {
        self.name = name
        self.scale = scale
    }
}

/// Throws `invalidParameter` unless `resultIsFinite`: the inputs were finite but `result`
/// overflowed Double. The message names every suspect with its scale, says "too large: the
/// <result> overflowed Double (|·| > 1.8e308)" and ends with `remedy` (default: scale the inputs
/// down). The suspects (whose scales cost a scan) are evaluated only on failure.
/// - Complexity: O(1) when the result is finite.
public func requireNoOverflow(_ resultIsFinite: Bool, result: String,
                              suspects: @autoclosure () -> [OverflowSuspect], remedy: String? = nil) throws {
    guard !resultIsFinite else { return }
    let suspects = suspects()
    let one = suspects.count == 1
    throw StateSpaceError.invalidParameter(
        name: suspects.map(\.name).joined(separator: " and "),
        value: suspects.map(\.scale).joined(separator: " and "),
        allowed: "too large: the \(result) overflowed Double (|·| > 1.8e308); " + (remedy ?? "scale \(one ? "it" : "them") down"))
}

/// True when every entry is finite (no NaN, no ±∞).
///
/// v·0 is ±0 for finite v and NaN for NaN or ±∞, so the sum of all v·0 is 0 exactly when every
/// entry is finite. Summed in four chains of eight SIMD lanes without a branch, this runs at memory speed (the
/// training loop checks every gradient it receives).
/// - Complexity: O(n).
@inlinable
public func allFinite(_ values: [Double]) -> Bool {
    values.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var lanes = (SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>())   // four chains: adds overlap
        var i = 0
        while i + 32 <= p.count {
            lanes.0 += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self) * 0
            lanes.1 += raw.loadUnaligned(fromByteOffset: (i + 8) * 8, as: SIMD8<Double>.self) * 0
            lanes.2 += raw.loadUnaligned(fromByteOffset: (i + 16) * 8, as: SIMD8<Double>.self) * 0
            lanes.3 += raw.loadUnaligned(fromByteOffset: (i + 24) * 8, as: SIMD8<Double>.self) * 0
            i += 32
        }
        var rest = 0.0
        while i < p.count { rest += p[i] * 0; i += 1 }
        return ((lanes.0 + lanes.1) + (lanes.2 + lanes.3)).sum() + rest == 0
    }
}

/// True when every entry has finite real and imaginary parts.
/// - Complexity: O(n).
@inlinable
public func allFinite(_ values: [Complex<Double>]) -> Bool {
    values.allSatisfy(\.isFinite)
}
