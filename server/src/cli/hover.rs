//! `remedy hover FILE:LINE:COL`: print the hover an editor would show.

use std::io::Write as _;
use std::process::ExitCode;

use analysis::TextSize;

pub fn run(location: &str) -> ExitCode {
    let Some((path, line, column)) = crate::parse_location(location) else {
        eprintln!("remedy: expected FILE:LINE:COL (1-based), got `{location}`");
        return ExitCode::from(2);
    };
    let (host, file) = match super::load_single_file(&path) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let text = host.file_text(file);
    let offset = offset_of(&text, line, column);
    match host.analysis().hover(file, offset) {
        Ok(Some(hover)) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{}", hover.markdown);
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!("remedy: nothing to show at {location}");
            ExitCode::from(1)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// The byte offset of a 1-based line and character column, clamped to the text.
fn offset_of(text: &str, line: u32, column: u32) -> TextSize {
    let mut offset = 0usize;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line as usize {
            let column_bytes: usize = content
                .trim_end_matches(['\n', '\r'])
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf8)
                .sum();
            return TextSize::from((offset + column_bytes) as u32);
        }
        offset += content.len();
    }
    TextSize::from(text.len() as u32)
}
