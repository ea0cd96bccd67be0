import Course

/// Your answers. Each exercise is one static function of `Student`, in its own file under
/// `Exercises/ChapterNN/`; fill in the body, keep the signature, and run `swift run Grade ChapterNN`.
/// (This file only declares which chapter protocols `Student` answers: leave it as it is.)
public enum Student {}

extension Student: Chapter00Exercises {}
extension Student: Chapter01Exercises {}
extension Student: Chapter02Exercises {}
extension Student: Chapter03Exercises {}
extension Student: Chapter04Exercises {}
extension Student: Chapter05Exercises {}
extension Student: Chapter06Exercises {}
extension Student: Chapter07Exercises {}
extension Student: Chapter08Exercises {}
