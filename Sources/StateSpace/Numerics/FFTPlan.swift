import CFFTW
import Synchronization

/// Which transform a plan computes, and its size n.
///
/// - `realForward`: r2c, n reals → n/2+1 complex (the rest is the conjugate mirror).
/// - `realInverse`: c2r, n/2+1 complex → n reals. **Destroys its input** (FFTW's c2r does).
/// - `complexForward` / `complexInverse`: c2c, n → n, with the sign −1 / +1 in the exponent.
/// All are unnormalised, as in FFTW: forward then inverse multiplies by n. The 1/n is applied in
/// exactly one place, `FFT.inverseScale(n)`.
public enum FFTKind: Hashable, Sendable {
    case realForward, realInverse, complexForward, complexInverse
}

/// One FFTW plan, created once for its (kind, n) by `FFTPlanCache` and destroyed in `deinit`.
///
/// Executing is thread-safe in FFTW (`fftw_execute_dft*` with new arrays); the arrays must be
/// `FFTWRealBuffer`/`FFTWComplexBuffer`s (aligned like the ones used when planning).
///
/// Lifetime: the plan is a reference-counted object, and `fftw_destroy_plan` runs only in
/// `deinit`, i.e. when the last holder lets go. A cache that evicts a plan merely drops its own
/// reference, so a plan another thread is executing (and therefore holds) stays alive until
/// that thread is done with it.
public final class FFTPlan: @unchecked Sendable {
    public let kind: FFTKind
    public let size: Int
    let plan: OpaquePointer

    /// The largest transform size n: 2³⁰ = `maximumResultElements`, the library's cap on one
    /// array (FFTW's 1-D planners would take up to 2³¹ − 1, n being a C `int`; a plan of that
    /// size needs 16 GB buffers of complex numbers).
    public static let maximumSize = min(Int(Int32.max), maximumResultElements)

    fileprivate init(kind: FFTKind, size: Int) {
        self.kind = kind
        self.size = size
        // FFTW_ESTIMATE: plan from heuristics without touching the arrays (MEASURE would time
        // candidates and overwrite them). The planning arrays are temporary aligned buffers.
        let flags = UInt32(1 << 6)                             // FFTW_ESTIMATE
        let n = Int32(size)                                    // size ≤ maximumSize: checked by the cache
        switch kind {
        case .realForward:
            let x = FFTWRealBuffer(count: size), y = FFTWComplexBuffer(count: size / 2 + 1)
            plan = fftw_plan_dft_r2c_1d(n, x.pointer, y.fftw, flags)
        case .realInverse:
            let x = FFTWComplexBuffer(count: size / 2 + 1), y = FFTWRealBuffer(count: size)
            plan = fftw_plan_dft_c2r_1d(n, x.fftw, y.pointer, flags)
        case .complexForward, .complexInverse:
            let x = FFTWComplexBuffer(count: size), y = FFTWComplexBuffer(count: size)
            let sign = kind == .complexForward ? FFTW_FORWARD : FFTW_BACKWARD
            plan = fftw_plan_dft_1d(n, x.fftw, y.fftw, sign, flags)
        }
    }

    deinit {
        // Destroying a plan touches FFTW's planner state: serialise it like planning.
        fftwPlannerLock.withLock { _ in fftw_destroy_plan(plan) }
    }

    /// r2c: `input` (n) → `output` (n/2+1).
    /// - Precondition: a `.realForward` plan, input ≥ n and output ≥ n/2+1 entries (a violation
    ///   traps with the kind and the lengths).
    /// - Complexity: O(n log n).
    public func execute(_ input: FFTWRealBuffer, _ output: FFTWComplexBuffer) {
        requirePrecondition(kind == .realForward && input.count >= size && output.count >= size / 2 + 1,
                            mismatch("real input (\(input.count)) → complex output (\(output.count))",
                                     needs: "a realForward plan, input ≥ \(size), output ≥ \(size / 2 + 1)"))
        fftw_execute_dft_r2c(plan, input.pointer, output.fftw)
    }

    /// c2r: `input` (n/2+1, destroyed) → `output` (n).
    /// - Precondition: a `.realInverse` plan, input ≥ n/2+1 and output ≥ n entries (traps with
    ///   the kind and the lengths).
    /// - Complexity: O(n log n).
    public func execute(_ input: FFTWComplexBuffer, _ output: FFTWRealBuffer) {
        requirePrecondition(kind == .realInverse && input.count >= size / 2 + 1 && output.count >= size,
                            mismatch("complex input (\(input.count)) → real output (\(output.count))",
                                     needs: "a realInverse plan, input ≥ \(size / 2 + 1), output ≥ \(size)"))
        fftw_execute_dft_c2r(plan, input.fftw, output.pointer)
    }

    /// c2c: `input` (n) → `output` (n).
    /// - Precondition: a complex plan, input and output ≥ n entries (traps with the kind and
    ///   the lengths).
    /// - Complexity: O(n log n).
    public func execute(_ input: FFTWComplexBuffer, _ output: FFTWComplexBuffer) {
        requirePrecondition((kind == .complexForward || kind == .complexInverse) && input.count >= size && output.count >= size,
                            mismatch("complex input (\(input.count)) → complex output (\(output.count))",
                                     needs: "a complex plan, input ≥ \(size), output ≥ \(size)"))
        fftw_execute_dft(plan, input.fftw, output.fftw)
    }

    private func mismatch(_ call: String, needs: String) -> String {
        "FFTPlan.execute: \(kind) plan of size \(size) given \(call): needs \(needs)"
    }
}

/// FFTW's planner is not thread-safe: every plan creation and destruction takes this lock.
let fftwPlannerLock = Mutex<Void>(())

/// The process-wide plan cache: at most `capacityPerKind` plans of each kind (64 by default,
/// so ≤ 256 plans in all), kept in least-recently-used order.
///
/// Why bounded: an FFTW plan holds O(n) twiddle factors and scratch, so a plan per distinct
/// length grows without limit in a long run over many lengths (5,000 lengths took 300 MB).
/// When a kind is full, requesting a new size evicts that kind's least recently requested
/// plan. Eviction only drops the cache's reference: the plan is destroyed (`fftw_destroy_plan`,
/// under the planner lock) when its last user releases it, so a plan in use is never freed.
///
/// Locks: the cache lock is held while planning (so two threads never plan the same key
/// twice) and is always taken before the planner lock, never the other way round. Evicted
/// plans are released after the cache lock is dropped.
public final class FFTPlanCache: Sendable {
    public static let shared = FFTPlanCache()

    /// The default bound: 64 plans per kind, e.g. 64 distinct convolution lengths in flight.
    public static let defaultCapacityPerKind = 64

    /// How many plans of one kind this cache keeps before evicting.
    public let capacityPerKind: Int

    private struct Key: Hashable { let kind: FFTKind; let size: Int }
    private struct Entry { let plan: FFTPlan; var lastUse: UInt64 }
    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0                                  // ticks once per request
    }
    private let state = Mutex(State())

    /// An empty cache keeping at most `capacityPerKind` plans of each kind. The library's
    /// transforms use `shared` unless given another; a private cache is for tests and for code
    /// that wants to free its plans independently.
    /// - Precondition: capacityPerKind ≥ 1 (traps with the value).
    public init(capacityPerKind: Int = FFTPlanCache.defaultCapacityPerKind) {
        requirePrecondition(capacityPerKind >= 1, "FFTPlanCache(capacityPerKind:): capacityPerKind = \(capacityPerKind), but it must be ≥ 1")
        self.capacityPerKind = capacityPerKind
    }

    /// The plan for (kind, n), created on first request (and again after an eviction).
    /// - Precondition: 1 ≤ n ≤ `FFTPlan.maximumSize` (traps with n; the library's transforms
    ///   validate n and throw first).
    /// - Complexity: O(1) for a cached plan; a new plan costs O(n log n) to plan plus an
    ///   O(capacity) scan for the eviction.
    public func plan(_ kind: FFTKind, size: Int) -> FFTPlan {
        requirePrecondition(size >= 1 && size <= FFTPlan.maximumSize,
                            "FFTPlanCache.plan: size = \(size), but FFTW sizes must be in 1...\(FFTPlan.maximumSize)")
        let (plan, evicted) = state.withLock { s -> (FFTPlan, FFTPlan?) in
            s.clock += 1
            let key = Key(kind: kind, size: size)
            if let entry = s.entries[key] {
                s.entries[key]?.lastUse = s.clock
                return (entry.plan, nil)
            }
            let plan = fftwPlannerLock.withLock { _ in FFTPlan(kind: kind, size: size) }
            s.entries[key] = Entry(plan: plan, lastUse: s.clock)
            return (plan, evictIfFull(kind, &s))
        }
        withExtendedLifetime(evicted) {}                        // its release (maybe its deinit) happens here, unlocked
        return plan
    }

    /// Removes the least recently used plan of `kind` if that kind holds more than the capacity.
    /// - Complexity: O(number of cached plans).
    private func evictIfFull(_ kind: FFTKind, _ s: inout State) -> FFTPlan? {
        let ofKind = s.entries.filter { $0.key.kind == kind }
        guard ofKind.count > capacityPerKind,
              let oldest = ofKind.min(by: { $0.value.lastUse < $1.value.lastUse }) else { return nil }
        return s.entries.removeValue(forKey: oldest.key)?.plan
    }

    /// The cached plan for (kind, n) if there is one; never creates a plan and does not count
    /// as a use.
    /// - Complexity: O(1).
    public func cachedPlan(_ kind: FFTKind, size: Int) -> FFTPlan? {
        state.withLock { $0.entries[Key(kind: kind, size: size)]?.plan }
    }

    /// How many plans are cached (for tests and curiosity). - Complexity: O(1).
    public var count: Int { state.withLock { $0.entries.count } }

    /// How many plans of `kind` are cached (≤ `capacityPerKind`).
    /// - Complexity: O(number of cached plans).
    public func count(_ kind: FFTKind) -> Int {
        state.withLock { $0.entries.keys.filter { $0.kind == kind }.count }
    }

    /// Drops every cached plan; each is destroyed once no caller still holds it.
    /// - Complexity: O(number of plans).
    public func removeAll() {
        let dropped = state.withLock { s -> [Key: Entry] in
            defer { s.entries.removeAll() }
            return s.entries
        }
        withExtendedLifetime(dropped) {}                        // released unlocked
    }
}
