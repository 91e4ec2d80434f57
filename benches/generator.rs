//! Benchmark placeholder: generator.
fn main() {}
