import CLAPACK
import CVectorMath
import Synchronization

/// OpenBLAS's own thread pool, and how the library keeps it from fighting ours.
///
/// OpenBLAS parallelises each GEMM over its pool. Where the library parallelises itself (heads
/// of the chunked SSD over the cores), every worker's small GEMMs would each try to use the whole
/// pool too: on two cores that oversubscription made the chunked SSD 3–5× slower here. So such
/// code runs inside `withSingleThreadedBLAS`: OpenBLAS uses one thread per call for the
/// duration, then its previous setting is restored. Nested and concurrent uses are counted: the
/// first sets one thread, the last restores.
public enum BLASThreads {
    private static let state = Mutex<(depth: Int, saved: Int32)>((0, 0))

    /// OpenBLAS's current thread count.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to one thread per call.
    /// - Complexity: O(1) around `body`.
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        state.withLock { s in
            if s.depth == 0 { s.saved = openblas_get_num_threads(); openblas_set_num_threads(1) }
            s.depth += 1
        }
        defer {
            state.withLock { s in
                s.depth -= 1
                if s.depth == 0 { openblas_set_num_threads(s.saved) }
            }
        }
        return try body()
    }
}

/// Which of OpenBLAS's kernel sets runs the GEMMs.
///
/// OpenBLAS chooses its kernels when it loads, from the CPU's model number. The version Debian 12
/// ships (0.3.21) does not know newer CPUs (Sapphire Rapids, and virtual CPUs that report a
/// generic model) and falls back to "Prescott", its SSE3 kernels, whose dgemm runs 5–8× below the
/// AVX-512 ones on the same machine (measured here: 12.5 against 76–120 GFLOP/s, one thread).
/// `selectKernelsForThisCPU()` sets OpenBLAS's documented `OPENBLAS_CORETYPE` from the CPU's
/// AVX-512 / AVX2 support and asks OpenBLAS to choose again. It is opt-in, not automatic: 0.3.21's
/// AVX2/AVX-512 complex gemv can read past its arrays (OpenBLAS issue #4013, fixed later), which
/// crashed LAPACK's `zheev` (`hermitianEigen`) here. Chapter 08, which trains with real GEMMs
/// only, opts in; the rest of the library, its tests and Bench keep OpenBLAS's own choice.
public enum BLASCore {
    /// The kernel set in use now, as OpenBLAS names it ("SkylakeX", "Haswell", "Prescott", …).
    public static var name: String { String(cString: ass_openblas_core()) }
    /// "SkylakeX", or "SkylakeX (OpenBLAS itself chose Prescott)" after a switch.
    public static var summary: String {
        let chosen = String(cString: ass_openblas_detected_core())
        return chosen.isEmpty || chosen == name ? name : "\(name) (OpenBLAS itself chose \(chosen))"
    }

    /// Switches OpenBLAS from its "Prescott" fallback to the AVX-512 or AVX2 kernels this CPU
    /// supports; does nothing if OpenBLAS chose otherwise, `OPENBLAS_CORETYPE` is set, or this
    /// OpenBLAS cannot switch. Call it before any BLAS work, and only in a program that never
    /// calls LAPACK's complex routines (see the type's note). Returns whether it switched.
    @discardableResult
    public static func selectKernelsForThisCPU() -> Bool { ass_openblas_select_cpu_kernels() == 1 }
}
