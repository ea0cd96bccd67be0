import Foundation
import Numerics
@testable import StateSpace

extension BadInput {
    /// Rows for this area of the library (see BadInputCatalogue.swift for what a row asserts).
    static let numerics: [BadInput] = matrices + linearAlgebra + exponentials + transforms + fits + validation + more
        + overflows + sizes

    /// Matrix and ComplexMatrix construction, and the checked product.
    static let matrices: [BadInput] = [
        BadInput("Matrix(rows: Int.max, cols: 2, elements: [])", mentions: ["rows × cols", "\(Int.max) × 2"]) {
            try Matrix(rows: Int.max, cols: 2, elements: []).elements
        },
        BadInput("Matrix(rows: 1 << 32, cols: 1 << 32, elements: [])", mentions: ["rows × cols", "4294967296 × 4294967296"]) {
            try Matrix(rows: 1 << 32, cols: 1 << 32, elements: []).elements
        },
        BadInput("Matrix(rows: -1, cols: 2, elements: [])", mentions: ["rows×cols", "-1×2"]) {
            try Matrix(rows: -1, cols: 2, elements: []).elements
        },
        BadInput("Matrix(rows: 2, cols: Int.min, elements: [])", mentions: ["rows×cols", "2×\(Int.min)"]) {
            try Matrix(rows: 2, cols: Int.min, elements: []).elements
        },
        BadInput("Matrix(rows: 2, cols: 2, elements: [1, 2, 3])", mentions: ["Matrix elements (2×2)", "length 3"]) {
            try Matrix(rows: 2, cols: 2, elements: [1, 2, 3]).elements
        },
        BadInput("Matrix([[1, 2], [3]])", mentions: ["row 1 of the matrix literal", "length 1"]) {
            try Matrix([[1, 2], [3]]).elements
        },
        BadInput("ComplexMatrix(rows: 3, cols: Int.max / 2, elements: [])", mentions: ["ComplexMatrix rows × cols", "3 × \(Int.max / 2)"]) {
            try ComplexMatrix(rows: 3, cols: Int.max / 2, elements: []).real.elements
        },
        BadInput("ComplexMatrix(rows: -2, cols: 2, elements: [])", mentions: ["rows×cols", "-2×2"]) {
            try ComplexMatrix(rows: -2, cols: 2, elements: []).real.elements
        },
        BadInput("ComplexMatrix(rows: 1, cols: 2, elements: [0])", mentions: ["ComplexMatrix elements (1×2)", "length 1"]) {
            try ComplexMatrix(rows: 1, cols: 2, elements: [.zero]).real.elements
        },
        BadInput("(2×3).multiplied(by: 2×3)", mentions: ["matrix product", "2×3 · 2×3"]) {
            try Matrix(zeros: 2, 3).multiplied(by: Matrix(zeros: 2, 3)).elements
        },
        BadInput("Matrix(zeros: 2, 3).requireSquare(\"A\")", mentions: ["A is 2×3", "square"], void: {
            try Matrix(zeros: 2, 3).requireSquare("A")
        }),
        BadInput("Matrix([[1, .nan]]).requireFinite(\"A\")", mentions: ["A[1] = nan"], void: {
            try Matrix([[1, .nan]]).requireFinite("A")
        }),
    ]

    /// Linear solves, least squares, eigendecompositions, powers.
    static let linearAlgebra: [BadInput] = [
        BadInput("solve(2×3, 2×1)", mentions: ["A is 2×3", "square"]) {
            try solve(Matrix(zeros: 2, 3), Matrix(zeros: 2, 1)).elements
        },
        BadInput("solve(I₂, 3×1)", mentions: ["right-hand side of solve(A, B)", "3×1"]) {
            try solve(Matrix.identity(2), Matrix(zeros: 3, 1)).elements
        },
        BadInput("solve(I₂, [1, 2, 3])", mentions: ["right-hand side of solve(A, B)", "3×1"]) {
            try solve(Matrix.identity(2), [1, 2, 3])
        },
        BadInput("solve([[1, .nan], [0, 1]], [1, 1])", mentions: ["A[1] = nan"]) {
            try solve(try Matrix([[1, .nan], [0, 1]]), [1, 1])
        },
        BadInput("solve(I₂, [.infinity, 1])", mentions: ["B[0] = inf"]) {
            try solve(Matrix.identity(2), [.infinity, 1])
        },
        BadInput("solve([[1, 2], [2, 4]], [1, 1]) (singular)", mentions: ["A is singular", "row 1"]) {
            try solve(try Matrix([[1, 2], [2, 4]]), [1, 1])
        },
        BadInput("solve(zeros 2×2, zeros 2×1) (singular)", mentions: ["A is singular", "row 0"]) {
            try solve(Matrix(zeros: 2, 2), Matrix(zeros: 2, 1)).elements
        },
        BadInput("solve(complex 2×1, complex 2×1)", mentions: ["A is 2×1", "square"]) {
            try solve(ComplexMatrix(zeros: 2, 1), ComplexMatrix(zeros: 2, 1)).real.elements
        },
        BadInput("solve(complex zeros 2×2, complex 2×1) (singular)", mentions: ["A is singular", "row 0"]) {
            try solve(ComplexMatrix(zeros: 2, 2), ComplexMatrix(zeros: 2, 1)).real.elements
        },
        BadInput("solve(complex [[nan + 0i]], complex [[1]])", mentions: ["A[0] = nan"]) {
            let a = try ComplexMatrix(rows: 1, cols: 1, elements: [Complex(.nan, 0)])
            return try solve(a, ComplexMatrix.identity(1)).real.elements
        },
        BadInput("leastSquares([[1, 2], [2, 4], [3, 6]], b) (rank 1)", mentions: ["A is singular", "row 1"]) {
            try leastSquares(try Matrix([[1, 2], [2, 4], [3, 6]]), [1, 2, 3])
        },
        BadInput("leastSquares(zeros 4×2, b) (rank 0)", mentions: ["A is singular", "row 0"]) {
            try leastSquares(Matrix(zeros: 4, 2), [1, 2, 3, 4])
        },
        BadInput("leastSquares(3×5, b) (underdetermined)", mentions: ["m×n with m ≥ n", "3×5"]) {
            try leastSquares(Matrix(zeros: 3, 5), [1, 2, 3])
        },
        BadInput("leastSquares(3×0, b) (no columns)", mentions: ["m×n with m ≥ n ≥ 1", "3×0"]) {
            try leastSquares(Matrix(zeros: 3, 0), [1, 2, 3])
        },
        BadInput("leastSquares(I₂, [1]) (b too short)", mentions: ["right-hand side b", "length 1"]) {
            try leastSquares(Matrix.identity(2), [1])
        },
        BadInput("leastSquares(I₂, [1, .nan])", mentions: ["b[1] = nan"]) {
            try leastSquares(Matrix.identity(2), [1, .nan])
        },
        BadInput("leastSquares([[.infinity], [1]], [1, 1])", mentions: ["A[0] = inf"]) {
            try leastSquares(try Matrix([[.infinity], [1]]), [1, 1])
        },
        BadInput("hermitianEigen(complex 2×3)", mentions: ["H is 2×3", "square"]) {
            try hermitianEigen(ComplexMatrix(zeros: 2, 3)).values
        },
        BadInput("hermitianEigen(complex 0×0)", mentions: ["size of H", "= 0"]) {
            try hermitianEigen(ComplexMatrix(zeros: 0, 0)).values
        },
        BadInput("hermitianEigen([[0 + nan·i]])", mentions: ["H[0] = nan"]) {
            try hermitianEigen(try ComplexMatrix(rows: 1, cols: 1, elements: [Complex(0, .nan)])).values
        },
        BadInput("generalEigen(0×0)", mentions: ["size of A", "= 0"]) {
            try generalEigen(Matrix(zeros: 0, 0)).values.map(\.real)
        },
        BadInput("generalEigen([[1, -.infinity], [0, 1]])", mentions: ["A[1] = -inf"]) {
            try generalEigen(try Matrix([[1, -.infinity], [0, 1]])).values.map(\.real)
        },
        BadInput("spectralRadius(3×2)", mentions: ["A is 3×2", "square"]) {
            [try spectralRadius(Matrix(zeros: 3, 2))]
        },
        BadInput("matrixPower(I₂, -1)", mentions: ["exponent k", "-1"]) {
            try matrixPower(Matrix.identity(2), -1).elements
        },
        BadInput("matrixPower(I₂, Int.min)", mentions: ["exponent k", "\(Int.min)"]) {
            try matrixPower(Matrix.identity(2), Int.min).elements
        },
        BadInput("matrixPower(1×2, 3)", mentions: ["A is 1×2", "square"]) {
            try matrixPower(Matrix(zeros: 1, 2), 3).elements
        },
        BadInput("matrixPower([[.nan]], 2)", mentions: ["A[0] = nan"]) {
            try matrixPower(try Matrix([[.nan]]), 2).elements
        },
    ]

    /// The matrix exponential, both routes.
    static let exponentials: [BadInput] = [
        BadInput("matrixExponential(0×0)", mentions: ["size of A", "= 0"]) {
            try matrixExponential(Matrix(zeros: 0, 0)).elements
        },
        BadInput("matrixExponential(2×1)", mentions: ["A is 2×1", "square"]) {
            try matrixExponential(Matrix(zeros: 2, 1)).elements
        },
        BadInput("matrixExponential([[.nan]])", mentions: ["A[0] = nan"]) {
            try matrixExponential(try Matrix([[.nan]])).elements
        },
        BadInput("matrixExponential([[0, .infinity], [0, 0]])", mentions: ["A[1] = inf"]) {
            try matrixExponential(try Matrix([[0, .infinity], [0, 0]])).elements
        },
        BadInput("matrixExponential([[1000]]) (e¹⁰⁰⁰ overflows)", mentions: ["e^A", "inf"]) {
            try matrixExponential(try Matrix([[1000]])).elements
        },
        BadInput("matrixExponential([[1, 800], [-800, 1]]) (dense, overflows)", mentions: ["e^A"]) {
            try matrixExponential(try Matrix([[800, 1], [1, 800]])).elements
        },
        BadInput("matrixExponential([[1e308, 0], [1e308, 0]]) (‖A‖₁ overflows)", mentions: ["‖A‖₁", "inf"]) {
            try matrixExponential(try Matrix([[1e308, 0], [1e308, 0]])).elements
        },
        BadInput("diagonalizedExponential([[0, 1], [0, 0]]) (defective)", mentions: ["eigenvector matrix V of A", "condition number"]) {
            try diagonalizedExponential(try Matrix([[0, 1], [0, 0]])).elements
        },
        BadInput("diagonalizedExponential([[0, 1], [1e-20, 0]]) (nearly defective)", mentions: ["eigenvector matrix V of A", "condition number"]) {
            try diagonalizedExponential(try Matrix([[0, 1], [1e-20, 0]])).elements
        },
        BadInput("diagonalizedExponential([[800]]) (overflows)", mentions: ["e^A", "inf"]) {
            try diagonalizedExponential(try Matrix([[800]])).elements
        },
        BadInput("diagonalizedExponential([[.nan, 0], [0, 1]])", mentions: ["A[0] = nan"]) {
            try diagonalizedExponential(try Matrix([[.nan, 0], [0, 1]])).elements
        },
    ]

    /// FFTs and causal convolution.
    static let transforms: [BadInput] = [
        BadInput("FFT.forward([Double]())", mentions: ["FFT length n", "= 0"]) {
            try FFT.forward([Double]()).map(\.real)
        },
        BadInput("FFT.forward([1, .nan])", mentions: ["x[1] = nan"]) {
            try FFT.forward([1, .nan]).map(\.real)
        },
        BadInput("FFT.forward([-.infinity])", mentions: ["x[0] = -inf"]) {
            try FFT.forward([-.infinity]).map(\.real)
        },
        BadInput("FFT.inverse(3 entries, count: 8)", mentions: ["spectrum of a length-8 real signal", "length 3"]) {
            try FFT.inverse([Complex<Double>](repeating: .zero, count: 3), count: 8)
        },
        BadInput("FFT.inverse([0], count: 0)", mentions: ["FFT length n", "= 0"]) {
            try FFT.inverse([.zero], count: 0)
        },
        BadInput("FFT.inverse([0], count: -5)", mentions: ["FFT length n", "-5"]) {
            try FFT.inverse([.zero], count: -5)
        },
        BadInput("FFT.inverse([0], count: Int.max)", mentions: ["FFT length n", "\(Int.max)"]) {
            try FFT.inverse([.zero], count: Int.max)
        },
        BadInput("FFT.inverse([nan + 0i], count: 1)", mentions: ["spectrum[0] = nan"]) {
            try FFT.inverse([Complex(.nan, 0)], count: 1)
        },
        BadInput("FFT.forward([Complex<Double>]())", mentions: ["FFT length n", "= 0"]) {
            try FFT.forward([Complex<Double>]()).map(\.real)
        },
        BadInput("FFT.inverse([0 + ∞i])", mentions: ["x[0] = inf"]) {
            try FFT.inverse([Complex(0, .infinity)]).map(\.real)
        },
        BadInput("CausalConvolution(kernel: [])", mentions: ["kernel length L", "= 0"], void: {
            _ = try CausalConvolution(kernel: [])
        }),
        BadInput("CausalConvolution(kernel: [1, .nan])", mentions: ["kernel K[1] = nan"], void: {
            _ = try CausalConvolution(kernel: [1, .nan])
        }),
        BadInput("CausalConvolution(kernel: [1, 2, 3]).apply([1, 2])", mentions: ["input u of a length-3 convolution", "length 2"]) {
            try CausalConvolution(kernel: [1, 2, 3]).apply([1, 2])
        },
        BadInput("CausalConvolution(kernel: [1]).apply([.infinity])", mentions: ["input u[0] = inf"]) {
            try CausalConvolution(kernel: [1]).apply([.infinity])
        },
        BadInput("CausalConvolution.paddedSize(for: (1 << 62) - 1) (looped forever)", mentions: ["kernel length L", "\((1 << 62) - 1)"]) {
            [Double(try CausalConvolution.paddedSize(for: (1 << 62) - 1))]
        },
        BadInput("CausalConvolution.paddedSize(for: 1 << 62) (trapped)", mentions: ["kernel length L", "\(1 << 62)"]) {
            [Double(try CausalConvolution.paddedSize(for: 1 << 62))]
        },
        BadInput("CausalConvolution.paddedSize(for: 2²⁹ + 1)", mentions: ["kernel length L", "536870913", "536870912"]) {
            [Double(try CausalConvolution.paddedSize(for: CausalConvolution.maximumLength + 1))]
        },
        BadInput("CausalConvolution.paddedSize(for: 0)", mentions: ["kernel length L", "= 0"]) {
            [Double(try CausalConvolution.paddedSize(for: 0))]
        },
        BadInput("CausalConvolution.paddedSize(for: Int.min)", mentions: ["kernel length L", "\(Int.min)"]) {
            [Double(try CausalConvolution.paddedSize(for: Int.min))]
        },
        BadInput("causalConvolution([1], [1, 2])", mentions: ["input u of a length-1 convolution", "length 2"]) {
            try causalConvolution([1], [1, 2])
        },
        BadInput("directCausalConvolution([], [])", mentions: ["kernel length L", "= 0"]) {
            try directCausalConvolution([], [])
        },
        BadInput("directCausalConvolution([1, 2], [.nan, 0])", mentions: ["input u[0] = nan"]) {
            try directCausalConvolution([1, 2], [.nan, 0])
        },
    ]

    /// The log-log slope fit.
    static let fits: [BadInput] = [
        BadInput("logLogSlope([1], [1])", mentions: ["number of points", "1"]) {
            [try logLogSlope([1], [1])]
        },
        BadInput("logLogSlope([1, 2], [1])", mentions: ["y (one value per x)", "length 1"]) {
            [try logLogSlope([1, 2], [1])]
        },
        BadInput("logLogSlope([1, 0], [1, 2])", mentions: ["x[1]", "0.0"]) {
            [try logLogSlope([1, 0], [1, 2])]
        },
        BadInput("logLogSlope([1, -2], [1, 2])", mentions: ["x[1]", "-2.0"]) {
            [try logLogSlope([1, -2], [1, 2])]
        },
        BadInput("logLogSlope([1, 2], [.nan, 2])", mentions: ["y[0]", "nan"]) {
            [try logLogSlope([1, 2], [.nan, 2])]
        },
        BadInput("logLogSlope([1, .infinity], [1, 2])", mentions: ["x[1]", "inf"]) {
            [try logLogSlope([1, .infinity], [1, 2])]
        },
        BadInput("logLogSlope([2, 2], [1, 4]) (one distinct x)", mentions: ["x", "[2.0, 2.0]"]) {
            [try logLogSlope([2, 2], [1, 4])]
        },
    ]

    /// The validation helpers every throwing function uses.
    static let validation: [BadInput] = [
        BadInput("requirePositive(0, \"state size N\")", mentions: ["state size N", "= 0"], void: {
            try requirePositive(0, "state size N")
        }),
        BadInput("requirePositive(Double.nan, \"step Δ\")", mentions: ["step Δ", "nan"], void: {
            try requirePositive(Double.nan, "step Δ")
        }),
        BadInput("requirePositive(-Double.infinity, \"step Δ\")", mentions: ["step Δ", "-inf"], void: {
            try requirePositive(-Double.infinity, "step Δ")
        }),
        BadInput("requireInRange(.infinity, 0...1, \"p\")", mentions: ["p", "inf", "[0.0, 1.0]"], void: {
            try requireInRange(Double.infinity, 0...1, "p")
        }),
        BadInput("requireInRange(5, 1...3, \"k\")", mentions: ["k", "5", "1...3"], void: {
            try requireInRange(5, 1...3, "k")
        }),
        BadInput("requireNonNegative(-1, \"count\")", mentions: ["count", "-1"], void: {
            try requireNonNegative(-1, "count")
        }),
        BadInput("checkedProduct(Int.max, 2, \"size\")", mentions: ["size", "\(Int.max) × 2"]) {
            [Double(try checkedProduct(Int.max, 2, "size"))]
        },
        BadInput("requireCount(2, 3, \"u\")", mentions: ["u", "length 2"], void: {
            try requireCount(2, 3, "u")
        }),
    ]

    /// A second bad value for functions above: other parameters, other kinds of bad.
    static let more: [BadInput] = [
        BadInput("ComplexMatrix(zeros: 3, 1).requireSquare(\"H\")", mentions: ["H is 3×1", "square"], void: {
            try ComplexMatrix(zeros: 3, 1).requireSquare("H")
        }),
        BadInput("solve(complex I₂, complex 3×1)", mentions: ["right-hand side of solve(A, B)", "3×1"]) {
            try solve(ComplexMatrix.identity(2), ComplexMatrix(zeros: 3, 1)).real.elements
        },
        BadInput("leastSquares(30×5 with column 4 = column 0 + column 1, b)", mentions: ["A is singular", "row 4"]) {
            var a = try Matrix(rows: 30, cols: 5, elements: (0..<150).map { Double(($0 * 7919) % 101) / 101 })
            for i in 0..<30 { a[i, 4] = a[i, 0] + a[i, 1] }
            return try leastSquares(a, [Double](repeating: 1, count: 30))
        },
        BadInput("hermitianEigen([[∞ + 0i]])", mentions: ["H[0] = inf"]) {
            try hermitianEigen(try ComplexMatrix(rows: 1, cols: 1, elements: [Complex(.infinity, 0)])).values
        },
        BadInput("generalEigen(2×3)", mentions: ["A is 2×3", "square"]) {
            try generalEigen(Matrix(zeros: 2, 3)).values.map(\.real)
        },
        BadInput("spectralRadius([[.nan]])", mentions: ["A[0] = nan"]) {
            [try spectralRadius(try Matrix([[.nan]]))]
        },
        BadInput("matrixExponential([[-.infinity]])", mentions: ["A[0] = -inf"]) {
            try matrixExponential(try Matrix([[-.infinity]])).elements
        },
        BadInput("diagonalizedExponential(1×3)", mentions: ["A is 1×3", "square"]) {
            try diagonalizedExponential(Matrix(zeros: 1, 3)).elements
        },
        BadInput("FFT.forward([1, ∞ + 0i])", mentions: ["x[1] = inf"]) {
            try FFT.forward([Complex(1, 0), Complex(.infinity, 0)]).map(\.real)
        },
        BadInput("FFT.inverse([Complex<Double>]())", mentions: ["FFT length n", "= 0"]) {
            try FFT.inverse([Complex<Double>]()).map(\.real)
        },
        BadInput("CausalConvolution(kernel: [1, 2]).apply([0, .nan])", mentions: ["input u[1] = nan"]) {
            try CausalConvolution(kernel: [1, 2]).apply([0, .nan])
        },
        BadInput("directCausalConvolution([1, 2], [1])", mentions: ["input u of a length-2 convolution", "length 1"]) {
            try directCausalConvolution([1, 2], [1])
        },
        BadInput("directCausalConvolution([-.infinity], [1])", mentions: ["kernel K[0] = -inf"]) {
            try directCausalConvolution([-.infinity], [1])
        },
        BadInput("logLogSlope([1, 2], [1, 0])", mentions: ["y[1]", "0.0"]) {
            [try logLogSlope([1, 2], [1, 0])]
        },
        BadInput("requireFinite([1, 0 − ∞i], \"z\")", mentions: ["z[1] = -inf"], void: {
            try requireFinite([Complex(1, 0), Complex(0, -.infinity)], "z")
        }),
    ]

    /// Finite inputs whose result overflows Double (review 1, item 4): each must throw "too large",
    /// naming the inputs and their largest magnitudes, instead of returning ∞ or NaN.
    static let overflows: [BadInput] = [
        BadInput("FFT.forward([1e308, 1e308])", mentions: ["x", "1e+308", "too large", "overflowed"]) {
            try FFT.forward([1e308, 1e308]).map(\.real)
        },
        BadInput("FFT.forward([1e308 + 0i, 1e308 + 0i])", mentions: ["x", "1e+308", "too large", "overflowed"]) {
            try FFT.forward([Complex(1e308, 0), Complex(1e308, 0)]).map(\.real)
        },
        BadInput("FFT.inverse([1e308, 1e308], count: 2)", mentions: ["spectrum", "1e+308", "too large", "overflowed"]) {
            try FFT.inverse([Complex(1e308, 0), Complex(1e308, 0)], count: 2)
        },
        BadInput("FFT.inverse([1e308 + 0i, 1e308 + 0i, 1e308 + 0i])", mentions: ["x", "1e+308", "too large", "overflowed"]) {
            try FFT.inverse([Complex(1e308, 0), Complex(1e308, 0), Complex(1e308, 0)]).map(\.real)
        },
        BadInput("causalConvolution([1e200, 1], [1e200, 1])", mentions: ["kernel K and input u", "1e+200", "too large", "overflowed"]) {
            try causalConvolution([1e200, 1], [1e200, 1])
        },
        BadInput("CausalConvolution(kernel: [2]).apply([1e308])", mentions: ["kernel K and input u", "2.0", "1e+308", "too large"]) {
            try CausalConvolution(kernel: [2]).apply([1e308])
        },
        BadInput("CausalConvolution(kernel: [1e308, 1e308])", mentions: ["kernel K", "1e+308", "too large", "spectrum overflowed"]) {
            try CausalConvolution(kernel: [1e308, 1e308]).apply([1, 1])
        },
        BadInput("directCausalConvolution([2], [1e308])", mentions: ["kernel K and input u", "2.0", "1e+308", "too large"]) {
            try directCausalConvolution([2], [1e308])
        },
        BadInput("matrixPower(Matrix([[10]]), 400)", mentions: ["A and exponent k", "10.0", "400", "too large", "overflowed"]) {
            try matrixPower(try Matrix([[10]]), 400).elements
        },
        BadInput("matrixPower([[1e200, 1e200], [-1e200, 1e200]], 2)", mentions: ["A and exponent k", "1e+200", "too large"]) {
            try matrixPower(try Matrix([[1e200, 1e200], [-1e200, 1e200]]), 2).elements
        },
        BadInput("solve(Matrix([[1e-300]]), [1e300])", mentions: ["A and B", "1e-300", "1e+300", "too large", "overflowed"]) {
            try solve(try Matrix([[1e-300]]), [1e300])
        },
        BadInput("solve(complex [[1e-300]], complex [[1e300]])", mentions: ["A and B", "1e-300", "1e+300", "too large"]) {
            let a = try ComplexMatrix(rows: 1, cols: 1, elements: [Complex(1e-300, 0)])
            let b = try ComplexMatrix(rows: 1, cols: 1, elements: [Complex(1e300, 0)])
            return try solve(a, b).elements.flatMap { [$0.real, $0.imaginary] }
        },
        BadInput("leastSquares([[1e-300], [0]], [1e300, 0])", mentions: ["A and b", "1e-300", "1e+300", "too large"]) {
            try leastSquares(try Matrix([[1e-300], [0]]), [1e300, 0])
        },
        BadInput("hermitianEigen([[1e308, 1e308], [1e308, 1e308]])", mentions: ["H", "1e+308", "too large", "overflowed"]) {
            let h = try ComplexMatrix(rows: 2, cols: 2, elements: [Complex<Double>](repeating: Complex(1e308, 0), count: 4))
            return try hermitianEigen(h).values
        },
        BadInput("spectralRadius([[1e308, 1e308], [1e308, 1e308]])", mentions: ["A", "1e+308", "too large", "overflowed"]) {
            [try spectralRadius(try Matrix([[1e308, 1e308], [1e308, 1e308]]))]
        },
        BadInput("generalEigen([[1e308, 1e308], [1e308, 1e308]])", mentions: ["A", "1e+308", "too large", "overflowed"]) {
            try generalEigen(try Matrix([[1e308, 1e308], [1e308, 1e308]])).values.map(\.real)
        },
    ]

    /// Sizes past the 2³⁰-element cap, refused before anything is allocated.
    static let sizes: [BadInput] = [
        BadInput("FFT.inverse([0], count: (1 << 30) + 1)", mentions: ["FFT length n", "1073741825", "1073741824"]) {
            try FFT.inverse([.zero], count: (1 << 30) + 1)
        },
        BadInput("FFT.requireLength((1 << 31) + 2, \"length L\")", mentions: ["length L", "2147483650", "1073741824"], void: {
            try FFT.requireLength((1 << 31) + 2, "length L")
        }),
        BadInput("FFT.inverse([0], count: Int.max)", mentions: ["FFT length n", "\(Int.max)"]) {
            try FFT.inverse([.zero], count: .max)
        },
    ]
}
