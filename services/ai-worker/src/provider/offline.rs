//! The offline provider: deterministic, no model. It drafts from document text (numbered and
//! bulleted lists and imperative sentences become steps; DANGER / WARNING / CAUTION /
//! ATTENTION / AVERTISSEMENT lines become warning levels; readings with units and ranges become
//! number steps), reviews with fixed safety rules, and answers questions with the passages
//! that match. It cannot translate.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::json;
use uuid::Uuid;

use super::{Answered, Assistant, ProviderError, Task, Usage};
use crate::{
    proposal::{Answer, Citation, DraftProposal, Finding, Passage, ProposedSection, ProposedStep, ReviewResult},
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

const UNITS: &str = r"N·m|N\.m|Nm|daN·m|daNm|mbar|bar|psi|kPa|MPa|hPa|Pa|°C|°F|mV|kV|V|mA|A|kW|W|Hz|rpm|tr/min|µm|mm|cm|m|mL|ml|L|l|kg|g|%|MΩ|kΩ|Ω|ohms?|h|min|s";

static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|[-*•–])\s+(?P<text>\S.*)$").expect("list regex"));
static WARNING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[⚠!]\s*)?(?P<word>danger|warning|avertissement|caution|attention|note|remarque|important)\b\s*[:!.\-–—]*\s*(?P<text>.*)$")
        .expect("warning regex")
});
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<min>\d+(?:[.,]\d+)?)\s*(?:(?P<u1>{UNITS})\s*)?(?:–|—|-|\bà\b|\bto\b|\band\b|\bet\b)\s*(?P<max>\d+(?:[.,]\d+)?)\s*(?P<unit>{UNITS})(?:\W|$)"
    ))
    .expect("range regex")
});
static TOLERANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<v>\d+(?:[.,]\d+)?)\s*(?P<unit>{UNITS})?\s*±\s*(?P<t>\d+(?:[.,]\d+)?)\s*(?P<unit2>{UNITS})?(?:\W|$)"
    ))
    .expect("tolerance regex")
});
static BOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?P<op>max(?:imum|i)?\.?|min(?:imum|i)?\.?|≤|<=|≥|>=|at most|at least|au plus|au moins|inférieure? à|supérieure? à|below|above)\s*:?\s*(?P<v>\d+(?:[.,]\d+)?)\s*(?P<unit>{UNITS})(?:\W|$)"
    ))
    .expect("bound regex")
});
static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*#{1,6}\s+(?P<text>\S.*)$").expect("heading regex"));

const EN_VERBS: &[&str] = &[
    "adjust",
    "apply",
    "check",
    "clean",
    "close",
    "connect",
    "disconnect",
    "drain",
    "ensure",
    "fill",
    "fit",
    "inspect",
    "install",
    "isolate",
    "lock",
    "loosen",
    "lubricate",
    "make",
    "measure",
    "mount",
    "open",
    "place",
    "put",
    "read",
    "record",
    "refit",
    "release",
    "remove",
    "replace",
    "reset",
    "restart",
    "secure",
    "set",
    "start",
    "stop",
    "switch",
    "take",
    "test",
    "tighten",
    "turn",
    "unscrew",
    "verify",
    "wait",
    "wear",
    "wipe",
    "grease",
    "bleed",
    "purge",
    "tag",
];

fn number(s: &str) -> Option<f64> {
    s.replace(',', ".").parse().ok()
}

fn normalise_unit(u: &str) -> String {
    match u {
        "Nm" | "N.m" => "N·m".to_owned(),
        "daNm" => "daN·m".to_owned(),
        "l" => "L".to_owned(),
        "ml" => "mL".to_owned(),
        "ohm" | "ohms" => "Ω".to_owned(),
        other => other.to_owned(),
    }
}

/// min, max and unit of a reading written in the text, if any.
pub fn reading(text: &str) -> Option<(Option<f64>, Option<f64>, String)> {
    if let Some(c) = RANGE.captures(text) {
        let (a, b) = (number(&c["min"])?, number(&c["max"])?);
        return Some((Some(a.min(b)), Some(a.max(b)), normalise_unit(&c["unit"])));
    }
    if let Some(c) = TOLERANCE.captures(text) {
        let unit = c.name("unit").or(c.name("unit2"))?.as_str();
        let (v, t) = (number(&c["v"])?, number(&c["t"])?);
        return Some((Some(v - t), Some(v + t), normalise_unit(unit)));
    }
    if let Some(c) = BOUND.captures(text) {
        let v = number(&c["v"])?;
        let op = c["op"].to_lowercase();
        let is_max = op.starts_with("max")
            || ["≤", "<=", "at most", "au plus", "below"].contains(&op.as_str())
            || op.starts_with("inférieur");
        let unit = normalise_unit(&c["unit"]);
        return Some(if is_max { (None, Some(v), unit) } else { (Some(v), None, unit) });
    }
    None
}

fn warning_level(word: &str) -> Option<&'static str> {
    match word.to_lowercase().as_str() {
        "danger" => Some("danger"),
        "warning" | "avertissement" => Some("warning"),
        "caution" | "attention" | "important" => Some("caution"),
        "note" | "remarque" => Some("note"),
        _ => None,
    }
}

fn is_imperative(sentence: &str) -> bool {
    let first = sentence
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_matches(|c: char| !c.is_alphabetic() && c != '\'')
        .to_lowercase();
    if first.chars().count() < 3 {
        return false;
    }
    if EN_VERBS.contains(&first.as_str()) {
        return true;
    }
    // French: infinitive (`vérifier`) or imperative (`vérifiez`), and `s'assurer`.
    first.ends_with("er")
        && !["leger", "premier", "dernier", "acier", "papier", "clavier", "boîtier"].contains(&first.as_str())
        || first.ends_with("ez")
        || first.starts_with("s'assur")
        || first == "assurez-vous"
}

fn step_kind(text: &str, has_reading: bool) -> &'static str {
    let t = text.to_lowercase();
    if has_reading {
        "number"
    } else if ["photo", "photograph", "photographier"].iter().any(|w| t.contains(w)) {
        "photo"
    } else if ["signer", "signature", "sign off", "visa "].iter().any(|w| t.contains(w)) {
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

fn make_step(text: &str, citation: Citation) -> ProposedStep {
    let text = text.trim().trim_end_matches(';').trim();
    let found = reading(text);
    let kind = step_kind(text, found.is_some());
    let (min, max, unit) = match found {
        Some((min, max, unit)) => (min, max, Some(unit)),
        None => (None, None, None),
    };
    let (title, body) = if text.chars().count() > 200 {
        let cut: String = text.chars().take(197).collect();
        (format!("{}…", cut.trim_end()), text.to_owned())
    } else {
        (text.to_owned(), String::new())
    };
    ProposedStep {
        kind: kind.to_owned(),
        title,
        body,
        warning_level: None,
        warning_text: None,
        required: true,
        unit,
        min,
        max,
        options: Vec::new(),
        citations: vec![citation],
    }
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
    let mut pending_warning: Option<(String, String)> = None;
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
        for raw in chunk.body.lines() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(c) = WARNING.captures(line) {
                if let Some(level) = warning_level(&c["word"]) {
                    let text = c["text"].trim().to_owned();
                    // A warning belongs to the step it precedes; at the end, to the one before.
                    pending_warning = Some((level.to_owned(), if text.is_empty() { line.to_owned() } else { text }));
                    continue;
                }
            }
            if let Some(c) = HEADING.captures(line) {
                sections.push(ProposedSection { title: Some(c["text"].trim().to_owned()), steps: Vec::new() });
                continue;
            }
            let candidate = if let Some(c) = LIST_ITEM.captures(line) {
                Some(c["text"].to_owned())
            } else {
                line.split_inclusive(['.', '!']).map(str::trim).find(|s| is_imperative(s)).map(str::to_owned)
            };
            let Some(text) = candidate else { continue };
            let mut step = make_step(&text, citation.clone());
            if let Some((level, warning)) = pending_warning.take() {
                step.warning_level = Some(level);
                step.warning_text = Some(warning);
            }
            if let Some(section) = sections.last_mut() {
                section.steps.push(step);
            }
        }
    }
    if let Some((level, warning)) = pending_warning {
        if let Some(last) = sections.iter_mut().rev().find_map(|s| s.steps.last_mut()) {
            if last.warning_level.is_none() {
                last.warning_level = Some(level);
                last.warning_text = Some(warning);
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
    fn readings_with_ranges_tolerances_and_bounds() {
        assert_eq!(reading("Serrer à 45–55 N·m"), Some((Some(45.0), Some(55.0), "N·m".into())));
        assert_eq!(reading("pression entre 2 à 3 bar"), Some((Some(2.0), Some(3.0), "bar".into())));
        assert_eq!(reading("Torque to 40 to 50 Nm"), Some((Some(40.0), Some(50.0), "N·m".into())));
        assert_eq!(reading("gap 0,5 ± 0,1 mm"), Some((Some(0.4), Some(0.6), "mm".into())));
        assert_eq!(reading("temperature max 80 °C"), Some((None, Some(80.0), "°C".into())));
        assert_eq!(reading("Remove the cover"), None);
    }
}
