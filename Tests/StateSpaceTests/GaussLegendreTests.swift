import Foundation
import Testing
@testable import StateSpace

@Suite("Gauss–Legendre quadrature")
struct GaussLegendreTests {
    @Test("m nodes integrate every monomial of degree ≤ 2m − 1 exactly", arguments: [1, 2, 5, 16, 100])
    func exactness(m: Int) throws {
        let (x, w) = try gaussLegendre(points: m)
        #expect(x.count == m && w.count == m)
        for degree in 0...(2 * m - 1) {
            let sum = zip(x, w).reduce(0) { $0 + $1.1 * pow($1.0, Double(degree)) }
            let exact = degree % 2 == 1 ? 0 : 2 / Double(degree + 1)
            #expect(abs(sum - exact) <= 1e-13 * Double(m), "degree \(degree): \(sum) vs \(exact)")
        }
        // Degree 2m is not exact (it would be, were the rule of higher order); its error shrinks
        // fast with m, so look where it is large.
        if m <= 5 {
            let sum = zip(x, w).reduce(0) { $0 + $1.1 * pow($1.0, Double(2 * m)) }
            #expect(abs(sum - 2 / Double(2 * m + 1)) > 1e-6)
        }
    }

    @Test("nodes are the roots of P_m, decreasing, inside (−1, 1); weights positive, summing to 2")
    func nodes() throws {
        let (x, w) = try gaussLegendre(points: 768)
        #expect(zip(x, x.dropFirst()).allSatisfy { $0 > $1 })
        #expect(x.allSatisfy { abs($0) < 1 } && w.allSatisfy { $0 > 0 })
        #expect(abs(w.reduce(0, +) - 2) <= 1e-12)
        #expect(x.allSatisfy { abs(legendrePolynomialAndDerivative(degree: 768, at: $0).value) <= 1e-12 })
    }

    @Test("a smooth oscillating integrand converges to rounding, mapped to [a, b]")
    func mapped() throws {
        let (s, w) = gaussLegendre(try gaussLegendre(points: 200), on: 0.5...3)
        let integral = zip(s, w).reduce(0) { $0 + $1.1 * cos(30 * $1.0) }
        #expect(abs(integral - (sin(90) - sin(15)) / 30) <= 1e-14)
    }

    @Test("P_m and P_m' against closed forms, including x = ±1")
    func legendre() {
        for x in [-1.0, -0.3, 0, 0.7, 1] {
            let (p3, d3) = legendrePolynomialAndDerivative(degree: 3, at: x)
            #expect(abs(p3 - (5 * x * x * x - 3 * x) / 2) <= 1e-15)
            #expect(abs(d3 - (15 * x * x - 3) / 2) <= 1e-14)
            let (p4, d4) = legendrePolynomialAndDerivative(degree: 4, at: x)
            #expect(abs(p4 - (35 * pow(x, 4) - 30 * x * x + 3) / 8) <= 1e-15)
            #expect(abs(d4 - (140 * x * x * x - 60 * x) / 8) <= 1e-13)
        }
        #expect(legendrePolynomialAndDerivative(degree: 0, at: 0.4) == (1, 0))
    }

    @Test("bad sizes are refused by name")
    func refused() {
        for m in [0, -3, (1 << 16) + 1] {
            #expect { _ = try gaussLegendre(points: m) } throws: { "\($0)".contains("quadrature points m") }
        }
    }
}
