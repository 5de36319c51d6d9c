//! Union invariants and value rendering.

use line_index::TextRange;

use super::*;

fn int(value: i64) -> Union {
    Union::new(Value::Int(Some(value)), None)
}

#[test]
fn join_deduplicates_and_keeps_unknown_only_when_alone() {
    let joined = int(1).join(&int(1)).join(&Union::unknown());
    assert_eq!(joined.members().len(), 1);
    assert_eq!(render_union(&joined), "1 (int)");
    assert_eq!(
        render_union(&Union::unknown().join(&Union::unknown())),
        "unknown"
    );
}

#[test]
fn wide_unions_widen_and_say_so() {
    let wide = Union::join_all((0..40).map(int)).expect("not empty");
    assert!(wide.members().len() <= Union::MAX_MEMBERS);
    assert!(wide.pruned());
    assert_eq!(render_union(&wide), "int (pruned)");
}

#[test]
fn containers_render_like_python() {
    let list = Value::List(Items::exact(vec![
        int(1),
        Union::new(Value::Str(Some("a".into())), None),
    ]));
    assert_eq!(render_value(&list), "[1, 'a'] (list, len 2)");
    let dict = Value::Dict(Box::new(DictValue {
        entries: vec![(Key::Str("host".into()), int(80))],
        open: false,
    }));
    assert_eq!(render_value(&dict), "{'host': 80} (dict)");
    let open_list = Value::List(Items::of(Some(int(3))));
    assert_eq!(render_value(&open_list), "list[int] (list)");
    assert_eq!(
        render_value(&Value::Tuple(Items::exact(vec![int(1)]))),
        "(1,) (tuple, len 1)"
    );
    assert_eq!(render_value(&Value::float(4.0)), "4.0 (float)");
    let _ = TextRange::default();
}

#[test]
fn values_nest_only_so_deep() {
    let mut value = Union::new(Value::Int(Some(1)), None);
    for _ in 0..50 {
        value = Union::new(Value::Tuple(Items::exact(vec![value.clone(), value])), None);
    }
    assert_eq!(
        render_union(&value),
        "(((…), (…)), ((…), (…))) (tuple, len 2)"
    );
}
