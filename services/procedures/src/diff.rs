//! What changed between two revisions: fields of the revision, and steps added, removed,
//! moved or changed (field by field). Steps are matched by their key, which a step keeps
//! from revision to revision.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    revisions::Revision,
    steps::{Content, StepView},
};

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldChange {
    pub field: String,
    #[schema(value_type = Value)]
    pub before: Value,
    #[schema(value_type = Value)]
    pub after: Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepRef {
    pub key: Uuid,
    /// The step's id in the revision it belongs to (`to` for added, `from` for removed).
    pub step_id: Uuid,
    pub number: i32,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepChange {
    pub key: Uuid,
    pub from_step_id: Uuid,
    pub to_step_id: Uuid,
    pub title: String,
    pub from_number: i32,
    pub to_number: i32,
    /// True when the step sits elsewhere in the order or in another section.
    pub moved: bool,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionDiff {
    pub from_number: i32,
    pub to_number: i32,
    pub fields: Vec<FieldChange>,
    pub added: Vec<StepRef>,
    pub removed: Vec<StepRef>,
    /// Steps moved but otherwise unchanged.
    pub moved: Vec<StepChange>,
    /// Steps whose fields changed (moved or not).
    pub changed: Vec<StepChange>,
}

impl RevisionDiff {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.moved.is_empty()
            && self.changed.is_empty()
    }
}

fn field_changes(before: &Value, after: &Value, skip: &[&str]) -> Vec<FieldChange> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else { return Vec::new() };
    let mut out: Vec<FieldChange> = a
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            before: b.get(k).cloned().unwrap_or(Value::Null),
            after: v.clone(),
        })
        .collect();
    out.sort_by(|x, y| x.field.cmp(&y.field));
    out
}

fn section_title(content: &Content, step: &StepView) -> Option<String> {
    content.sections.iter().find(|s| s.id == step.section_id).and_then(|s| s.title.clone())
}

pub fn diff(from: &Revision, from_content: &Content, to: &Revision, to_content: &Content) -> RevisionDiff {
    let fields = field_changes(&json!(from.fields()), &json!(to.fields()), &[]);
    let old: HashMap<Uuid, &StepView> = from_content.steps().map(|s| (s.key, s)).collect();
    let new: HashMap<Uuid, &StepView> = to_content.steps().map(|s| (s.key, s)).collect();
    let step_ref = |s: &StepView| StepRef { key: s.key, step_id: s.id, number: s.number, title: s.title.clone() };
    let added = to_content.steps().filter(|s| !old.contains_key(&s.key)).map(step_ref).collect();
    let removed = from_content.steps().filter(|s| !new.contains_key(&s.key)).map(step_ref).collect();

    // Order among the steps both revisions share: a step moved when that order changed.
    let old_order: Vec<Uuid> = from_content.steps().filter(|s| new.contains_key(&s.key)).map(|s| s.key).collect();
    let new_order: Vec<Uuid> = to_content.steps().filter(|s| old.contains_key(&s.key)).map(|s| s.key).collect();
    let old_index: HashMap<Uuid, usize> = old_order.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let sequence: Vec<usize> = new_order.iter().filter_map(|k| old_index.get(k).copied()).collect();
    let stayed = longest_increasing(&sequence);

    let mut moved = Vec::new();
    let mut changed = Vec::new();
    for (i, key) in new_order.iter().enumerate() {
        let (Some(a), Some(b)) = (old.get(key), new.get(key)) else { continue };
        let mut changes = field_changes(&json!(a), &json!(b), &["id", "key", "number", "section_id"]);
        let (sa, sb) = (section_title(from_content, a), section_title(to_content, b));
        if sa != sb {
            changes.push(FieldChange { field: "section".into(), before: json!(sa), after: json!(sb) });
        }
        let is_moved = !stayed[i] || sa != sb;
        let change = StepChange {
            key: *key,
            from_step_id: a.id,
            to_step_id: b.id,
            title: b.title.clone(),
            from_number: a.number,
            to_number: b.number,
            moved: is_moved,
            changes: changes.into_iter().filter(|c| c.field != "section").collect(),
        };
        if !change.changes.is_empty() {
            changed.push(change);
        } else if is_moved {
            moved.push(change);
        }
    }
    RevisionDiff { from_number: from.number, to_number: to.number, fields, added, removed, moved, changed }
}

/// Marks the positions of one longest increasing run in `seq`: the steps that kept their
/// relative order. The others are the ones that moved.
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    let n = seq.len();
    let mut length = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if seq[j] < seq[i] && length[j] + 1 > length[i] {
                length[i] = length[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut keep = vec![false; n];
    let mut at = (0..n).max_by_key(|&i| (length[i], std::cmp::Reverse(i)));
    while let Some(i) = at {
        keep[i] = true;
        at = (prev[i] != usize::MAX).then(|| prev[i]);
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::longest_increasing;

    #[test]
    fn moving_one_step_marks_only_that_step() {
        // old order 0..5; step 0 moved to the end
        assert_eq!(longest_increasing(&[1, 2, 3, 4, 0]), vec![true, true, true, true, false]);
        assert_eq!(longest_increasing(&[0, 1, 2]), vec![true, true, true]);
    }
}
