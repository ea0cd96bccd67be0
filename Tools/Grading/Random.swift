import Foundation
import Numerics
import StateSpace

/// The random draws the graders build their cases from (one SplitMix64 per exercise, seeded by
/// the run's seed and the exercise's number, so exercises do not shift each other's cases).
struct Draw {
    var rng: SplitMix64

    init(seed: UInt64, exercise: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325                     // FNV-1a of the id, mixed with the seed
        for byte in exercise.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        rng = SplitMix64(seed: seed ^ hash)
    }

    mutating func gaussian() -> Double { rng.nextGaussian() }
    mutating func gaussians(_ count: Int) -> [Double] { (0..<count).map { _ in rng.nextGaussian() } }
    mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &rng) }
    /// log-uniform in [lo, hi].
    mutating func logUniform(_ lo: Double, _ hi: Double) -> Double { exp(uniform(log(lo)...log(hi))) }
    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &rng)] }
    mutating func complexGaussians(_ count: Int) -> [Complex<Double>] { (0..<count).map { _ in Complex(gaussian(), gaussian()) } }

    /// A random N×N matrix scaled to ‖Ā‖∞ = 0.9 (a stable discrete system). (N·N)
    mutating func stableMatrix(_ n: Int) -> [Double] {
        let m = gaussians(n * n)
        let norm = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + abs(m[i * n + $1]) } }.max()!
        return m.map { 0.9 * $0 / norm }
    }
}

/// Complex numbers as interleaved (re, im) pairs, for comparison as real vectors.
func interleaved(_ z: [Complex<Double>]) -> [Double] { z.flatMap { [$0.real, $0.imaginary] } }

/// The row-major transpose of an n×n matrix.
func transposed(_ m: [Double], _ n: Int) -> [Double] { (0..<n * n).map { m[($0 % n) * n + $0 / n] } }
