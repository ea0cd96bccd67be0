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
public final class FFTPlan: @unchecked Sendable {
    public let kind: FFTKind
    public let size: Int
    let plan: OpaquePointer

    fileprivate init(kind: FFTKind, size: Int) {
        self.kind = kind
        self.size = size
        // FFTW_ESTIMATE: plan from heuristics without touching the arrays (MEASURE would time
        // candidates and overwrite them). The planning arrays are temporary aligned buffers.
        let flags = UInt32(1 << 6)                             // FFTW_ESTIMATE
        let n = Int32(size)
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

    /// r2c: `input` (n) → `output` (n/2+1). - Complexity: O(n log n).
    public func execute(_ input: FFTWRealBuffer, _ output: FFTWComplexBuffer) {
        precondition(kind == .realForward && input.count >= size && output.count >= size / 2 + 1)
        fftw_execute_dft_r2c(plan, input.pointer, output.fftw)
    }

    /// c2r: `input` (n/2+1, destroyed) → `output` (n). - Complexity: O(n log n).
    public func execute(_ input: FFTWComplexBuffer, _ output: FFTWRealBuffer) {
        precondition(kind == .realInverse && input.count >= size / 2 + 1 && output.count >= size)
        fftw_execute_dft_c2r(plan, input.fftw, output.pointer)
    }

    /// c2c: `input` (n) → `output` (n). - Complexity: O(n log n).
    public func execute(_ input: FFTWComplexBuffer, _ output: FFTWComplexBuffer) {
        precondition((kind == .complexForward || kind == .complexInverse) && input.count >= size && output.count >= size)
        fftw_execute_dft(plan, input.fftw, output.fftw)
    }
}

/// FFTW's planner is not thread-safe: every plan creation and destruction takes this lock.
let fftwPlannerLock = Mutex<Void>(())

/// The process-wide plan cache: one plan per (kind, n), created on first use and reused.
///
/// Lock order is always cache → planner (a plan's `deinit` during `removeAll()` takes the
/// planner lock while the cache lock is held; nothing takes them the other way round).
public final class FFTPlanCache: Sendable {
    public static let shared = FFTPlanCache()

    private struct Key: Hashable { let kind: FFTKind; let size: Int }
    private let plans = Mutex<[Key: FFTPlan]>([:])

    /// An empty cache. The library's transforms all use `shared`; a private cache is for
    /// tests and for code that wants to free its plans independently.
    public init() {}

    /// The plan for (kind, n), created on first request.
    /// - Complexity: O(1) amortised after the first call for a size; planning is O(n log n).
    public func plan(_ kind: FFTKind, size: Int) -> FFTPlan {
        precondition(size > 0, "FFTPlanCache: size must be positive")
        return plans.withLock { plans in
            let key = Key(kind: kind, size: size)
            if let plan = plans[key] { return plan }
            let plan = fftwPlannerLock.withLock { _ in FFTPlan(kind: kind, size: size) }
            plans[key] = plan
            return plan
        }
    }

    /// The cached plan for (kind, n) if there is one; never creates a plan.
    /// - Complexity: O(1).
    public func cachedPlan(_ kind: FFTKind, size: Int) -> FFTPlan? {
        plans.withLock { $0[Key(kind: kind, size: size)] }
    }

    /// How many plans are cached (for tests and curiosity). - Complexity: O(1).
    public var count: Int { plans.withLock { $0.count } }

    /// Drops every cached plan; each is destroyed once no caller still holds it.
    /// - Complexity: O(number of plans).
    public func removeAll() { plans.withLock { $0.removeAll() } }
}
