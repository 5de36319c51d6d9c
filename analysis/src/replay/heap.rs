//! `heapq` and `bisect` on lists, with the same sift order as CPython's `heapq.py`, so
//! the lists hold the same items in the same places.

use std::rc::Rc;

use tree_sitter::Node;

use super::interp::{Interp, R, stop};
use super::protocol::int_of;
use super::value::*;

fn list_items(interp: &mut Interp<'_>, heap: &Value, node: Node<'_>) -> R<(ObjId, Vec<Value>)> {
    match heap {
        Value::Obj(id) => match interp.obj(*id) {
            Obj::List(items) => Ok((*id, items.clone())),
            _ => {
                let name = interp.type_name(heap);
                interp.error(
                    node,
                    "TypeError",
                    format!("heap argument must be a list, not {name}"),
                )
            }
        },
        Value::Opaque => stop("heap of an unknown value"),
        _ => {
            let name = interp.type_name(heap);
            interp.error(
                node,
                "TypeError",
                format!("heap argument must be a list, not {name}"),
            )
        }
    }
}

fn sift_down(
    interp: &mut Interp<'_>,
    heap: &mut [Value],
    start: usize,
    mut pos: usize,
    node: Node<'_>,
) -> R<()> {
    let item = heap[pos].clone();
    while pos > start {
        let parent_pos = (pos - 1) >> 1;
        let parent = heap[parent_pos].clone();
        if interp.less(&item, &parent, node, "<")? {
            heap[pos] = parent;
            pos = parent_pos;
            continue;
        }
        break;
    }
    heap[pos] = item;
    Ok(())
}

fn sift_up(interp: &mut Interp<'_>, heap: &mut [Value], mut pos: usize, node: Node<'_>) -> R<()> {
    let end = heap.len();
    let start = pos;
    let item = heap[pos].clone();
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && !interp.less(&heap[child].clone(), &heap[right].clone(), node, "<")? {
            child = right;
        }
        heap[pos] = heap[child].clone();
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(interp, heap, start, pos, node)
}

pub(crate) fn call(
    interp: &mut Interp<'_>,
    name: &str,
    args: Vec<Value>,
    node: Node<'_>,
) -> R<Value> {
    let Some(heap) = args.first() else {
        return interp.error(
            node,
            "TypeError",
            format!("{name} expected at least 1 argument, got 0"),
        );
    };
    let (id, mut items) = list_items(interp, heap, node)?;
    let result = match name {
        "heappush" => {
            let Some(item) = args.get(1) else {
                return interp.error(node, "TypeError", "heappush expected 2 arguments, got 1");
            };
            items.push(item.clone());
            let last = items.len() - 1;
            sift_down(interp, &mut items, 0, last, node)?;
            Value::None
        }
        "heappop" => {
            let Some(last) = items.pop() else {
                return interp.error(node, "IndexError", "index out of range");
            };
            if items.is_empty() {
                last
            } else {
                let top = std::mem::replace(&mut items[0], last);
                sift_up(interp, &mut items, 0, node)?;
                top
            }
        }
        "heapify" => {
            for pos in (0..items.len() / 2).rev() {
                sift_up(interp, &mut items, pos, node)?;
            }
            Value::None
        }
        "heapreplace" | "heappushpop" => {
            let Some(item) = args.get(1).cloned() else {
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name} expected 2 arguments, got 1"),
                );
            };
            if items.is_empty() {
                if name == "heappushpop" {
                    return Ok(item);
                }
                return interp.error(node, "IndexError", "index out of range");
            }
            if name == "heappushpop" && !interp.less(&items[0].clone(), &item, node, "<")? {
                return Ok(item);
            }
            let top = std::mem::replace(&mut items[0], item);
            sift_up(interp, &mut items, 0, node)?;
            top
        }
        _ => return stop(format!("heapq.{name}")),
    };
    if let Obj::List(list) = interp.obj_mut(id) {
        *list = items;
    }
    Ok(result)
}

pub(crate) fn bisect(
    interp: &mut Interp<'_>,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    if !kwargs.is_empty() || args.len() != 2 {
        return stop("bisect with bounds or a key");
    }
    let (id, items) = list_items(interp, &args[0], node)?;
    let item = args[1].clone();
    let left = name.ends_with("left");
    let (mut low, mut high) = (0, items.len());
    while low < high {
        let middle = (low + high) / 2;
        let go_right = if left {
            interp.less(&items[middle], &item, node, "<")?
        } else {
            !interp.less(&item, &items[middle], node, "<")?
        };
        if go_right {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    if name.starts_with("insort") {
        if let Obj::List(list) = interp.obj_mut(id) {
            list.insert(low, item);
        }
        return Ok(Value::None);
    }
    let _ = int_of;
    Ok(Value::Int(low as i64))
}
