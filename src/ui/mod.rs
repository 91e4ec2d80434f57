//! The dashboard (ratatui), Elm-style: `Model`, `Msg`, `update`, `view`.
