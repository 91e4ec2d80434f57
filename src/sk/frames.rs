//! The sentence frames (docs/theory.md, "Syntax: templates and fillers", sk-tui choice): the
//! skeletons templates are drawn from and the literal words they use. A leaf
//! module: the syntax model builds templates from it, the vocabulary lays out
//! its words, and parameter validation counts the distinct templates it
//! gives, without those three importing one another in a circle.

/// A frame's part: a literal word, the name, the value or the relation word.
#[derive(Clone, Copy, Debug)]
pub enum Part {
    W(&'static str),
    N,
    V,
    R,
}

/// The sentence frames templates are drawn from.
pub const FRAMES: [&[Part]; 10] = [
    &[N, W("'s"), R, W("is"), V],
    &[W("the"), R, W("of"), N, W("is"), V],
    &[N, W("has"), V, W("as"), W("its"), R],
    &[N, W("'s"), W("favourite"), R, W("was"), V],
    &[W("as"), W("for"), N, W(","), W("its"), R, W("is"), V],
    &[N, W("is"), W("known"), W("for"), W("the"), R, V],
    &[W("they"), W("say"), W("the"), R, W("of"), N, W("was"), V],
    &[W("everyone"), W("knows"), N, W("'s"), R, W(":"), V],
    &[W("records"), W("show"), N, W("had"), W("a"), V, R],
    &[W("we"), W("hear"), W("that"), N, W("'s"), R, W("is"), V],
];

pub use Part::{N, R, V, W};

/// The literal words of the sentence frames (see `FRAMES`).
pub const FUNCTION_WORDS: [&str; 32] = [
    "'s",
    "the",
    "of",
    "is",
    "was",
    "a",
    "for",
    "its",
    "known",
    "as",
    "by",
    "has",
    "had",
    "they",
    "say",
    "favourite",
    "everyone",
    "knows",
    ":",
    ",",
    "whose",
    "called",
    "their",
    "people",
    "that",
    "with",
    "remember",
    "from",
    "records",
    "show",
    "we",
    "hear",
];

/// The token index of a function word (a frame's literal), if it is one.
pub fn function_word_index(word: &str) -> Option<u32> {
    FUNCTION_WORDS.iter().position(|w| *w == word).map(|i| i as u32)
}

/// How many distinct templates (as word patterns) the frames give with `k`
/// filler slots: a frame of `L` words has `L` places after its first word,
/// and `k` fillers fill them as a multiset, `C(L + k - 1, k)` ways.
pub fn distinct_templates(k: u32) -> u64 {
    FRAMES
        .iter()
        .map(|f| {
            let l = f.len() as u64;
            // C(l + k - 1, k), exactly, saturating.
            (1..=k as u64).fold(1u64, |c, i| c.saturating_mul(l - 1 + i) / i)
        })
        .fold(0u64, |a, b| a.saturating_add(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_fillers_each_frame_is_one_template() {
        assert_eq!(distinct_templates(0), FRAMES.len() as u64);
    }

    #[test]
    fn every_frame_word_is_in_the_vocabulary() {
        for frame in FRAMES {
            for part in frame {
                if let W(word) = part {
                    assert!(function_word_index(word).is_some(), "{word:?} missing from FUNCTION_WORDS");
                }
            }
        }
    }
}
