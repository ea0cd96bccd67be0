// swift-tools-version:6.0
import PackageDescription

// Annotated State Spaces: HiPPO → LSSL → S4 → Mamba → Mamba-2, taught by running code.
//
// Layering (the compiler enforces it):
//   CFFTW, CLAPACK, CVectorMath — system libraries (FFTW3, OpenBLAS + LAPACKE) and a little C: one loop
//                                 (libmvec exp) and glibc's mallopt (`RetainedMemory`)
//   StateSpace                  — the numerics and the models; no plotting, no command line
//   Notebook                    — the chapter harness (checks, figures, flags); depends on StateSpace
//   ChapterNN                   — one executable per chapter, written as a notebook
//   BookRendering, Book         — a run's records + the chapter sources → book/ (Markdown and HTML pages)
//   Course, Exercises, Solutions, Grading, Grade — the course: exercise signatures (protocols), the students'
//                                 stubs, the reference solutions, the graders and `swift run Grade`

/// One executable per chapter, each a notebook in Chapters/ChapterNN/main.swift.
let chapters = (0...8).map { "Chapter0\($0)" }

let package = Package(
    name: "AnnotatedStateSpaces",
    products: [
        .library(name: "StateSpace", targets: ["StateSpace"]),
        .library(name: "Notebook", targets: ["Notebook"]),
        .library(name: "BookRendering", targets: ["BookRendering"]),
        .executable(name: "Book", targets: ["Book"]),
        // The course exercises (COURSE.md): stubs a student fills in, reference solutions, the grader.
        .library(name: "Exercises", targets: ["Exercises"]),
        .executable(name: "Grade", targets: ["Grade"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
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
    ] + chapters.map { chapter in
        // ANSWERS.md beside each chapter: the worked answers to its exercises, for instructors.
        .executableTarget(name: chapter, dependencies: ["StateSpace", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                         path: "Chapters/\(chapter)", exclude: ["ANSWERS.md"])
    } + [
        .executableTarget(
            name: "Bench",
            dependencies: ["StateSpace", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/Bench"
        ),
        .target(
            name: "BookRendering",
            dependencies: ["Notebook", .product(name: "Ink", package: "Ink")]
        ),
        .executableTarget(
            name: "Book",
            dependencies: ["BookRendering", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/Book"
        ),
        .testTarget(
            name: "StateSpaceTests",
            dependencies: ["StateSpace", "CVectorMath", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "ChapterTests", dependencies: []),
        .testTarget(name: "BookTests", dependencies: ["BookRendering", "Notebook"]),
    ] + [
        // The course exercises (COURSE.md). `Course` holds one protocol per chapter (the fixed
        // signatures); `Exercises` (the student's stubs, Exercises/ChapterNN) and `Solutions` (the
        // reference solutions) each conform to them, and neither depends on StateSpace, so no stub
        // can call the function it is graded against. `Grading` compares either with the library.
        .target(name: "Course", dependencies: [.product(name: "Numerics", package: "swift-numerics")], path: "Tools/Course"),
        .target(name: "Exercises", dependencies: ["Course"], path: "Exercises", exclude: ["README.md"]),
        .target(name: "Solutions", dependencies: ["Course"], path: "Solutions"),
        .target(name: "Grading", dependencies: ["Course", "StateSpace"], path: "Tools/Grading"),
        .executableTarget(
            name: "Grade",
            dependencies: ["Grading", "Exercises", "Solutions", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/Grade"
        ),
        .testTarget(name: "GradeTests", dependencies: ["Grading", "Exercises", "Solutions", "Course"]),
    ]
)
