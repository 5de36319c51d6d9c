//! Every name occurrence of a file with the values inferred there, for tools
//! (`remedy infer FILE --json`): the data behind the hovers, without the markdown.

use crate::db::Db;
use crate::index::{NameContext, file_index};
use crate::input::SourceFile;
use crate::values::{Union, render_value};

use super::hover::qualified_name;
use super::line_index;
use super::values::{render_origin, value_at};

/// One occurrence of a name: where it is, whether it binds or reads, and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredName {
    pub name: String,
    /// The fully qualified name of the definition a binding creates.
    pub qualified_name: Option<String>,
    /// 0-based line and UTF-8 column of the occurrence.
    pub line: u32,
    pub column: u32,
    pub binds: bool,
    pub members: Vec<InferredMember>,
    /// Some members were cut or widened to keep the union bounded.
    pub pruned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredMember {
    /// As hovers show it: `4 (int)`, `'a' (str)`, `Point(x=1, y=2)`.
    pub value: String,
    /// `type(value).__name__`.
    pub type_name: String,
    /// Where each origin is: "L6, `if flag:` true branch" (file name first when it is
    /// another file).
    pub origins: Vec<String>,
}

/// Every name load and binding of `file` with an inferred value, in source order.
pub fn inferred_names(db: &dyn Db, file: SourceFile) -> Vec<InferredName> {
    let index = file_index(db, file);
    let lines = line_index(db, file);
    let mut names = Vec::new();
    for name_ref in &index.name_refs {
        if name_ref.context == NameContext::Del {
            continue;
        }
        let Some(union) = value_at(db, file, name_ref) else {
            continue;
        };
        let position = lines.line_col(name_ref.range.start());
        let binds = name_ref.context == NameContext::Store;
        names.push(InferredName {
            name: name_ref.name.to_string(),
            qualified_name: name_ref
                .definition
                .filter(|_| binds)
                .map(|definition| qualified_name(db, file, definition)),
            line: position.line,
            column: position.col,
            binds,
            members: members(db, file, &union),
            pruned: union.pruned(),
        });
    }
    names
}

fn members(db: &dyn Db, file: SourceFile, union: &Union) -> Vec<InferredMember> {
    union
        .members()
        .iter()
        .map(|member| InferredMember {
            value: render_value(&member.value),
            type_name: member.value.type_name().to_owned(),
            origins: member
                .origins
                .iter()
                .map(|origin| render_origin(db, file, origin))
                .collect(),
        })
        .collect()
}
