//! Keys to actions, and what each action does in each mode (the value,
//! save-path and model-path prompts, the questions, the screens).

use super::{Action, App, Message, Mode, Screen, Tornado};
use crate::probe::Target;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

impl App {
    /// The action a key stands for in the current mode.
    pub fn action_for(&self, key: KeyEvent) -> Option<Action> {
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        match &self.mode {
            Mode::Edit(_) | Mode::SavePath(_) | Mode::ProbePath(_) | Mode::ServerForm(..) => {
                match key.code {
                    _ if ctrl_c => Some(Action::Cancel),
                    KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Some(Action::Clear)
                    }
                    KeyCode::Char(_) if key.modifiers.contains(KeyModifiers::CONTROL) => None,
                    KeyCode::Enter => Some(Action::Submit),
                    KeyCode::Esc => Some(Action::Cancel),
                    KeyCode::Backspace => Some(Action::Backspace),
                    KeyCode::Char(c) => Some(Action::Type(c)),
                    _ => None,
                }
            }
            Mode::ConfirmOverwrite(_) => match key.code {
                KeyCode::Char('y' | 'Y') => Some(Action::Yes),
                _ if ctrl_c => Some(Action::No),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
                _ => None,
            },
            Mode::ConfirmQuit => match key.code {
                _ if ctrl_c => Some(Action::ForceQuit),
                KeyCode::Char('y' | 'Y' | 'q') => Some(Action::ForceQuit),
                KeyCode::Char('s') => Some(Action::Save),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
                _ => None,
            },
            Mode::Help => Some(Action::Cancel),
            Mode::Normal => match key.code {
                _ if ctrl_c => Some(Action::Quit),
                KeyCode::Char('p') if self.screen == Screen::Probe => Some(Action::ProbeSynthetic),
                KeyCode::Char('g') if self.screen == Screen::Probe => Some(Action::ProbeAsk),
                KeyCode::Char('x') if self.screen == Screen::Probe => Some(Action::ProbeCancel),
                KeyCode::Char('a') if self.screen == Screen::Probe => Some(Action::ProbeApply),
                KeyCode::Char('v') if self.screen == Screen::Probe => Some(Action::ServerAsk),
                KeyCode::Char('t') if self.screen == Screen::Probe => Some(Action::ServerTargets),
                KeyCode::Char('c') if self.screen == Screen::Probe => Some(Action::ServerPick),
                // Esc during a probe stops the probe, not the calculator.
                KeyCode::Esc
                    if self.screen == Screen::Probe
                        && (self.server_job.is_some() || self.probe_job.is_some()) =>
                {
                    Some(Action::ProbeCancel)
                }
                KeyCode::Right | KeyCode::Char('l' | ']') if self.screen == Screen::Uncertainty => {
                    Some(Action::NextPair)
                }
                KeyCode::Left | KeyCode::Char('h' | '[') if self.screen == Screen::Uncertainty => {
                    Some(Action::PrevPair)
                }
                KeyCode::Char('t') if self.screen == Screen::Uncertainty => {
                    Some(Action::ToggleTornado)
                }
                KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
                KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
                KeyCode::Char('+' | '=') | KeyCode::Right | KeyCode::Char('l') => {
                    Some(Action::Increase)
                }
                KeyCode::Char('-' | '_') | KeyCode::Left | KeyCode::Char('h') => {
                    Some(Action::Decrease)
                }
                KeyCode::Enter | KeyCode::Char('e') => Some(Action::StartEdit),
                KeyCode::Char('u') => Some(Action::Undo),
                KeyCode::Char('s') => Some(Action::Save),
                KeyCode::Char('q') | KeyCode::Esc => Some(Action::Quit),
                KeyCode::Char('?') => Some(Action::Help),
                KeyCode::Char('1') => Some(Action::Show(Screen::Calculator)),
                KeyCode::Char('2') => Some(Action::Show(Screen::Uncertainty)),
                KeyCode::Char('3') => Some(Action::Show(Screen::Probe)),
                KeyCode::Tab => Some(Action::NextScreen),
                _ => None,
            },
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.action_for(key) {
            self.apply(a);
        }
    }

    pub fn apply(&mut self, a: Action) {
        match (a, self.mode.clone()) {
            (Action::Up, _) => self.selected = self.selected.saturating_sub(1),
            (Action::Down, _) => {
                self.selected = (self.selected + 1).min(self.fields.len().saturating_sub(1))
            }
            (Action::Increase, _) => self.step(true),
            (Action::Decrease, _) => self.step(false),
            (Action::StartEdit, _) => {
                if let Some(f) = self.field() {
                    self.mode = Mode::Edit(f.edit_text());
                }
            }
            (Action::Type(c), Mode::Edit(mut b)) => {
                b.push(c);
                self.mode = Mode::Edit(b);
            }
            (Action::Type(c), Mode::SavePath(mut b)) => {
                b.push(c);
                self.mode = Mode::SavePath(b);
            }
            (Action::Backspace, Mode::Edit(mut b)) => {
                b.pop();
                self.mode = Mode::Edit(b);
            }
            (Action::Backspace, Mode::SavePath(mut b)) => {
                b.pop();
                self.mode = Mode::SavePath(b);
            }
            (Action::Type(c), Mode::ProbePath(mut b)) => {
                b.push(c);
                self.mode = Mode::ProbePath(b);
            }
            (Action::Backspace, Mode::ProbePath(mut b)) => {
                b.pop();
                self.mode = Mode::ProbePath(b);
            }
            (Action::Clear, Mode::ProbePath(_)) => self.mode = Mode::ProbePath(String::new()),
            (Action::Submit, Mode::ProbePath(b)) => {
                self.mode = Mode::Normal;
                self.start_probe(Target::Gguf(PathBuf::from(b.trim())));
            }
            (Action::Type(c), Mode::ServerForm(i, mut b)) => {
                b.push(c);
                self.mode = Mode::ServerForm(i, b);
            }
            (Action::Backspace, Mode::ServerForm(i, mut b)) => {
                b.pop();
                self.mode = Mode::ServerForm(i, b);
            }
            (Action::Clear, Mode::ServerForm(i, _)) => {
                self.mode = Mode::ServerForm(i, String::new())
            }
            (Action::Submit, Mode::ServerForm(i, b)) => self.server_form_next(i, b),
            (Action::ServerAsk, _) if self.server_job.is_none() && self.probe_job.is_none() => {
                self.mode = Mode::ServerForm(0, self.server.fields[0].clone());
            }
            (Action::ServerAsk, _) => {
                self.message = Some(Message::Info("a probe is already running".into()));
            }
            (Action::ServerTargets, _) => {
                let i = crate::server::FORM_TARGETS;
                self.mode = Mode::ServerForm(i, self.server.fields[i].clone());
            }
            (Action::ServerPick, _) => self.cycle_server_pick(),
            (Action::ProbeSynthetic, _) => self.start_probe(Target::SyntheticTiny),
            (Action::ProbeAsk, _) if self.probe_job.is_none() => {
                self.mode = Mode::ProbePath(String::new());
            }
            (Action::ProbeCancel, _) => {
                if let Some(j) = &self.probe_job {
                    j.cancel();
                    self.message = Some(Message::Info("cancelling the probe…".into()));
                }
                if let Some(j) = &self.server_job {
                    j.cancel();
                    self.message = Some(Message::Info("cancelling the server probe…".into()));
                }
            }
            (Action::ProbeApply, _) => self.apply_probe(),
            (Action::Clear, Mode::Edit(_)) => self.mode = Mode::Edit(String::new()),
            (Action::Clear, Mode::SavePath(_)) => self.mode = Mode::SavePath(String::new()),
            (Action::Submit, Mode::Edit(b)) => {
                self.mode = Mode::Normal;
                if let Some(path) = self.field().map(|f| f.path.clone()) {
                    self.set(&path, b.trim());
                }
            }
            (Action::Submit, Mode::SavePath(b)) => {
                let p = PathBuf::from(b.trim());
                if b.trim().is_empty() {
                    self.message = Some(Message::Error("no file name given".into()));
                    self.mode = Mode::Normal;
                } else if p.exists() {
                    self.mode = Mode::ConfirmOverwrite(p);
                } else {
                    self.mode = Mode::Normal;
                    self.save_to(&p, false);
                }
            }
            (Action::Yes, Mode::ConfirmOverwrite(p)) => {
                self.mode = Mode::Normal;
                self.save_to(&p, true);
            }
            (Action::No, Mode::ConfirmOverwrite(_)) => {
                self.mode = Mode::Normal;
                self.message = Some(Message::Info("not saved".into()));
            }
            (Action::Cancel | Action::No, _) => {
                self.quit_after_save = false;
                self.mode = Mode::Normal;
            }
            (Action::Undo, _) => self.undo(),
            (Action::Save, m) => {
                self.quit_after_save = m == Mode::ConfirmQuit;
                self.mode = Mode::SavePath(self.default_save_path());
            }
            (Action::Quit, _) => {
                if self.dirty() {
                    self.mode = Mode::ConfirmQuit;
                } else {
                    self.cancel_jobs();
                    self.quit = true;
                }
            }
            (Action::ForceQuit, _) => {
                self.cancel_jobs();
                self.quit = true;
            }
            (Action::Help, _) => self.mode = Mode::Help,
            (Action::Show(s), _) => self.screen = s,
            (Action::NextScreen, _) => {
                self.screen = match self.screen {
                    Screen::Calculator => Screen::Uncertainty,
                    Screen::Uncertainty => Screen::Probe,
                    Screen::Probe => Screen::Calculator,
                }
            }
            (Action::NextPair, _) => self.cycle_pair(true),
            (Action::PrevPair, _) => self.cycle_pair(false),
            (Action::ToggleTornado, _) => {
                self.tornado = match self.tornado {
                    Tornado::BreakEven => Tornado::Saving,
                    Tornado::Saving => Tornado::BreakEven,
                }
            }
            _ => {}
        }
    }

    fn cycle_pair(&mut self, forward: bool) {
        let n = self.pairs();
        if n == 0 {
            return;
        }
        self.pair = if forward {
            (self.pair + 1) % n
        } else {
            (self.pair + n - 1) % n
        };
    }
}
