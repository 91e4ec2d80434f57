//! A generated sentence: its tokens with their roles, the latent draws that
//! produced it (entity, attribute, template, fillers, value) and the oracle's
//! code length in bits by part (docs/theory.md, "Sentences, roles and bits").

use super::knowledge::EntityId;
use super::vocab::{Token, Vocab};

/// What a token expresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Literal words, fillers, end of sentence.
    Syntax,
    Name,
    Value,
}

/// A code length in bits, split by part.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bits {
    pub syntax: f64,
    pub identity: f64,
    pub fact: f64,
}

impl Bits {
    pub fn total(&self) -> f64 {
        self.syntax + self.identity + self.fact
    }
}

impl std::ops::AddAssign for Bits {
    fn add_assign(&mut self, o: Bits) {
        self.syntax += o.syntax;
        self.identity += o.identity;
        self.fact += o.fact;
    }
}

impl std::ops::Sub for Bits {
    type Output = Bits;
    fn sub(self, o: Bits) -> Bits {
        Bits {
            syntax: self.syntax - o.syntax,
            identity: self.identity - o.identity,
            fact: self.fact - o.fact,
        }
    }
}

/// What a sentence states about knowledge, without its words: all that the
/// identity and fact code of a Bayes or capped learner reads of it. A batch
/// of these is 24 bytes a sentence, where its sentences take several cache
/// lines each: the learners on other threads read these, so the thread
/// that draws the next batch into the sentences' lines does not wait for
/// them to be taken back from the other cores' caches.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Statement {
    pub entity: EntityId,
    pub attribute: u32,
    pub value: u32,
    /// The oracle's identity bits: how rare the entity is.
    pub identity: f64,
}

/// One sentence. Reused across draws: `Generator::next` overwrites it without
/// allocating once its buffers have grown.
#[derive(Clone, Debug, Default)]
pub struct Sentence {
    /// The tokens and their roles; empty when the generator was told not
    /// to spell (`Generator::set_spelling`).
    pub tokens: Vec<Token>,
    pub roles: Vec<Role>,
    /// Tokens in the sentence, spelled or not.
    pub token_count: usize,
    pub entity: EntityId,
    /// The entity's frequency rank, 1-based: exact for zipf; for pycrp, its
    /// order of first appearance.
    pub rank: u64,
    /// Whether this is the entity's first sentence (known for pycrp only).
    pub first_seen: bool,
    pub attribute: u32,
    /// Global template id (unique across formats).
    pub template: u32,
    /// `(global filler slot id, filler word)` in sentence order.
    pub fillers: Vec<(u32, u32)>,
    /// The value the sentence states.
    pub value: u32,
    /// The entity's true value for the attribute (differs under fact noise).
    pub true_value: u32,
    /// Index of the value token in `tokens`.
    pub value_pos: usize,
    /// The oracle's bits for this sentence.
    pub oracle: Bits,
}

impl Sentence {
    /// What the sentence states ([`Statement`]).
    #[inline]
    pub fn statement(&self) -> Statement {
        Statement {
            entity: self.entity,
            attribute: self.attribute,
            value: self.value,
            identity: self.oracle.identity,
        }
    }

    /// Copies `other` into `self`, reusing `self`'s buffers (no allocation
    /// once they are large enough; the derived `clone_from` would allocate).
    pub fn copy_from(&mut self, other: &Sentence) {
        self.tokens.clone_from(&other.tokens);
        self.roles.clone_from(&other.roles);
        self.fillers.clone_from(&other.fillers);
        self.entity = other.entity;
        self.rank = other.rank;
        self.first_seen = other.first_seen;
        self.attribute = other.attribute;
        self.template = other.template;
        self.value = other.value;
        self.true_value = other.true_value;
        self.value_pos = other.value_pos;
        self.token_count = other.token_count;
        self.oracle = other.oracle;
    }

    pub fn clear(&mut self) {
        self.tokens.clear();
        self.roles.clear();
        self.fillers.clear();
    }

    /// Words with their roles, names joined into one word.
    pub fn words(&self, vocab: &Vocab) -> Vec<(String, Role)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.tokens.len() {
            if self.roles[i] == Role::Name {
                let start = i;
                while i < self.tokens.len() && self.roles[i] == Role::Name {
                    i += 1;
                }
                out.push((vocab.render_name(&self.tokens[start..i]), Role::Name));
            } else {
                out.push((vocab.word(self.tokens[i]), self.roles[i]));
                i += 1;
            }
        }
        out
    }

    /// The fact the sentence is about, with its true value: "Kavoshi · color = bazo".
    pub fn fact_text(&self, vocab: &Vocab) -> String {
        let name_at = self.roles.iter().position(|&r| r == Role::Name).unwrap_or(0);
        let name_end = self.roles[name_at..]
            .iter()
            .position(|&r| r != Role::Name)
            .map_or(self.roles.len(), |n| name_at + n);
        format!(
            "{} · {} = {}",
            vocab.render_name(&self.tokens[name_at..name_end]),
            super::vocab::relation_word(self.attribute),
            vocab.word(vocab.value(self.attribute, self.true_value))
        )
    }

    /// The sentence as plain text: "Kavoshi's color is bazo."
    pub fn text(&self, vocab: &Vocab) -> String {
        join_words(self.words(vocab).iter().map(|(w, _)| w.as_str()))
    }
}

/// Joins words with spaces, none before punctuation or "'s", and capitalises
/// the first letter.
pub fn join_words<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::new();
    for w in words {
        if s.is_empty() {
            let mut chars = w.chars();
            if let Some(first) = chars.next() {
                s.extend(first.to_uppercase());
                s.push_str(chars.as_str());
            }
            continue;
        }
        if !(w.starts_with('\'') || [".", ",", ":"].contains(&w)) {
            s.push(' ');
        }
        s.push_str(w);
    }
    s
}
