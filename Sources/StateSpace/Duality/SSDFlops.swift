/// Floating-point operation counts of the three SSD forms, counting a multiply-add as 2 (as the
/// Mamba-2 paper and blog do), for T steps, H heads of dimension P, state N, G groups, chunk Q.
/// Each count is O(1) to evaluate, in Double (no size can overflow it), and throws
/// `invalidParameter` for any size < 1, naming it.
public enum SSDFlops {
    /// Recurrent: per step and head, decay (PN), outer product (2PN), read-out (2PN).
    public static func recurrent(t: Int, h: Int, p: Int, n: Int) throws -> Double {
        try requireSizes(t: t, h: h, p: p, n: n)
        return 5 * Double(t) * Double(h) * Double(p) * Double(n)
    }

    /// Quadratic: C Bᵀ per group (2T²N), mask product per head (T²), M X per head (2T²P).
    public static func quadratic(t: Int, h: Int, p: Int, n: Int, g: Int = 1) throws -> Double {
        try requireSizes(t: t, h: h, p: p, n: n, g: g)
        let tt = Double(t) * Double(t)
        return 2 * tt * Double(n) * Double(g) + Double(h) * (tt + 2 * tt * Double(p))
    }

    /// Chunked with chunk Q: per chunk, C Bᵀ per group (2Q²N), mask + M X per head (Q² + 2Q²P),
    /// states (2QPN per head), state → output (2QNP per head), state passing (2PN per head).
    /// A Q above T counts as Q = T, as `ssdChunked` runs it.
    public static func chunked(t: Int, h: Int, p: Int, n: Int, g: Int = 1, q: Int) throws -> Double {
        let (chunks, q) = try chunking(t: t, h: h, p: p, n: n, g: g, q: q)
        let qq = Double(q) * Double(q)
        let (hd, pd, nd, gd, qd) = (Double(h), Double(p), Double(n), Double(g), Double(q))
        return chunks * (2 * qq * nd * gd + hd * (qq + 2 * qq * pd + 4 * qd * pd * nd + 2 * pd * nd))
    }

    /// The GEMM part of `chunked` (steps 1, 2, 4: the matmuls), for the GEMM-efficiency figure.
    public static func chunkedGEMM(t: Int, h: Int, p: Int, n: Int, g: Int = 1, q: Int) throws -> Double {
        let (chunks, q) = try chunking(t: t, h: h, p: p, n: n, g: g, q: q)
        let qq = Double(q) * Double(q)
        return chunks * (2 * qq * Double(n) * Double(g) + Double(h) * (2 * qq * Double(p) + 4 * Double(q) * Double(p) * Double(n)))
    }

    /// ⌈T/Q⌉ chunks (without forming T + Q − 1, which could overflow) and the effective Q = min(Q, T).
    private static func chunking(t: Int, h: Int, p: Int, n: Int, g: Int, q: Int) throws -> (chunks: Double, q: Int) {
        try requireSizes(t: t, h: h, p: p, n: n, g: g)
        try requirePositive(q, "chunk size Q")
        let effective = min(q, t)
        return (Double(t / effective + (t % effective == 0 ? 0 : 1)), effective)
    }

    private static func requireSizes(t: Int, h: Int, p: Int, n: Int, g: Int = 1) throws {
        for (value, name) in [(t, "length T"), (h, "heads H"), (p, "head dimension P"), (n, "state size N"), (g, "groups G")] {
            try requirePositive(value, name)
        }
    }
}
