// swift-tools-version:6.0
import PackageDescription

/// Annotated State Spaces: HiPPO → LSSL → S4 → Mamba → Mamba-2, taught by running code.
///
/// Layering (the compiler enforces it):
///   CFFTW, CLAPACK  — system libraries (FFTW3, OpenBLAS + LAPACKE)
///   StateSpace      — the numerics and the models; no plotting, no command line
///   Notebook        — the chapter harness (checks, figures, flags); depends on StateSpace
///   ChapterNN       — one executable per chapter, written as a notebook
let package = Package(
    name: "AnnotatedStateSpaces",
    products: [
        .library(name: "StateSpace", targets: ["StateSpace"]),
        .library(name: "Notebook", targets: ["Notebook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFTW",
            path: "Sources/CFFTW",
            pkgConfig: "fftw3",
            providers: [.apt(["libfftw3-dev"])]
        ),
        .systemLibrary(
            name: "CLAPACK",
            path: "Sources/CLAPACK",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        .target(
            name: "CVectorMath",
            path: "Sources/CVectorMath",
            // Let clang vectorise exp() into glibc's libmvec (the selective scan needs L·D·N of them).
            cSettings: [.unsafeFlags(["-O2", "-fno-math-errno", "-fveclib=libmvec"])],
            linkerSettings: [.linkedLibrary("mvec"), .linkedLibrary("m")]
        ),
        .target(
            name: "StateSpace",
            dependencies: [
                "CFFTW",
                "CLAPACK",
                "CVectorMath",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            // The algorithms are the subject of every chapter, and their inner loops (Cauchy
            // sums, scans) run ~30× slower unoptimised: optimise the library even in debug
            // builds, so `swift run ChapterNN` shows real cost ratios and finishes in seconds.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "Notebook",
            dependencies: [
                "StateSpace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "Chapter00",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter00"
        ),
        .executableTarget(
            name: "Chapter01",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter01"
        ),
        .executableTarget(
            name: "Chapter02",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter02"
        ),
        .executableTarget(
            name: "Chapter03",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter03"
        ),
        .executableTarget(
            name: "Chapter04",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter04"
        ),
        .executableTarget(
            name: "Chapter05",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter05"
        ),
        .executableTarget(
            name: "Chapter06",
            dependencies: ["StateSpace", "Notebook"],
            path: "Chapters/Chapter06"
        ),
        .executableTarget(
            name: "Bench",
            dependencies: ["StateSpace", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/Bench"
        ),
        .testTarget(name: "StateSpaceTests", dependencies: ["StateSpace"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "ChapterTests", dependencies: []),
    ]
)
