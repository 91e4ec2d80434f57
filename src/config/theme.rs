//! Themes: named colours for every role the screen uses.
