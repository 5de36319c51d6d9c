//! Configuration model (STUB: being written; interface fixed).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Confidence {
    #[default]
    Possible,
    Likely,
    Definite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HoverVerbosity {
    Compact,
    #[default]
    Normal,
    Verbose,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Config {
    pub python_version: Option<(u8, u8)>,
    pub extra_paths: Vec<String>,
    pub venv: Option<String>,
    pub min_confidence: Confidence,
    pub enable: Vec<String>,
    pub disable: Vec<String>,
    pub hover_verbosity: HoverVerbosity,
    pub frameworks: Vec<String>,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Possible => "possible",
            Confidence::Likely => "likely",
            Confidence::Definite => "definite",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub range: Option<line_index::TextRange>,
    pub message: String,
}
