//! The token vocabulary and how tokens are rendered as text.
//!
//! Token ids are laid out in blocks: end of sentence, literal words (function
//! words, then one relation word per attribute), filler words, name
//! syllables, then the values of each attribute. Rendering is presentation
//! only: names become pronounceable syllable strings, values lower-case words.

use super::frames::FUNCTION_WORDS;
use super::params::GeneratorParams;

pub type Token = u32;

/// End of sentence.
pub const EOS: Token = 0;

const RELATIONS: [&str; 16] = [
    "color", "city", "river", "sport", "food", "song", "tool", "animal", "flower", "planet", "metal",
    "dance", "tree", "gem", "star", "language",
];

const FILLERS: [&str; 24] = [
    "really",
    "famously",
    "indeed",
    "also",
    "truly",
    "often",
    "widely",
    "reportedly",
    "still",
    "once",
    "surely",
    "mostly",
    "clearly",
    "perhaps",
    "always",
    "quietly",
    "proudly",
    "openly",
    "rarely",
    "simply",
    "fully",
    "briefly",
    "largely",
    "merely",
];

const CONSONANTS: [&str; 18] =
    ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "ch", "th"];
const VOWELS: [&str; 5] = ["a", "e", "i", "o", "u"];

/// The block layout of token ids for one parameter set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vocab {
    pub attributes: u32,
    pub values: u32,
    pub filler_words: u32,
    pub name_alphabet: u32,
    literal_start: u32,
    filler_start: u32,
    name_start: u32,
    value_start: u32,
    size: u32,
}

/// What a token id stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Eos,
    FunctionWord(u32),
    Relation(u32),
    Filler(u32),
    NameSyllable(u32),
    Value { attribute: u32, value: u32 },
}

impl Vocab {
    pub fn new(p: &GeneratorParams) -> Self {
        let literal_start = 1;
        let filler_start = literal_start + FUNCTION_WORDS.len() as u32 + p.attributes;
        let name_start = filler_start + p.filler_words;
        let value_start = name_start + p.name_alphabet;
        let size = value_start + p.attributes * p.values;
        Vocab {
            attributes: p.attributes,
            values: p.values,
            filler_words: p.filler_words,
            name_alphabet: p.name_alphabet,
            literal_start,
            filler_start,
            name_start,
            value_start,
            size,
        }
    }

    /// Number of distinct tokens.
    pub fn size(&self) -> u32 {
        self.size
    }

    pub fn function_word(&self, i: u32) -> Token {
        self.literal_start + i
    }

    pub fn relation(&self, attribute: u32) -> Token {
        self.literal_start + FUNCTION_WORDS.len() as u32 + attribute
    }

    pub fn filler(&self, word: u32) -> Token {
        self.filler_start + word
    }

    pub fn name_syllable(&self, s: u32) -> Token {
        self.name_start + s
    }

    pub fn value(&self, attribute: u32, value: u32) -> Token {
        self.value_start + attribute * self.values + value
    }

    /// The range of value tokens of one attribute.
    pub fn value_range(&self, attribute: u32) -> std::ops::Range<Token> {
        let start = self.value(attribute, 0);
        start..start + self.values
    }

    pub fn kind(&self, t: Token) -> TokenKind {
        let nf = FUNCTION_WORDS.len() as u32;
        if t == EOS {
            TokenKind::Eos
        } else if t < self.literal_start + nf {
            TokenKind::FunctionWord(t - self.literal_start)
        } else if t < self.filler_start {
            TokenKind::Relation(t - self.literal_start - nf)
        } else if t < self.name_start {
            TokenKind::Filler(t - self.filler_start)
        } else if t < self.value_start {
            TokenKind::NameSyllable(t - self.name_start)
        } else {
            let i = t - self.value_start;
            TokenKind::Value { attribute: i / self.values, value: i % self.values }
        }
    }

    /// The word a token is shown as (name syllables are joined by `render_name`).
    pub fn word(&self, t: Token) -> String {
        match self.kind(t) {
            TokenKind::Eos => ".".into(),
            TokenKind::FunctionWord(i) => FUNCTION_WORDS[i as usize].into(),
            TokenKind::Relation(a) => relation_word(a),
            TokenKind::Filler(i) => match FILLERS.get(i as usize) {
                Some(w) => (*w).into(),
                None => format!("{}ly", syllables(i as u64, 2)),
            },
            TokenKind::NameSyllable(s) => syllables(s as u64, 1),
            TokenKind::Value { attribute, value } => value_word(attribute, value),
        }
    }

    /// A name from its syllable tokens: "Kavoshi".
    pub fn render_name(&self, tokens: &[Token]) -> String {
        let mut name: String = tokens.iter().map(|&t| self.word(t)).collect();
        if let Some(first) = name.get(0..1) {
            let upper = first.to_uppercase();
            name.replace_range(0..1, &upper);
        }
        name
    }
}

/// The relation word of an attribute ("color", "city", …, then "trait17", …).
pub fn relation_word(attribute: u32) -> String {
    match RELATIONS.get(attribute as usize) {
        Some(w) => (*w).into(),
        None => format!("trait{attribute}"),
    }
}

/// A value word: distinct per value within an attribute, shifted per attribute.
pub fn value_word(attribute: u32, value: u32) -> String {
    syllables(value as u64 * 7 + (attribute as u64 * 13) % 90, 2)
}

/// At least `min` consonant–vowel syllables spelling `i` in base 90.
fn syllables(mut i: u64, min: usize) -> String {
    let base = (CONSONANTS.len() * VOWELS.len()) as u64;
    let mut out = String::new();
    let mut count = 0;
    while count < min || i > 0 {
        let d = (i % base) as usize;
        out.push_str(CONSONANTS[d % CONSONANTS.len()]);
        out.push_str(VOWELS[d / CONSONANTS.len()]);
        i /= base;
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn blocks_do_not_overlap_and_round_trip() {
        let p = GeneratorParams::default();
        let v = Vocab::new(&p);
        let mut seen = HashSet::new();
        for t in 0..v.size() {
            let k = v.kind(t);
            assert!(seen.insert(format!("{k:?}")), "{k:?} twice");
        }
        assert_eq!(v.kind(v.value(2, 5)), TokenKind::Value { attribute: 2, value: 5 });
        assert_eq!(v.kind(v.relation(3)), TokenKind::Relation(3));
    }

    #[test]
    fn words_are_distinct_within_each_block() {
        let p =
            GeneratorParams { values: 4096, filler_words: 300, name_alphabet: 4096, ..Default::default() };
        let v = Vocab::new(&p);
        for a in 0..p.attributes {
            let words: HashSet<String> = v.value_range(a).map(|t| v.word(t)).collect();
            assert_eq!(words.len(), p.values as usize);
        }
        let names: HashSet<String> = (0..p.name_alphabet).map(|s| v.word(v.name_syllable(s))).collect();
        assert_eq!(names.len(), p.name_alphabet as usize);
        let fillers: HashSet<String> = (0..p.filler_words).map(|s| v.word(v.filler(s))).collect();
        assert_eq!(fillers.len(), p.filler_words as usize);
    }
}
