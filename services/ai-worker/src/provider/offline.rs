//! The offline provider: deterministic, no model. It drafts from document text: list items,
//! instructions and table rows become steps; every limit the text states (ranges, tolerances,
//! bounds in words or symbols in English and French, targets, times) becomes a number step
//! with the passage it was read from; DANGER / WARNING / CAUTION / NOTE and their French words
//! become warning levels wherever they stand (`layout`, `quantities`). It reviews with fixed
//! safety rules and answers questions with the passages that match. It cannot translate.

mod layout;
mod quantities;

use serde_json::json;
use uuid::Uuid;

use layout::Block;
use quantities::{limits, Context, Decimal, Limit};

use super::{Answered, Assistant, ProviderError, Task, Usage};
use crate::{
    proposal::{
        Answer, Citation, DraftProposal, Finding, LimitSource, Passage, ProposedSection, ProposedStep, ReviewResult,
    },
    sources::{Chunk, RevisionText},
};

#[derive(Debug, Default)]
pub struct Offline;

impl Assistant for Offline {
    fn name(&self) -> &'static str {
        "offline"
    }

    fn model(&self) -> Option<&str> {
        None
    }

    async fn answer(&self, task: &Task<'_>) -> Result<Answered, ProviderError> {
        let result = match task {
            Task::Draft { language, prompt, documents, names } => json!(draft(language, *prompt, documents, names)?),
            Task::Translate { .. } => {
                return Err(ProviderError::permanent(
                    "Translating needs a language model, and none is configured (GAMME_LLM_API_KEY). \
                     Ask your administrator, or translate the revision by hand.",
                ))
            }
            Task::Review { revision } => json!(review(revision)),
            Task::Ask { question, passages } => json!(ask(question, passages)),
        };
        Ok(Answered { result, usage: Usage::default() })
    }
}

// ---- drafting ---------------------------------------------------------------------------

/// min, max and unit of a reading written in the text, if any.
pub fn reading(text: &str) -> Option<(Option<f64>, Option<f64>, String)> {
    quantities::first_limit(text)
}

fn step_kind(text: &str, has_reading: bool) -> &'static str {
    let t = text.to_lowercase();
    if has_reading {
        "number"
    } else if ["photo", "photograph", "photographier"].iter().any(|w| t.contains(w)) {
        "photo"
    } else if ["signer", "signez", "signature", "sign", "visa"]
        .iter()
        .any(|w| t.split(|c: char| !c.is_alphabetic()).any(|word| word == *w))
        || t.contains("sign off")
    {
        // Whole words: "consigner" (lock out) is no signature.
        "signature"
    } else if [
        "vérifier",
        "verifier",
        "vérifiez",
        "contrôler",
        "contrôlez",
        "check",
        "verify",
        "inspect",
        "s'assurer",
        "ensure",
        "test",
    ]
    .iter()
    .any(|w| t.starts_with(w) || t.contains(&format!(" {w}")))
    {
        "pass_fail"
    } else if ["noter", "notez", "relever", "relevez", "record", "write down"].iter().any(|w| t.starts_with(w)) {
        "text"
    } else {
        "instruction"
    }
}

fn titled(text: &str) -> (String, String) {
    let text = text.trim().trim_end_matches(';').trim();
    if text.chars().count() > 200 {
        let cut: String = text.chars().take(197).collect();
        (format!("{}…", cut.trim_end()), text.to_owned())
    } else {
        (text.to_owned(), String::new())
    }
}

fn step(kind: &str, text: &str, citation: &Citation) -> ProposedStep {
    let (title, body) = titled(text);
    ProposedStep {
        kind: kind.to_owned(),
        title,
        body,
        warning_level: None,
        warning_text: None,
        required: true,
        unit: None,
        min: None,
        max: None,
        options: Vec::new(),
        citations: vec![citation.clone()],
        limit_source: None,
    }
}

fn number_step(text: &str, limit: Limit, passage: &str, citation: &Citation) -> ProposedStep {
    ProposedStep {
        unit: Some(limit.unit),
        min: limit.min,
        max: limit.max,
        limit_source: Some(LimitSource {
            file_id: citation.file_id,
            page: citation.page,
            passage: passage.split_whitespace().collect::<Vec<_>>().join(" "),
        }),
        ..step("number", text, citation)
    }
}

fn warning_step(w: layout::Warning, citation: &Citation) -> ProposedStep {
    ProposedStep {
        warning_level: Some(w.level.to_owned()),
        warning_text: Some(w.text.clone()),
        ..step("instruction", &w.text, citation)
    }
}

/// One step per limit of the text, or one step of its kind when it states none.
fn steps_of(text: &str, readings: Vec<(Limit, &str)>, citation: &Citation) -> Vec<ProposedStep> {
    if readings.is_empty() {
        return vec![step(step_kind(text, false), text, citation)];
    }
    readings.into_iter().map(|(limit, passage)| number_step(text, limit, passage, citation)).collect()
}

/// Warnings go on the step they precede (or stand in): the last one in its warning, the ones
/// before it as steps of their own, so none is lost or lowered.
fn place(
    sections: &mut [ProposedSection],
    mut steps: Vec<ProposedStep>,
    warnings: Vec<layout::Warning>,
    citation: &Citation,
) {
    let Some(section) = sections.last_mut() else { return };
    let mut warnings = warnings;
    if let (Some(first), Some(last)) = (steps.first_mut(), warnings.pop()) {
        first.warning_level = Some(last.level.to_owned());
        first.warning_text = Some(last.text);
    }
    section.steps.extend(warnings.into_iter().map(|w| warning_step(w, citation)));
    section.steps.append(&mut steps);
}

const PPE_WORDS: &[(&str, &str, &str)] = &[
    ("gants", "gloves", "gloves"),
    ("lunettes", "goggles", "safety glasses"),
    ("safety glasses", "safety glasses", "safety glasses"),
    ("casque", "helmet", "helmet"),
    ("chaussures de sécurité", "safety shoes", "safety shoes"),
    ("protection auditive", "hearing protection", "hearing protection"),
    ("masque", "respirator", "respirator"),
];

const TOOL_WORDS: &[(&str, &str)] = &[
    ("clé dynamométrique", "torque wrench"),
    ("multimètre", "multimeter"),
    ("manomètre", "pressure gauge"),
    ("vérificateur d'absence de tension", "voltage tester"),
    ("pompe à graisse", "grease gun"),
];

/// Turns document text (and the person's prompt) into a draft.
pub fn draft(
    language: &str,
    prompt: Option<&str>,
    documents: &[Chunk],
    names: &[(Uuid, String)],
) -> Result<DraftProposal, ProviderError> {
    let french = language.starts_with("fr");
    let mut sections: Vec<ProposedSection> = vec![ProposedSection { title: None, steps: Vec::new() }];
    let mut pending: Vec<(layout::Warning, Citation)> = Vec::new();
    let mut all_text = String::new();
    let prompt_chunk;
    let mut sources: Vec<&Chunk> = documents.iter().collect();
    if documents.is_empty() {
        if let Some(p) = prompt {
            prompt_chunk = Chunk { file_id: Uuid::nil(), page: 1, body: p.to_owned() };
            sources.push(&prompt_chunk);
        }
    }
    for chunk in sources {
        all_text.push_str(&chunk.body);
        all_text.push('\n');
        let citation = Citation { file_id: chunk.file_id, page: chunk.page };
        let decimal = Decimal::of(&chunk.body);
        let in_french = decimal == Decimal::Comma;
        let context = |sentence: &str, first_of_item: bool| Context {
            decimal,
            imperative: layout::is_imperative(sentence, in_french)
                || layout::is_imperative_after_label(sentence, in_french),
            first_of_item,
            check_row: false,
        };
        for block in layout::blocks(&chunk.body) {
            let (steps, inline) = match block {
                Block::Heading(title) => {
                    sections.push(ProposedSection { title: Some(title), steps: Vec::new() });
                    continue;
                }
                Block::Warning(w) => {
                    pending.push((w, citation.clone()));
                    continue;
                }
                Block::Item { text, warnings, numbered, spec } => {
                    let sentences = layout::sentences(&text);
                    // A checklist line gives its value after a label; a data sheet's line does not.
                    let mut readings: Vec<(Limit, &str)> = sentences
                        .iter()
                        .enumerate()
                        .flat_map(|(i, s)| limits(s, context(s, i == 0 && !spec)).into_iter().map(move |l| (l, *s)))
                        .collect();
                    // "Check the belt speed: 1 450 rpm at the motor is 1.2 m/s. Acceptable range
                    // 1.1–1.3 m/s.": the bound is the step's limit, the labelled value of
                    // another quantity in another sentence describes its conditions.
                    let bounds: Vec<(String, &str)> =
                        readings.iter().filter(|(l, _)| l.min != l.max).map(|(l, s)| (l.unit.clone(), *s)).collect();
                    readings.retain(|(l, s)| !l.labelled || !bounds.iter().any(|(u, b)| *u != l.unit && b != s));
                    // `6.1 Removal` is a section number, not a step.
                    let heading = numbered
                        && readings.is_empty()
                        && !sentences.first().is_some_and(|s| context(s, true).imperative);
                    if heading {
                        (Vec::new(), warnings)
                    } else {
                        (steps_of(&text, readings, &citation), warnings)
                    }
                }
                Block::Prose(text) => {
                    let steps = layout::sentences(&text)
                        .into_iter()
                        .flat_map(|s| {
                            let ctx = context(s, false);
                            let readings: Vec<(Limit, &str)> = limits(s, ctx).into_iter().map(|l| (l, s)).collect();
                            if readings.is_empty() && !ctx.imperative {
                                Vec::new()
                            } else {
                                steps_of(s, readings, &citation)
                            }
                        })
                        .collect();
                    (steps, Vec::new())
                }
                Block::Row { cells, clause, title, line, check } => {
                    let ctx = Context { decimal, imperative: false, first_of_item: false, check_row: check };
                    let mut steps: Vec<ProposedStep> =
                        limits(&clause, ctx).into_iter().map(|l| number_step(&title, l, &line, &citation)).collect();
                    // A table of operations: a row that says what to do is a step even without a value.
                    if steps.is_empty() && check && cells.iter().any(|c| layout::is_imperative(c, in_french)) {
                        steps.push(step(step_kind(&title, false), &title, &citation));
                    }
                    (steps, Vec::new())
                }
            };
            if steps.is_empty() {
                pending.extend(inline.into_iter().map(|w| (w, citation.clone())));
                continue;
            }
            let warnings = pending.drain(..).map(|(w, _)| w).chain(inline).collect();
            place(&mut sections, steps, warnings, &citation);
        }
    }
    // Warnings after the last step: on it if it has none, else as steps of their own.
    for (w, citation) in pending {
        let last = sections.iter_mut().rev().find_map(|s| s.steps.last_mut());
        match last {
            Some(step) if step.warning_level.is_none() => {
                step.warning_level = Some(w.level.to_owned());
                step.warning_text = Some(w.text);
            }
            _ => {
                if let Some(section) = sections.last_mut() {
                    section.steps.push(warning_step(w, &citation));
                }
            }
        }
    }
    sections.retain(|s| !s.steps.is_empty());
    if sections.is_empty() {
        return Err(ProviderError::permanent(
            "No steps could be found in these documents: the offline assistant looks for numbered or bulleted lists and \
             sentences that start with a verb. Check that the documents have a text layer, or configure a language model.",
        ));
    }
    // Only the first section may be untitled: a titled first section keeps its title.
    let lower = all_text.to_lowercase();
    let ppe = PPE_WORDS
        .iter()
        .filter(|(fr, en, _)| lower.contains(fr) || lower.contains(en))
        .map(|(fr, _, en)| if french { (*fr).to_owned() } else { (*en).to_owned() })
        .collect();
    let tools = TOOL_WORDS
        .iter()
        .filter(|(fr, en)| lower.contains(fr) || lower.contains(en))
        .map(|(fr, en)| if french { (*fr).to_owned() } else { (*en).to_owned() })
        .collect();
    let title = prompt
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.lines().next().unwrap_or(p).chars().take(200).collect::<String>())
        .or_else(|| names.first().map(|(_, n)| n.rsplit_once('.').map_or(n.as_str(), |(stem, _)| stem).to_owned()))
        .unwrap_or_else(|| if french { "Nouvelle procédure".into() } else { "New procedure".into() });
    let proposal = DraftProposal {
        title,
        description: String::new(),
        language: language.to_owned(),
        tools,
        parts: Vec::new(),
        ppe,
        sections,
    };
    proposal.check().map_err(|e| ProviderError::permanent(format!("The offline draft is not usable: {e}.")))?;
    Ok(proposal)
}

// ---- reviewing --------------------------------------------------------------------------

fn mentions(text: &str, words: &[&str]) -> bool {
    let t = text.to_lowercase();
    words.iter().any(|w| t.contains(w))
}

/// Fixed safety and quality rules over a revision.
pub fn review(revision: &RevisionText) -> ReviewResult {
    let mut findings = Vec::new();
    let step_text = |s: &crate::sources::StepText| {
        format!("{} {} {}", s.title, s.body, s.warning_text.as_deref().unwrap_or_default())
    };
    let whole: String = std::iter::once(format!("{} {}", revision.title, revision.description))
        .chain(revision.steps().map(step_text))
        .collect::<Vec<_>>()
        .join("\n");
    let lockout_words =
        ["consign", "cadenas", "lockout", "lock-out", "lock out", "loto", "tag-out", "tagout", "padlock"];
    let has_lockout = mentions(&whole, &lockout_words);
    let energy_work = mentions(
        &whole,
        &[
            "électri", "electri", "tension", "voltage", "pression", "pressure", "moteur", "motor", "pompe", "pump",
            "vapeur", "steam", "hydraul", "pneumat",
        ],
    );
    if energy_work && !has_lockout {
        findings.push(Finding {
            severity: "high".into(),
            category: "lockout_tagout".into(),
            message: "No step isolates and locks out the energy sources (lock-out/tag-out) before work starts.".into(),
            steps: Vec::new(),
        });
    }
    let zero_energy = [
        "absence de tension",
        "vat",
        "zero energy",
        "zéro énergie",
        "zero-energy",
        "absence of voltage",
        "verify de-energ",
        "pression nulle",
        "zero pressure",
        "test before touch",
        "vérifier l'absence",
    ];
    if (has_lockout || energy_work) && !mentions(&whole, &zero_energy) {
        findings.push(Finding {
            severity: "high".into(),
            category: "zero_energy".into(),
            message: "No step verifies that the equipment is at zero energy (absence of voltage, no residual pressure) after isolation.".into(),
            steps: Vec::new(),
        });
    }
    let ppe_words =
        ["gant", "glove", "lunette", "goggle", "glasses", "casque", "helmet", "epi", "ppe", "chaussure", "protection"];
    if revision.ppe.is_empty() && !mentions(&whole, &ppe_words) {
        findings.push(Finding {
            severity: "medium".into(),
            category: "ppe".into(),
            message: "The procedure lists no personal protective equipment.".into(),
            steps: Vec::new(),
        });
    }
    let unbounded: Vec<i32> = revision
        .steps()
        .filter(|s| s.kind == "number" && s.min.is_none() && s.max.is_none())
        .map(|s| s.number)
        .collect();
    if !unbounded.is_empty() {
        findings.push(Finding {
            severity: "medium".into(),
            category: "reading_without_limits".into(),
            message: "These readings have no minimum or maximum, so an abnormal value cannot be flagged.".into(),
            steps: unbounded,
        });
    }
    let vague: Vec<i32> = revision
        .steps()
        .filter(|s| s.kind == "instruction" && reading(&s.title).is_none())
        .filter(|s| {
            mentions(
                &s.title,
                &["serrer", "tighten", "pression", "pressure", "température", "temperature", "couple", "torque"],
            )
        })
        .map(|s| s.number)
        .collect();
    if !vague.is_empty() {
        findings.push(Finding {
            severity: "low".into(),
            category: "vague_value".into(),
            message: "These steps speak of a torque, pressure or temperature without a value to reach or read.".into(),
            steps: vague,
        });
    }
    let steps: Vec<&crate::sources::StepText> = revision.steps().collect();
    let verifies = |s: &&crate::sources::StepText| matches!(s.kind.as_str(), "pass_fail" | "checkbox" | "number");
    if !steps.is_empty() && !steps.iter().rev().take(3).any(verifies) {
        findings.push(Finding {
            severity: "low".into(),
            category: "no_verification".into(),
            message: "The procedure does not end with a check that the equipment works again (a pass/fail, checkbox or reading step).".into(),
            steps: steps.last().map(|s| vec![s.number]).unwrap_or_default(),
        });
    }
    ReviewResult { findings }
}

// ---- answering --------------------------------------------------------------------------

pub fn ask(question: &str, passages: &[Chunk]) -> Answer {
    let used: Vec<&Chunk> = passages.iter().take(3).collect();
    if used.is_empty() {
        return Answer {
            answer: format!("No passage of these documents matches “{}”.", question.trim()),
            citations: Vec::new(),
        };
    }
    let excerpts: Vec<String> = used.iter().map(|c| format!("(p. {}) {}", c.page, excerpt(&c.body, 400))).collect();
    Answer {
        answer: format!(
            "The offline assistant cannot compose an answer; these passages match the question:\n\n{}",
            excerpts.join("\n\n")
        ),
        citations: used
            .iter()
            .map(|c| Passage { file_id: c.file_id, page: c.page, text: excerpt(&c.body, 400) })
            .collect(),
    }
}

fn excerpt(text: &str, max: usize) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= max {
        t
    } else {
        format!("{}…", t.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::reading;

    #[test]
    fn locking_out_is_no_signature_but_signing_off_is() {
        assert_eq!(super::step_kind("Consigner la pompe au sectionneur.", false), "instruction");
        assert_eq!(super::step_kind("Signer le procès-verbal avec le fournisseur.", false), "signature");
        assert_eq!(super::step_kind("Sign off the work permit.", false), "signature");
    }

    #[test]
    fn readings_with_ranges_tolerances_and_bounds() {
        assert_eq!(reading("Serrer à 45–55 N·m"), Some((Some(45.0), Some(55.0), "N·m".into())));
        assert_eq!(reading("pression entre 2 à 3 bar"), Some((Some(2.0), Some(3.0), "bar".into())));
        assert_eq!(reading("Torque to 40 to 50 Nm"), Some((Some(40.0), Some(50.0), "N·m".into())));
        assert_eq!(reading("gap 0,5 ± 0,1 mm"), Some((Some(0.4), Some(0.6), "mm".into())));
        assert_eq!(reading("temperature max 80 °C"), Some((None, Some(80.0), "°C".into())));
        assert_eq!(reading("Remove the cover"), None);
    }
}
