/// Floating-point operation counts of the three SSD forms, counting a multiply-add as 2 (as the
/// Mamba-2 paper and blog do), for T steps, H heads of dimension P, state N, G groups, chunk Q.
/// Each count is O(1) to evaluate.
public enum SSDFlops {
    /// Recurrent: per step and head, decay (PN), outer product (2PN), read-out (2PN).
    public static func recurrent(t: Int, h: Int, p: Int, n: Int) -> Double {
        5 * Double(t) * Double(h) * Double(p) * Double(n)
    }

    /// Quadratic: C Bᵀ per group (2T²N), mask product per head (T²), M X per head (2T²P).
    public static func quadratic(t: Int, h: Int, p: Int, n: Int, g: Int = 1) -> Double {
        let tt = Double(t) * Double(t)
        return 2 * tt * Double(n) * Double(g) + Double(h) * (tt + 2 * tt * Double(p))
    }

    /// Chunked with chunk Q: per chunk, C Bᵀ per group (2Q²N), mask + M X per head (Q² + 2Q²P),
    /// states (2QPN per head), state → output (2QNP per head), state passing (2PN per head).
    public static func chunked(t: Int, h: Int, p: Int, n: Int, g: Int = 1, q: Int) -> Double {
        let chunks = Double((t + q - 1) / q), qq = Double(q) * Double(q)
        let (hd, pd, nd, gd, qd) = (Double(h), Double(p), Double(n), Double(g), Double(q))
        return chunks * (2 * qq * nd * gd + hd * (qq + 2 * qq * pd + 4 * qd * pd * nd + 2 * pd * nd))
    }

    /// The GEMM part of `chunked` (steps 1, 2, 4: the matmuls), for the GEMM-efficiency figure.
    public static func chunkedGEMM(t: Int, h: Int, p: Int, n: Int, g: Int = 1, q: Int) -> Double {
        let chunks = Double((t + q - 1) / q), qq = Double(q) * Double(q)
        return chunks * (2 * qq * Double(n) * Double(g) + Double(h) * (2 * qq * Double(p) + 4 * Double(q) * Double(p) * Double(n)))
    }
}
