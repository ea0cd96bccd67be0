import Foundation
import PropertyBased
import Synchronization
import Testing
@testable import StateSpace

// Property tests: every identity the book relies on, checked on hundreds of random shapes and
// parameters with x-sheep/swift-property-based's generators and shrinker.
//
// Reproducible: case i of a property draws its input from a Xoshiro stream whose state is
// fixed by (the property's seed, i), so every run checks the same cases. On the first failing
// case, that state is handed to PropertyBased's `propertyCheck` under its fixed-seed trait: it
// reproduces the case, shrinks it, and reports "Failure occured with input … (shrunk down from
// … after k iterations)" with the seed to pin it in a test. Set PROPERTY_SEED=<n> to draw a
// different set of cases (e.g. in a soak run); PROPERTY_VERBOSE=1 prints each property's case
// count and its worst error as a fraction of its tolerance.
//
// Shapes and parameters come from generators and shrink; the arrays (signals, matrices) are a
// seeded function of the case's `data` seed, so a case prints in one line and shrinks by its
// shapes instead of element by element.

/// One comparison of a property: an error measured against its tolerance. NaN fails.
struct Comparison: CustomStringConvertible {
    let name: String
    let error: Double
    let tolerance: Double

    var holds: Bool { error <= tolerance }
    var description: String {
        "\(name): error \(String(format: "%.3g", error)) > tolerance \(String(format: "%.3g", tolerance))"
    }
}

/// ‖a − b‖∞ ≤ tolerance, as a `Comparison` (NaN anywhere gives a NaN error, which fails).
func compare(_ name: String, _ a: [Double], _ b: [Double], tolerance: Double) -> Comparison {
    Comparison(name: name, error: a.count == b.count ? maxAbsDifference(a, b) : .infinity, tolerance: tolerance)
}

/// max_i |a_i − b_i| / tolerance_i ≤ 1, as a `Comparison`: for elementwise tolerances (each
/// output against the magnitude of its own terms). An exact match counts 0 even where the
/// tolerance is 0; NaN fails.
func compareElementwise(_ name: String, _ a: [Double], _ b: [Double], tolerances: [Double]) -> Comparison {
    guard a.count == b.count, b.count == tolerances.count else {
        return Comparison(name: name + " (shapes differ)", error: .infinity, tolerance: 1)
    }
    var worst = 0.0
    for i in a.indices {
        let difference = abs(a[i] - b[i])
        if difference.isNaN { return Comparison(name: name + " (NaN)", error: .nan, tolerance: 1) }
        if difference > 0 { worst = max(worst, difference / tolerances[i]) }
    }
    return Comparison(name: name + ", max_i |error_i| / tolerance_i", error: worst, tolerance: 1)
}

/// Unit roundoff of Double, u = 2⁻⁵³ (the ε of the error bounds below; `ulpOfOne` is 2u).
let unitRoundoff = Double.ulpOfOne / 2

/// The cases a property ran and the worst error/tolerance ratio among them.
struct PropertyRun<Value> {
    let cases: [Value]
    let worstRatio: Double
}

/// Runs `property` on `count` inputs from `input`, reproducibly (see the top of this file).
/// Records one issue (with PropertyBased's shrunk counterexample) if any comparison fails
/// or the property throws.
/// - Returns: the inputs checked (for coverage assertions) and the worst error/tolerance ratio.
@discardableResult
func checkProperty<Value, Shrinks>(
    _ name: String, count: Int, seed: UInt64, input: Generator<Value, Shrinks>,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ property: (Value) throws -> [Comparison]
) async -> PropertyRun<Value> {
    let master = ProcessInfo.processInfo.environment["PROPERTY_SEED"].flatMap(UInt64.init) ?? seed
    var cases: [Value] = []
    var worst = 0.0
    for i in 0..<count {
        let state = caseState(master, i)
        var rng = Xoshiro(seed: state)
        let value = input.run(using: &rng)
        cases.append(value)
        let failed: Bool
        do {
            let comparisons = try property(value)
            for c in comparisons where c.tolerance > 0 { worst = max(worst, c.error / c.tolerance) }
            failed = comparisons.contains { !$0.holds }
        } catch {
            failed = true
        }
        if failed {
            await shrinkAndReport(state: state, input: input, sourceLocation: sourceLocation, property)
            return PropertyRun(cases: cases, worstRatio: .infinity)
        }
    }
    if ProcessInfo.processInfo.environment["PROPERTY_VERBOSE"] != nil {
        print("property \(name): \(count) cases, worst error/tolerance = \(String(format: "%.2g", worst))")
    }
    return PropertyRun(cases: cases, worstRatio: worst)
}

/// Xoshiro's state for case i: four SplitMix64 outputs (never all zero).
private func caseState(_ seed: UInt64, _ i: Int) -> (UInt64, UInt64, UInt64, UInt64) {
    var mix = SplitMix64(seed: seed &+ 0x51_7CC1_B727_220A &* UInt64(i + 1))
    return (mix.next(), mix.next(), mix.next(), mix.next())
}

/// Replays the failing case through PropertyBased (fixed-seed trait, one case), which shrinks
/// it and records the failure with the original and the shrunk input.
private func shrinkAndReport<Value, Shrinks>(
    state: (UInt64, UInt64, UInt64, UInt64), input: Generator<Value, Shrinks>,
    sourceLocation: SourceLocation, _ property: (Value) throws -> [Comparison]
) async {
    let trait = FixedSeedTrait.fixedSeed(state.0, state.1, state.2, state.3, sourceLocation: sourceLocation)
    await trait.provideScope(for: Test.current!, testCase: Test.Case.current) {
        await propertyCheck(input: input, perform: { value in
            do {
                for c in try property(value) where !c.holds { Issue.record("\(c)", sourceLocation: sourceLocation) }
            } catch {
                Issue.record(error, sourceLocation: sourceLocation)
            }
        }, sourceLocation: sourceLocation)
    }
}

/// Runs a property fed a deliberately wrong ingredient and expects it to be caught: at least
/// one failure, reported with a shrunk counterexample. The failures are recorded as known
/// issues, so this test passes exactly when the property fails.
/// - Returns: the messages PropertyBased recorded (the first names the shrunk input).
@discardableResult
func expectCaught(_ run: () async -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> [String] {
    let messages = Mutex<[String]>([])
    await withKnownIssue("a deliberately wrong ingredient must make the property fail", sourceLocation: sourceLocation) {
        await run()
    } matching: { issue in
        messages.withLock { $0 += issue.comments.map(\.rawValue) }
        return true
    }
    let recorded = messages.withLock { $0 }
    #expect(recorded.contains { $0.contains("shrunk down from") }, "the failure was not shrunk: \(recorded)",
            sourceLocation: sourceLocation)
    return recorded
}

// MARK: - Shapes

/// Sequence lengths that exercise every code path: 1…4 (1 is the edge of every loop), small
/// lengths, primes (never a power of two: FFT padding, Blelloch padding, chunk remainders),
/// and larger lengths up to `maximum`. Each branch shrinks towards its smallest value.
func lengthGenerator(upTo maximum: Int) -> Generator<Int, AnySequence<(index: Int, value: Int)>> {
    let primes = [2, 3, 5, 7, 11, 13, 17, 31, 61, 67, 97, 127, 131, 251, 257, 509, 521, 1021, 1031, 2039].filter { $0 <= maximum }
    return Gen.frequency([
        (weight: 1, gen: Gen.int(in: 1...4).eraseToAnySequence()),
        (weight: 3, gen: Gen.int(in: 1...min(64, maximum)).eraseToAnySequence()),
        (weight: 2, gen: Gen.int(in: 0...(primes.count - 1)).map { primes[$0] }.eraseToAnySequence()),
        (weight: 1, gen: Gen.int(in: min(65, maximum)...maximum).eraseToAnySequence()),
    ])
}

/// A value log-uniform in [10^lo, 10^hi]; it shrinks through its exponent, towards 1 when the
/// range holds it, else towards the end nearer 1.
func logUniform(_ exponents: ClosedRange<Double>) -> Generator<Double, Shrink.Floating<Double>> {
    Gen.double(in: exponents).map { pow(10, $0) }
}

/// A seed for a case's arrays.
let dataSeed = Gen.uint64(in: 0...UInt64(UInt32.max))

/// The shapes drawn cover what they must: 1, a prime above 2, a non-power of two, a power of two.
func expectCoverage(_ lengths: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
    let isPrime = { (n: Int) in n > 2 && (2..<n).allSatisfy { n % $0 != 0 } }
    #expect(lengths.contains(1), "no case of length 1", sourceLocation: sourceLocation)
    #expect(lengths.contains(where: isPrime), "no prime length", sourceLocation: sourceLocation)
    #expect(lengths.contains { $0 > 2 && $0.nonzeroBitCount > 1 }, "no non-power-of-two length", sourceLocation: sourceLocation)
    #expect(lengths.contains { $0 > 2 && $0.nonzeroBitCount == 1 }, "no power-of-two length", sourceLocation: sourceLocation)
}

// MARK: - Data

/// Uniform entries in [−1, 1] from a seeded stream.
func uniformArray(_ count: Int, rng: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in Double.random(in: -1...1, using: &rng) }
}

/// Standard normal entries from a seeded stream.
func gaussianArray(_ count: Int, rng: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in rng.nextGaussian() }
}

func gaussianMatrix(_ rows: Int, _ cols: Int, rng: inout SplitMix64) throws -> Matrix {
    try Matrix(rows: rows, cols: cols, elements: gaussianArray(rows * cols, rng: &rng))
}

/// ‖v‖₂.
func twoNorm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// ‖v‖₁.
func oneNorm(_ v: [Double]) -> Double { v.reduce(0) { $0 + abs($1) } }

/// A matrix with every entry replaced by its absolute value.
func absolute(_ m: Matrix) -> Matrix {
    var a = m
    for i in a.elements.indices { a.elements[i] = abs(a.elements[i]) }
    return a
}
