//! Benchmark placeholder: ui.
fn main() {}
