//! Semantic styles. Views ask for a role, never a colour, so the monochrome
//! theme (NO_COLOR, `theme = "mono"`) needs no view changes.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    mono: bool,
}

impl Theme {
    pub fn new(mono: bool) -> Theme {
        Theme { mono }
    }

    fn pick(&self, color: Style, mono: Style) -> Style {
        if self.mono {
            mono
        } else {
            color
        }
    }

    pub fn title(&self) -> Style {
        self.pick(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD), Style::new().add_modifier(Modifier::BOLD))
    }
    pub fn heading(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }
    pub fn muted(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new().add_modifier(Modifier::DIM))
    }
    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn selection(&self) -> Style {
        self.pick(
            Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }
    pub fn matched(&self) -> Style {
        self.pick(
            Style::new().fg(Color::LightYellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }
    pub fn key(&self) -> Style {
        self.pick(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD), Style::new().add_modifier(Modifier::BOLD))
    }
    pub fn link(&self) -> Style {
        self.pick(
            Style::new().fg(Color::LightBlue).add_modifier(Modifier::UNDERLINED),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
    }
    /// Code in docs: verbatim text that must stand apart from prose.
    pub fn code(&self) -> Style {
        self.pick(Style::new().fg(Color::LightGreen), Style::new())
    }
    pub fn ok(&self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }
    pub fn warn(&self) -> Style {
        self.pick(Style::new().fg(Color::Yellow), Style::new().add_modifier(Modifier::BOLD))
    }
    pub fn crit(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )
    }
    pub fn bar(&self) -> Style {
        self.pick(
            Style::new().bg(Color::Rgb(30, 30, 40)).fg(Color::Gray),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }
    pub fn border(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }
    /// Lifecycle words get their meaning's colour.
    pub fn lifecycle(&self, lifecycle: &str) -> Style {
        match lifecycle {
            "production" => self.ok(),
            "experimental" => self.warn(),
            "deprecated" => self.crit(),
            _ => self.text(),
        }
    }
}
