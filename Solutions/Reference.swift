import Course

/// The instructor's reference solutions: one static function per exercise, the same
/// signatures as `Student` (both conform to the chapter protocols of `Course`), written from the
/// math in each exercise's doc comment without calling the `StateSpace` library — so grading them
/// against the library (`swift run Grade all --solutions`) is a comparison of two independent
/// computations. Keep this folder out of what students receive (COURSE.md).
public enum Reference {}

extension Reference: Chapter00Exercises {}
extension Reference: Chapter01Exercises {}
extension Reference: Chapter02Exercises {}
extension Reference: Chapter03Exercises {}
extension Reference: Chapter04Exercises {}
extension Reference: Chapter05Exercises {}
extension Reference: Chapter06Exercises {}
extension Reference: Chapter07Exercises {}
extension Reference: Chapter08Exercises {}
