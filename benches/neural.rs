//! Benchmark placeholder: neural.
fn main() {}
