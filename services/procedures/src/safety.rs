//! The safety review of a change: what a revision weakens compared with the one it would
//! replace, found by rules a reviewer can check for themselves. Steps are matched by key, as
//! the diff matches them; each finding names the step on both sides (one side is missing when
//! a step was removed), with what it was and what it becomes.
//!
//! The rules, in the order a reviewer reads them:
//! - a warning removed, or lowered (danger > warning > caution; a note is not a warning);
//! - a reading's limit widened (a lower minimum, a higher maximum), dropped, or its unit
//!   changed (the limits can then no longer be compared);
//! - a lock-out, zero-energy or protective-equipment step removed, or reworded so that it no
//!   longer says so (words in French and English, accents and case ignored);
//! - a required step made optional;
//! - protective equipment removed from the revision's list.
//!
//! Beside the findings, the review lists the limits that no document vouches for: a number
//! step of the reviewed revision whose unit or bounds are new or changed (all of them when there
//! is nothing to compare with) and carry no source passage, so were typed by a person.
//!
//! A step removed with its warning, limit or safety wording is not reported when another step
//! of the new revision carries the same title (it was re-created rather than dropped).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    revisions::Revision,
    steps::{Content, StepKind, StepView, WarningLevel},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SafetyFindingKind {
    WarningRemoved,
    WarningLowered,
    LimitWidened,
    LimitRemoved,
    UnitChanged,
    SafetyStepRemoved,
    SafetyWordingRemoved,
    StepMadeOptional,
    PpeRemoved,
}

/// What a safety step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SafetyTopic {
    LockOut,
    ZeroEnergy,
    Ppe,
}

/// One side of a finding: a step of one of the two revisions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyFindingStep {
    pub step_id: Uuid,
    pub number: i32,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyFinding {
    pub kind: SafetyFindingKind,
    /// The step in the revision compared against (`null`: the finding is on the revision's fields).
    pub before_step: Option<SafetyFindingStep>,
    /// The step in the revision reviewed (`null`: the step was removed, or a revision field).
    pub after_step: Option<SafetyFindingStep>,
    /// What it was: a warning level, limits `{min, max, unit}`, topics, a PPE item.
    #[schema(value_type = Value)]
    pub before: Value,
    /// What it becomes (`null` when removed).
    #[schema(value_type = Value)]
    pub after: Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafetyReview {
    pub revision_number: i32,
    /// The revision compared against: the published one, or for the published revision the
    /// one it replaced. `null` when there is none (nothing to weaken).
    pub against_number: Option<i32>,
    pub findings: Vec<SafetyFinding>,
    /// Number steps whose new or changed limit has no source passage (typed by a person):
    /// not a weakening, but what the reviewer checks against the manual.
    pub unsourced_limits: Vec<UnsourcedLimit>,
}

/// A limit of the reviewed revision that no passage of a document vouches for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnsourcedLimit {
    pub step: SafetyFindingStep,
    /// `{min, max, unit}` as the revision has them.
    #[schema(value_type = Value)]
    pub limits: Value,
    /// `{min, max, unit}` in the revision compared against (`null`: the limit is new).
    #[schema(value_type = Value)]
    pub before: Value,
}

/// The limits of `content` that no passage vouches for and that differ from `baseline`'s.
pub fn unsourced_limits(baseline: Option<&Content>, content: &Content) -> Vec<UnsourcedLimit> {
    let old: HashMap<Uuid, &StepView> = baseline.map(|b| b.steps().map(|s| (s.key, s)).collect()).unwrap_or_default();
    let limit = |s: &StepView| (s.min, s.max, s.unit.clone());
    content
        .steps()
        .filter(|s| s.limit_unsourced())
        .filter_map(|s| {
            let before = old.get(&s.key).filter(|o| o.kind == StepKind::Number);
            match before {
                Some(o) if limit(o) == limit(s) => None,
                _ => Some(UnsourcedLimit {
                    step: side(s),
                    limits: limits(s),
                    before: before.map_or(Value::Null, |o| limits(o)),
                }),
            }
        })
        .collect()
}

/// The revision `revision` is reviewed against: the procedure's published one, or the one the
/// revision was based on when it is itself the published one.
pub fn baseline_id(published_revision_id: Option<Uuid>, revision: &Revision) -> Option<Uuid> {
    match published_revision_id {
        Some(id) if id != revision.id => Some(id),
        _ => revision.based_on_revision_id.filter(|id| *id != revision.id),
    }
}

fn side(s: &StepView) -> SafetyFindingStep {
    SafetyFindingStep { step_id: s.id, number: s.number, title: s.title.clone() }
}

/// How loud a warning is, a note and none counting as 0.
fn loudness(level: Option<WarningLevel>) -> u8 {
    match level {
        None | Some(WarningLevel::Note) => 0,
        Some(WarningLevel::Caution) => 1,
        Some(WarningLevel::Warning) => 2,
        Some(WarningLevel::Danger) => 3,
    }
}

/// Lower case, accents off, every other character a space: what the word lists are matched on.
fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'œ' => 'o',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        out.push(plain);
    }
    out.push(' ');
    out
}

/// Words and phrases (folded; a leading space anchors a word start, a trailing one its end).
const TOPIC_WORDS: &[(SafetyTopic, &[&str])] = &[
    (
        SafetyTopic::LockOut,
        &[
            " lockout",
            " lock out",
            " locked out",
            " tagout",
            " tag out",
            " loto ",
            " consignation",
            " consigner",
            " consignez",
            " consigne l",
            " cadenas",
            " padlock",
            " isolate",
            " isolation of",
            " isoler",
            " isolez",
            " sectionneur",
            " sectionner",
            " disconnect",
        ],
    ),
    (
        SafetyTopic::ZeroEnergy,
        &[
            " zero energy",
            " energie zero",
            " zero energie",
            " absence de tension",
            " vat ",
            " de energi",
            " deenergi",
            " hors tension",
            " mise hors tension",
            " stored energy",
            " energie residuelle",
            " residual pressure",
            " pression residuelle",
            " depressuris",
            " bleed",
            " purger",
            " purgez",
            " discharge the",
            " decharger",
            " dechargez",
            " verify dead",
            " test for dead",
        ],
    ),
    (
        SafetyTopic::Ppe,
        &[
            " ppe ",
            " epi ",
            " glove",
            " gants",
            " goggles",
            " safety glasses",
            " lunettes",
            " helmet",
            " casque",
            " hard hat",
            " harness",
            " harnais",
            " respirator",
            " masque",
            " ear protection",
            " hearing protection",
            " protection auditive",
            " protections auditives",
            " face shield",
            " visiere",
            " safety shoes",
            " chaussures de securite",
        ],
    ),
];

/// The safety topics a step's words speak of.
pub fn topics(step: &StepView) -> Vec<SafetyTopic> {
    let text = folded(&format!("{} {} {}", step.title, step.body, step.warning_text.as_deref().unwrap_or_default()));
    TOPIC_WORDS.iter().filter(|(_, words)| words.iter().any(|w| text.contains(w))).map(|(topic, _)| *topic).collect()
}

fn limits(s: &StepView) -> Value {
    json!({ "min": s.min, "max": s.max, "unit": s.unit })
}

fn has_limits(s: &StepView) -> bool {
    s.kind == StepKind::Number && (s.min.is_some() || s.max.is_some())
}

fn same_unit(a: Option<&str>, b: Option<&str>) -> bool {
    let norm = |u: Option<&str>| u.map(|u| u.split_whitespace().collect::<String>().to_lowercase());
    norm(a) == norm(b)
}

/// What `to` weakens of `from`.
pub fn review(from: &Revision, from_content: &Content, to: &Revision, to_content: &Content) -> SafetyReview {
    let new: HashMap<Uuid, &StepView> = to_content.steps().map(|s| (s.key, s)).collect();
    let added_titles: HashSet<String> = {
        let old: HashSet<Uuid> = from_content.steps().map(|s| s.key).collect();
        to_content.steps().filter(|s| !old.contains(&s.key)).map(|s| folded(&s.title)).collect()
    };
    let mut findings = Vec::new();
    let mut push = |kind, before_step, after_step, before, after| {
        findings.push(SafetyFinding { kind, before_step, after_step, before, after });
    };

    for old in from_content.steps() {
        let old_topics = topics(old);
        let Some(&step) = new.get(&old.key) else {
            if added_titles.contains(&folded(&old.title)) {
                continue;
            }
            if !old_topics.is_empty() {
                push(SafetyFindingKind::SafetyStepRemoved, Some(side(old)), None, json!(old_topics), Value::Null);
            } else if loudness(old.warning_level) > 0 {
                push(SafetyFindingKind::WarningRemoved, Some(side(old)), None, json!(old.warning_level), Value::Null);
            } else if has_limits(old) {
                push(SafetyFindingKind::LimitRemoved, Some(side(old)), None, limits(old), Value::Null);
            }
            continue;
        };
        let (before, after) = (loudness(old.warning_level), loudness(step.warning_level));
        if before > 0 && after == 0 {
            push(
                SafetyFindingKind::WarningRemoved,
                Some(side(old)),
                Some(side(step)),
                json!(old.warning_level),
                json!(step.warning_level),
            );
        } else if after < before {
            push(
                SafetyFindingKind::WarningLowered,
                Some(side(old)),
                Some(side(step)),
                json!(old.warning_level),
                json!(step.warning_level),
            );
        }
        if has_limits(old) {
            let widened = |was: Option<f64>, is: Option<f64>, wider: fn(f64, f64) -> bool| match (was, is) {
                (Some(_), None) => Some(true),
                (Some(a), Some(b)) if wider(a, b) => Some(false),
                _ => None,
            };
            if step.kind != StepKind::Number {
                push(SafetyFindingKind::LimitRemoved, Some(side(old)), Some(side(step)), limits(old), Value::Null);
            } else if !same_unit(old.unit.as_deref(), step.unit.as_deref()) {
                push(SafetyFindingKind::UnitChanged, Some(side(old)), Some(side(step)), limits(old), limits(step));
            } else {
                let low = widened(old.min, step.min, |a, b| b < a);
                let high = widened(old.max, step.max, |a, b| b > a);
                let kind = match (low, high) {
                    (Some(true), _) | (_, Some(true)) => Some(SafetyFindingKind::LimitRemoved),
                    (Some(false), _) | (_, Some(false)) => Some(SafetyFindingKind::LimitWidened),
                    _ => None,
                };
                if let Some(kind) = kind {
                    push(kind, Some(side(old)), Some(side(step)), limits(old), limits(step));
                }
            }
        }
        let kept = topics(step);
        let lost: Vec<SafetyTopic> = old_topics.iter().copied().filter(|t| !kept.contains(t)).collect();
        if !lost.is_empty() {
            push(SafetyFindingKind::SafetyWordingRemoved, Some(side(old)), Some(side(step)), json!(lost), json!(kept));
        }
        if old.required && !step.required {
            push(SafetyFindingKind::StepMadeOptional, Some(side(old)), Some(side(step)), json!(true), json!(false));
        }
    }

    let kept: HashSet<String> = to.ppe.iter().map(|p| folded(p)).collect();
    for item in from.ppe.iter().filter(|p| !kept.contains(&folded(p))) {
        push(SafetyFindingKind::PpeRemoved, None, None, json!(item), Value::Null);
    }
    SafetyReview {
        revision_number: to.number,
        against_number: Some(from.number),
        findings,
        unsourced_limits: unsourced_limits(Some(from_content), to_content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(title: &str, body: &str) -> StepView {
        StepView {
            id: Uuid::nil(),
            key: Uuid::nil(),
            number: 1,
            section_id: None,
            kind: StepKind::Instruction,
            title: title.into(),
            body: body.into(),
            warning_level: None,
            warning_text: None,
            required: true,
            unit: None,
            min: None,
            max: None,
            options: Vec::new(),
            attachments: Vec::new(),
            limit_source: None,
        }
    }

    #[test]
    fn safety_words_are_found_in_both_languages_whatever_the_accents() {
        use SafetyTopic::*;
        assert_eq!(topics(&step("Consigner l'armoire électrique", "")), vec![LockOut]);
        assert_eq!(topics(&step("Lock out and tag out the breaker", "")), vec![LockOut]);
        assert_eq!(topics(&step("Vérifier l'ABSENCE DE TENSION", "")), vec![ZeroEnergy]);
        assert_eq!(topics(&step("Bleed the residual pressure", "")), vec![ZeroEnergy]);
        assert_eq!(topics(&step("Porter les EPI", "gants et lunettes")), vec![Ppe]);
        assert_eq!(topics(&step("Wear gloves", "")), vec![Ppe]);
        assert!(topics(&step("Nettoyer le filtre", "Épingle, épisode, vatman")).is_empty());
        assert!(topics(&step("Read the consigned parts list", "")).is_empty());
    }
}
