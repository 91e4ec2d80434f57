//! Benchmark placeholder: engine.
fn main() {}
