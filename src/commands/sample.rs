//! `sk-tui sample`: readable sentences, roles coloured on a terminal, each
//! followed by its fact and the oracle's bits.

use std::io::Write;

use sk_tui::sk::{Generator, Role, Sentence};

use super::{Failure, stdout_wants_color};

pub fn run(preset: &str, count: u64, seed: Option<u64>) -> Result<(), Failure> {
    let loaded = super::load_preset(preset)?;
    let seed = seed.unwrap_or(loaded.preset.run.seed);
    let mut g = Generator::new(&loaded.preset.generator, seed);
    let color = stdout_wants_color();
    let paint =
        |text: &str, code: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() };
    let mut out = std::io::stdout().lock();
    let mut s = Sentence::default();
    for _ in 0..count {
        g.next(&mut s);
        let vocab = g.vocab();
        let words: Vec<String> = s
            .words(vocab)
            .into_iter()
            .map(|(w, role)| match role {
                Role::Syntax => w,
                Role::Name => paint(&w, "1;36"),
                Role::Value => paint(&w, "1;33"),
            })
            .collect();
        let noisy = if s.value != s.true_value { " (noise: stated another value)" } else { "" };
        let o = s.oracle;
        let line = writeln!(out, "{}", sk_tui::sk::sentence::join_words(words.iter().map(String::as_str)))
            .and_then(|_| {
            writeln!(
                out,
                "    fact: {}{noisy}   rank {}   oracle bits: syntax {:.2} + identity {:.2} + fact {:.2} = {:.2}",
                s.fact_text(vocab),
                s.rank,
                o.syntax,
                o.identity,
                o.fact,
                o.total()
            )
        });
        // A closed pipe (`| head`) ends the listing quietly (`main`).
        line.map_err(Failure::writing)?;
    }
    Ok(())
}
