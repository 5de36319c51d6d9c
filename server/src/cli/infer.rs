//! `remedy infer FILE [--json]`: every name occurrence with its inferred values.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use analysis::ide::InferredName;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct InferArgs {
    /// The Python file to report on.
    pub file: PathBuf,
    /// One JSON document (names with members, origins and branches) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: InferArgs) -> ExitCode {
    let (host, file) = match super::load_single_file(&args.file) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Ok(names) = host.analysis().inferred_names(file) else {
        return ExitCode::from(2);
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) ends the output quietly.
    let _ = if args.json {
        {
            let path = std::path::absolute(&args.file).unwrap_or(args.file.clone());
            writeln!(stdout, "{}", to_json(&path, &names))
        }
    } else {
        write_text(&mut stdout, &names)
    };
    ExitCode::SUCCESS
}

fn to_json(path: &std::path::Path, names: &[InferredName]) -> String {
    let names: Vec<serde_json::Value> = names
        .iter()
        .map(|name| {
            json!({
                "name": name.name,
                "qualified_name": name.qualified_name,
                "line": name.line + 1,
                "column": name.column + 1,
                "binds": name.binds,
                "pruned": name.pruned,
                "members": name.members.iter().map(|member| json!({
                    "value": member.value,
                    "type": member.type_name,
                    "origins": member.origins,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = json!({"file": path.display().to_string(), "names": names});
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn write_text(out: &mut impl std::io::Write, names: &[InferredName]) -> std::io::Result<()> {
    for name in names {
        let members: Vec<String> = name
            .members
            .iter()
            .map(|member| match member.origins.first() {
                Some(origin) => format!("{} — {origin}", member.value),
                None => member.value.clone(),
            })
            .collect();
        writeln!(
            out,
            "{}:{} {}{} = {}{}",
            name.line + 1,
            name.column + 1,
            name.name,
            if name.binds { " (binds)" } else { "" },
            members.join(" | "),
            if name.pruned { " (pruned)" } else { "" },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use analysis::ide::InferredMember;

    #[test]
    fn json_names_every_member_with_its_origins() {
        let names = vec![InferredName {
            name: "a".to_owned(),
            qualified_name: Some("m.a".to_owned()),
            line: 1,
            column: 4,
            binds: true,
            members: vec![InferredMember {
                value: "4 (int)".to_owned(),
                type_name: "int".to_owned(),
                origins: vec!["L2, `if flag:` true branch".to_owned()],
            }],
            pruned: false,
        }];
        let document: serde_json::Value =
            serde_json::from_str(&to_json(std::path::Path::new("m.py"), &names)).unwrap();
        assert_eq!(document["names"][0]["line"], 2);
        assert_eq!(document["names"][0]["column"], 5);
        assert_eq!(document["names"][0]["qualified_name"], "m.a");
        assert_eq!(document["names"][0]["members"][0]["type"], "int");
        assert_eq!(
            document["names"][0]["members"][0]["origins"][0],
            "L2, `if flag:` true branch"
        );
    }
}
