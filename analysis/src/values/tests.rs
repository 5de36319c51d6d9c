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

/// `is_bounded` is the fast path of `bounded`: it must say "unchanged" exactly when
/// bounding changes nothing, for values nested past the limit and for long containers.
#[test]
fn is_bounded_agrees_with_bounded() {
    let mut values = Vec::new();
    let mut nested = Value::Int(Some(1));
    for _ in 0..7 {
        values.push(nested.clone());
        nested = Value::List(Items::exact(vec![Union::new(nested.clone(), None), int(2)]));
        // A container built around an already bounded union can nest one level too deep.
        values.push(Value::Tuple(Items {
            items: vec![Union {
                members: Arc::from([Member {
                    value: nested.clone(),
                    origins: Vec::new(),
                }]),
                pruned: false,
            }],
            exact: true,
        }));
    }
    values.push(Value::List(Items::exact((0..70).map(int).collect())));
    values.push(Value::Dict(Box::new(DictValue {
        entries: (0..70).map(|key| (Key::Int(key), int(key))).collect(),
        open: false,
    })));
    values.push(Value::Dict(Box::new(DictValue {
        entries: Vec::new(),
        open: true,
    })));
    let (mut unchanged, mut cut) = (0, 0);
    for value in values {
        for depth in 0..=MAX_VALUE_DEPTH {
            let bounded = value.clone().bounded(depth);
            if bounded == value {
                unchanged += 1;
            } else {
                cut += 1;
            }
            assert_eq!(
                value.is_bounded(depth),
                bounded == value,
                "{} at depth {depth}",
                render_value(&value)
            );
            assert!(bounded.is_bounded(depth), "{}", render_value(&bounded));
        }
    }
    assert!(unchanged > 0 && cut > 0, "{unchanged} unchanged, {cut} cut");
}

#[test]
fn clones_share_members_and_joins_leave_the_operands_alone() {
    let four = int(4);
    let copy = four.clone();
    assert!(Arc::ptr_eq(&four.members, &copy.members));
    let joined = four.join(&Union::new(Value::Str(Some("a".into())), None));
    assert_eq!(joined.members().len(), 2);
    assert_eq!(four.members().len(), 1);
    assert_eq!(render_union(&copy), "4 (int)");
}
