pub mod matching;
pub mod scoring;
