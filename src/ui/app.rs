//! The live dashboard: terminal lifecycle and the run loop.
//!
//! One thread reads terminal events into a channel, one forwards signals;
//! the UI thread waits in a single `select!` over key events, engine updates,
//! signals and a frame tick. It draws only when something changed, at most
//! `fps` times a second, and never blocks the engine (the engine sends with
//! `try_send`; commands to it are sent with a short timeout).
//!
//! The terminal is restored on every exit: quit, error (the `Guard`'s drop),
//! panic on the UI thread (ratatui's hook), Ctrl-C (a key in raw mode),
//! SIGINT, SIGTERM and SIGHUP (signal-hook); mouse capture, when on, is
//! turned off on the same paths.
//!
//! Frames are drawn for the terminal's capabilities (`terminal`): glyphs by
//! the palette, colours reduced to its depth after drawing.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, never, select, tick, unbounded};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::cursor::MoveTo;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use ratatui::crossterm::terminal::{Clear, ClearType};
use ratatui::layout::Rect;

use super::engine_link;
use super::model::{Command, Model, Msg, update};
use super::recorded::Recorded;
use super::{UiArgs, UiError};
use crate::engine::{Control, Update};

/// Where the dashboard's time comes from: injected, so tests and snapshots
/// show no wall-clock time.
pub trait Clock {
    /// Time since the clock started.
    fn now(&self) -> Duration;
}

/// The real clock.
pub struct SystemClock(Instant);

impl SystemClock {
    pub fn start() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// Restores the terminal when dropped, on every path out of `run`.
struct Guard {
    mouse: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.mouse {
            release_mouse();
        }
        // A blank alternate screen first: tmux keeps on the main screen the
        // rows a window gained while the alternate one was up.
        let _ = ratatui::crossterm::execute!(std::io::stdout(), Clear(ClearType::All), MoveTo(0, 0));
        ratatui::restore();
    }
}

/// Turns mouse reporting off (harmless when it is off).
fn release_mouse() {
    let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableMouseCapture);
}

/// Wraps ratatui's panic hook so that only a panic on the UI thread restores
/// the terminal and prints; a panic on another thread (the engine's) is
/// reported by the engine driver as an `Update::Error`, and the screen stays up.
fn install_panic_hook(mouse: bool) {
    let ui = thread::current().id();
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if thread::current().id() == ui {
            if mouse {
                release_mouse();
            }
            ratatui_hook(info);
        }
    }));
}

/// Reads terminal events into a channel until `stop` is set.
fn spawn_input(stop: Arc<AtomicBool>) -> Receiver<Event> {
    let (tx, rx) = crossbeam_channel::bounded(256);
    thread::Builder::new()
        .name("sk-tui-input".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match event::poll(Duration::from_millis(100)) {
                    Ok(true) => match event::read() {
                        Ok(ev) => {
                            if tx.send(ev).is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    },
                    Ok(false) => {}
                    Err(_) => break,
                }
            }
        })
        .ok();
    rx
}

/// Forwards SIGINT, SIGTERM and SIGHUP into a channel.
fn spawn_signals() -> Result<(Receiver<i32>, signal_hook::iterator::Handle), UiError> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let handle = signals.handle();
    let (tx, rx) = unbounded();
    thread::Builder::new().name("sk-tui-signals".into()).spawn(move || {
        for s in signals.forever() {
            if tx.send(s).is_err() {
                break;
            }
        }
    })?;
    Ok((rx, handle))
}

/// The live dashboard (`sk-tui` with no subcommand).
pub fn run(args: UiArgs) -> Result<(), UiError> {
    if !std::io::stdout().is_terminal() {
        return Err(UiError::NotATerminal);
    }
    if !(1..=60).contains(&args.fps) {
        return Err(UiError::Usage(format!("--fps {} is outside [1, 60]", args.fps)));
    }
    let theme = super::load_theme(args.theme.as_deref())?;
    let caps = super::terminal::resolve(&super::terminal::TermEnv::from_process(), args.depth, args.glyphs);
    let color = args.color.enabled() && caps.depth != super::terminal::ColorDepth::Mono;
    let mut model = Model::new(&args.preset.name, args.preset.preset.clone(), theme, color, args.marker);
    model.set_capabilities(caps);
    model.mouse = args.mouse;
    model.preset_choices = super::preset_choices();
    model.theme_choices = super::theme_choices();
    let engine = engine_link::spawn(&args.preset)?;
    let result = on_terminal(
        &mut model,
        &engine.control,
        &engine.updates,
        None,
        (args.fps, args.mouse, args.config_file.as_deref()),
    );
    engine.shutdown();
    result
}

/// The dashboard on recorded runs (`sk-tui view`): no engine; the runs'
/// lines arrive from `recorded`'s follower. The theme picker saves into
/// `config_file`.
pub fn run_recorded(
    mut model: Model,
    recorded: &mut Recorded,
    fps: u32,
    config_file: Option<&std::path::Path>,
) -> Result<(), UiError> {
    super::recorded::refuse_non_run_files(recorded.runs.iter().map(|r| r.path.as_path()))?;
    if !std::io::stdout().is_terminal() {
        return Err(UiError::NotATerminal);
    }
    // Nothing is sent on these: commands go to `recorded`, which refuses them.
    let (control, _control_rx) = crossbeam_channel::bounded(1);
    let (_updates_tx, updates) = crossbeam_channel::bounded(1);
    let mouse = model.mouse;
    on_terminal(&mut model, &control, &updates, Some(recorded), (fps, mouse, config_file))
}

/// Takes the terminal, runs the loop, and restores it.
fn on_terminal(
    model: &mut Model,
    control: &Sender<Control>,
    updates: &Receiver<Update>,
    recorded: Option<&mut Recorded>,
    (fps, mouse, config_file): (u32, bool, Option<&std::path::Path>),
) -> Result<(), UiError> {
    let (signals, signal_handle) = spawn_signals()?;
    let stop = Arc::new(AtomicBool::new(false));

    let mut terminal = ratatui::try_init()?;
    let guard = Guard { mouse };
    if mouse {
        ratatui::crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    install_panic_hook(mouse);
    let input = spawn_input(stop.clone());
    let clock = SystemClock::start();
    let result = event_loop(
        &mut terminal,
        model,
        Channels { control, updates, input: &input, signals: &signals, recorded },
        &clock,
        fps,
        config_file,
    );
    drop(guard);
    stop.store(true, Ordering::Relaxed);
    signal_handle.close();
    result
}

/// The channels the loop waits on.
pub struct Channels<'a> {
    pub control: &'a Sender<Control>,
    pub updates: &'a Receiver<Update>,
    pub input: &'a Receiver<Event>,
    pub signals: &'a Receiver<i32>,
    /// Recorded runs (`sk-tui view`): a second source of updates, which
    /// also sees keys first (its runs list) and answers engine commands.
    pub recorded: Option<&'a mut Recorded>,
}

/// Updates handled per wake-up before drawing gets a turn.
const UPDATE_BATCH: usize = 512;

/// Waits on input, engine updates, signals and the frame tick until the
/// person quits or a signal arrives. Generic over the backend, so tests can
/// drive it with a `TestBackend`.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    ch: Channels,
    clock: &dyn Clock,
    fps: u32,
    config_file: Option<&std::path::Path>,
) -> Result<(), UiError>
where
    UiError: From<B::Error>,
{
    let frame = tick(Duration::from_secs_f64(1.0 / fps.clamp(1, 60) as f64));
    let mut updates = ch.updates.clone();
    let mut input = ch.input.clone();
    let mut recorded = ch.recorded;
    let mut followed = recorded.as_ref().and_then(|r| r.events()).unwrap_or_else(never);
    let draw = |model: &Model, recorded: &Option<&mut Recorded>, f: &mut ratatui::Frame| {
        super::view(model, f);
        if let Some(r) = recorded {
            r.draw(model, f);
        }
        super::palette::reduce_colors(f.buffer_mut(), model.caps.depth);
    };
    update(model, Msg::Tick(clock.now()));
    terminal.draw(|f| draw(model, &recorded, f))?;
    model.dirty = false;
    loop {
        let mut commands = Vec::new();
        select! {
            recv(input) -> ev => match ev {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                    if !recorded.as_mut().is_some_and(|r| r.key(model, &k)) {
                        commands.extend(update(model, Msg::Key(k)));
                    }
                }
                Ok(Event::Mouse(m)) => {
                    let size = terminal.size()?;
                    commands.extend(update(model, Msg::Mouse(m, Rect::new(0, 0, size.width, size.height))));
                }
                Ok(Event::Resize(..)) => { update(model, Msg::Resize); }
                Ok(_) => {}
                Err(_) => input = never(),
            },
            recv(updates) -> u => match u {
                Ok(u) => {
                    update(model, Msg::Engine(u));
                    for u in updates.try_iter().take(UPDATE_BATCH) {
                        update(model, Msg::Engine(u));
                    }
                }
                Err(_) => {
                    updates = never();
                    update(model, Msg::Error("the engine stopped unexpectedly; press q to quit".into()));
                }
            },
            recv(followed) -> ev => match (ev, recorded.as_mut()) {
                (Ok(ev), Some(r)) => {
                    r.handle(model, ev);
                    for ev in followed.try_iter().take(UPDATE_BATCH) {
                        r.handle(model, ev);
                    }
                }
                _ => followed = never(),
            },
            recv(ch.signals) -> _ => return Ok(()),
            recv(frame) -> _ => {
                update(model, Msg::Tick(clock.now()));
                if model.dirty {
                    terminal.draw(|f| draw(model, &recorded, f))?;
                    model.dirty = false;
                }
            },
        }
        for c in commands {
            match c {
                Command::Quit => return Ok(()),
                Command::Engine(_) | Command::LoadPreset(_) if recorded.is_some() => {
                    if let Some(r) = recorded.as_deref() {
                        r.refuse(model);
                    }
                }
                Command::Engine(control) => send(model, ch.control, control),
                Command::LoadPreset(spec) => match crate::config::resolve_preset(&spec) {
                    Ok(p) => {
                        model.pending_preset = Some(p.name.clone());
                        send(model, ch.control, Control::Restart(Box::new(p.preset)));
                    }
                    Err(e) => {
                        update(model, Msg::Error(e.to_string()));
                    }
                },
                Command::LoadTheme(spec) => match crate::config::theme::resolve_theme(&spec) {
                    Ok(t) => {
                        if let Some(Command::SaveTheme(name)) = update(model, Msg::ThemeLoaded(Box::new(t))) {
                            save_theme(model, config_file, &name);
                        }
                        // A new palette changes every cell: start from a clean screen.
                        terminal.clear()?;
                    }
                    Err(e) => {
                        update(model, Msg::Error(e.to_string()));
                    }
                },
                Command::SaveTheme(name) => save_theme(model, config_file, &name),
                Command::Export(pane) => {
                    let msg = match export(model, pane) {
                        Ok(path) => Msg::Note(format!("exported to {}", path.display())),
                        Err(e) => Msg::Error(format!("export failed: {e}")),
                    };
                    update(model, msg);
                }
            }
        }
    }
}

/// Writes `pane` of the run on screen as an SVG in the current directory
/// (`sk-tui-data-3.svg`, the first free number), through `plot`.
fn export(model: &Model, pane: super::model::Pane) -> Result<std::path::PathBuf, crate::plot::PlotError> {
    use super::model::Pane;
    use crate::plot::Figure;
    let (figure, stem) = match pane {
        Pane::ModelScaling => (Figure::Model, "model"),
        Pane::Heatmap => (Figure::Heatmap, "heatmap"),
        _ => (Figure::Data, "data"),
    };
    let out = (1..)
        .map(|k| std::path::PathBuf::from(format!("sk-tui-{stem}-{k}.svg")))
        .find(|p| !p.exists())
        .unwrap_or_default();
    let run = crate::record::RunFile {
        path: std::path::PathBuf::from(&model.preset_name),
        header: crate::record::RunHeader {
            kind: "run".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            schema: 1,
            preset_name: model.preset_name.clone(),
            preset: model.preset.clone(),
            seed: model.preset.run.seed,
            command: Vec::new(),
        },
        checkpoints: model.history.clone(),
        samples: Vec::new(),
        end: None,
    };
    let target = crate::plot::PlotTarget { out: out.clone(), width: 1200, height: 800 };
    crate::plot::plot(&[run], figure, &target)?;
    Ok(std::env::current_dir().map(|d| d.join(&out)).unwrap_or(out))
}

/// Saves `name` as the default theme in the config file and says so.
fn save_theme(model: &mut Model, config_file: Option<&std::path::Path>, name: &str) {
    let Some(path) = config_file else {
        update(
            model,
            Msg::Error("no config directory (set XDG_CONFIG_HOME or HOME) to save the theme in".into()),
        );
        return;
    };
    match crate::config::settings::save_theme(path, name) {
        Ok(()) => {
            update(model, Msg::Note(format!("theme {name} saved as the default in {}", path.display())))
        }
        Err(e) => update(model, Msg::Error(e.to_string())),
    };
}

/// Sends a command to the engine without blocking the UI for long.
fn send(model: &mut Model, control: &Sender<Control>, c: Control) {
    if control.send_timeout(c, Duration::from_millis(200)).is_err() {
        update(model, Msg::Error("the engine did not accept the command (busy or stopped)".into()));
    }
}
