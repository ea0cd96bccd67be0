import CFFTW
import Numerics

/// A real buffer allocated by `fftw_alloc_real`, so it has the SIMD alignment FFTW's plans
/// assume; freed in `deinit`. Plans made by `FFTPlanCache` may be executed on any two such
/// buffers (FFTW's new-array execute requires the alignment the plan was made with).
public final class FFTWRealBuffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Double>           // (count)

    /// A zero-filled buffer of `count` doubles.
    /// - Precondition: 1 ≤ count ≤ `maximumResultElements` = 2³⁰ (a violation traps with the
    ///   count; a count near `Int.max` would otherwise wrap FFTW's byte count).
    /// - Complexity: O(count).
    public init(count: Int) {
        requirePrecondition(count > 0 && count <= maximumResultElements,
                            "FFTWRealBuffer(count:): count = \(count), but it must be ≥ 1 and at most 2^30 = \(maximumResultElements)")
        self.count = count
        guard let memory = fftw_alloc_real(count) else { fatalError("FFTWRealBuffer: could not allocate \(count) doubles") }
        pointer = memory
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { fftw_free(pointer) }

    /// The buffer as a Swift buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Double> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}

/// A complex buffer allocated by `fftw_alloc_complex` (aligned), viewed as swift-numerics
/// `Complex<Double>`: both are two contiguous doubles (real, imaginary), so the same memory is
/// handed to FFTW as `fftw_complex*` without a copy.
public final class FFTWComplexBuffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Complex<Double>>  // (count)

    /// A zero-filled buffer of `count` complex numbers.
    /// - Precondition: 1 ≤ count ≤ `maximumResultElements` = 2³⁰ (a violation traps with the
    ///   count; a count near `Int.max` would otherwise wrap FFTW's byte count).
    /// - Complexity: O(count).
    public init(count: Int) {
        requirePrecondition(count > 0 && count <= maximumResultElements,
                            "FFTWComplexBuffer(count:): count = \(count), but it must be ≥ 1 and at most 2^30 = \(maximumResultElements)")
        self.count = count
        guard let memory = fftw_alloc_complex(count) else { fatalError("FFTWComplexBuffer: could not allocate \(count) complex numbers") }
        let raw = UnsafeMutableRawPointer(memory)
        pointer = raw.bindMemory(to: Complex<Double>.self, capacity: count)
        pointer.initialize(repeating: .zero, count: count)
    }

    deinit { fftw_free(UnsafeMutableRawPointer(pointer)) }

    public var buffer: UnsafeMutableBufferPointer<Complex<Double>> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// The same memory typed as FFTW expects it.
    var fftw: UnsafeMutablePointer<fftw_complex> { UnsafeMutablePointer(OpaquePointer(pointer)) }
}
