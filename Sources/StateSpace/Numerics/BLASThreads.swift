import CLAPACK
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
