//! Scores a drafter on the corpus of manual excerpts (`services/ai-worker/corpus`, or the folder
//! in `GAMME_CORPUS_DIR`): readings kept with value, unit and limits, warnings kept at their
//! level, and limits the drafts state that the excerpts do not. `corpus/README.md` gives the
//! format and the match rules; this module is their one implementation.

#![allow(dead_code)]

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

use anyhow::Context;
use gamme_ai_worker::{
    provider::{Assistant, Task},
    sources::Chunk,
};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// The corpus the scorer reads: `GAMME_CORPUS_DIR`, else the one in the repository.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("GAMME_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"))
}

fn first_page() -> i32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub language: String,
    pub readings: Vec<ExpectedReading>,
    pub warnings: Vec<ExpectedWarning>,
}

/// A limit the excerpt states: a `value` (a target: min = max = value), or `min` and/or `max`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedReading {
    pub passage: String,
    #[serde(default = "first_page")]
    pub page: i32,
    pub unit: String,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl ExpectedReading {
    fn limits(&self) -> (Option<f64>, Option<f64>) {
        match self.value {
            Some(v) => (Some(v), Some(v)),
            None => (self.min, self.max),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedWarning {
    pub level: String,
    /// How the warning's text starts, after its signal word.
    pub text: String,
    #[serde(default = "first_page")]
    pub page: i32,
}

impl ExpectedWarning {
    /// DANGER, WARNING and CAUTION (and their French words): the goal is all of them.
    pub fn is_safety(&self) -> bool {
        self.level != "note"
    }
}

pub struct Excerpt {
    pub name: String,
    pub text: String,
    pub expected: Expected,
    pub file_id: Uuid,
}

impl Excerpt {
    /// The excerpt as the AI worker receives a text file: one chunk per page, pages split at
    /// form feeds (every page of the corpus is under the files service's 2 kB chunk size).
    pub fn chunks(&self) -> Vec<Chunk> {
        self.pages()
            .into_iter()
            .enumerate()
            .map(|(i, body)| Chunk {
                file_id: self.file_id,
                page: i32::try_from(i + 1).unwrap_or(i32::MAX),
                body: body.trim().to_owned(),
            })
            .collect()
    }

    pub fn pages(&self) -> Vec<&str> {
        self.text.split('\u{c}').collect()
    }
}

/// Every `<name>.txt` with its `<name>.expected.json`, by name.
pub fn load(dir: &Path) -> anyhow::Result<Vec<Excerpt>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading the corpus folder {}", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".txt")).map(str::to_owned))
        .collect();
    names.sort();
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let text = std::fs::read_to_string(dir.join(format!("{name}.txt")))
                .with_context(|| format!("reading {name}.txt"))?;
            let json = std::fs::read_to_string(dir.join(format!("{name}.expected.json")))
                .with_context(|| format!("{name}.txt has no {name}.expected.json"))?;
            let expected = serde_json::from_str(&json).with_context(|| format!("{name}.expected.json"))?;
            let file_id = Uuid::from_u128(u128::try_from(i).unwrap_or(0) + 1);
            Ok(Excerpt { name, text, expected, file_id })
        })
        .collect()
}

// ---- match rules ----------------------------------------------------------------------------

/// One key for the spellings of one unit, in either language: `N.m`, `Nm`, `N·m`; `tr/min`,
/// `rpm`; `l`, `L`, `litres`; `minutes`, `min`; `V DC`, `V`; `m3/h`, `m³/h`. Units that differ
/// by a factor (kPa and bar, daN·m and N·m, °F and °C, °f and °F) keep different keys.
pub fn unit_key(unit: &str) -> String {
    let spaced: String = unit.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let mut u = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    for suffix in [" DC", " AC", "DC", "AC", "dc", "ac"] {
        if u.len() > suffix.len() && u.ends_with(suffix) && u.starts_with(['V', 'k', 'm']) {
            u.truncate(u.len() - suffix.len());
            u = u.trim_end().to_owned();
        }
    }
    let word = match u.to_lowercase().as_str() {
        "minute" | "minutes" | "mins" | "mn" | "min" => Some("min"),
        "second" | "seconds" | "seconde" | "secondes" | "sec" | "secs" | "s" => Some("s"),
        "hour" | "hours" | "heure" | "heures" | "hr" | "hrs" | "h" => Some("h"),
        "rpm" | "tr/min" | "t/min" | "tr/mn" | "min-1" | "min⁻¹" | "tours/min" => Some("rpm"),
        "percent" | "pour cent" | "%" => Some("%"),
        "ohm" | "ohms" => Some("Ω"),
        "litre" | "litres" | "liter" | "liters" => Some("L"),
        "bars" => Some("bar"),
        "degc" | "deg c" | "° c" | "ºc" | "°c" | "degrees c" | "degrés c" => Some("°C"),
        _ => None,
    };
    if let Some(w) = word {
        // `°c` is a typo of `°C`, but `°f` (French water hardness) is not `°F`: only words above.
        return w.to_owned();
    }
    let u = u.replace('μ', "µ").replace("ºC", "°C").replace("° C", "°C");
    let mut out = String::new();
    let chars: Vec<char> = u.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let between_letters = prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic);
        match c {
            '.' | '*' | '-' if between_letters => out.push('·'),
            '2' if prev.is_some_and(char::is_alphabetic) => out.push('²'),
            '3' if prev.is_some_and(char::is_alphabetic) => out.push('³'),
            _ => out.push(c),
        }
    }
    let parts: Vec<String> = out
        .split('/')
        .map(|p| match p {
            "Nm" => "N·m".to_owned(),
            "daNm" => "daN·m".to_owned(),
            "l" => "L".to_owned(),
            "ml" => "mL".to_owned(),
            "um" => "µm".to_owned(),
            "uS" => "µS".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    parts.join("/")
}

/// Equal to a millionth: `2950 × 0.99` is `2920.5` however it was computed.
pub fn same_number(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
        _ => false,
    }
}

/// Passages compare without case, with every run of spaces (no-break ones too), tabs and table
/// pipes as one space, and typographic apostrophes as straight ones.
pub fn normalise_passage(s: &str) -> String {
    let plain: String = s
        .chars()
        .map(|c| match c {
            '|' => ' ',
            '’' | 'ʼ' => '\'',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (normalise_passage(a), normalise_passage(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// A limit as a draft proposes it: a number step with a minimum or a maximum.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub unit: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub page: Option<i64>,
    /// The limit's source passage when the draft gives one, then the step's title and body.
    pub passages: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ProposedWarning {
    pub level: String,
    pub text: String,
}

/// The limits and the warnings of a draft (JSON of the draft schema).
pub fn proposed(draft: &Value) -> (Vec<Proposed>, Vec<ProposedWarning>) {
    let mut readings = Vec::new();
    let mut warnings = Vec::new();
    let steps = draft["sections"].as_array().into_iter().flatten().flat_map(|s| s["steps"].as_array()).flatten();
    for step in steps {
        if let Some(level) = step["warning_level"].as_str() {
            let text = step["warning_text"].as_str().unwrap_or_default().to_owned();
            warnings.push(ProposedWarning { level: level.to_owned(), text });
        }
        let (min, max) = (step["min"].as_f64(), step["max"].as_f64());
        if step["kind"] != "number" || (min.is_none() && max.is_none()) {
            continue;
        }
        let source = &step["limit_source"];
        let passages = [&source["passage"], &step["title"], &step["body"]]
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .collect();
        readings.push(Proposed {
            unit: step["unit"].as_str().unwrap_or_default().to_owned(),
            min,
            max,
            page: source["page"].as_i64().or_else(|| step["citations"][0]["page"].as_i64()),
            passages,
        });
    }
    (readings, warnings)
}

pub fn show_limits(unit: &str, min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if same_number(Some(a), Some(b)) => format!("= {a} {unit}"),
        (Some(a), Some(b)) => format!("{a} to {b} {unit}"),
        (Some(a), None) => format!("≥ {a} {unit}"),
        (None, Some(b)) => format!("≤ {b} {unit}"),
        (None, None) => format!("(no limit) {unit}"),
    }
}

fn quote(s: &str) -> String {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 90 {
        format!("“{}…”", t.chars().take(89).collect::<String>())
    } else {
        format!("“{t}”")
    }
}

// ---- scoring ------------------------------------------------------------------------------

#[derive(Debug, Default)]
pub struct ExcerptScore {
    pub name: String,
    pub language: String,
    pub readings: usize,
    pub kept: usize,
    /// Kept readings that also cite the right page and passage.
    pub sourced: usize,
    pub source_misses: Vec<String>,
    pub invented: Vec<String>,
    pub reading_misses: Vec<String>,
    pub safety: usize,
    pub safety_kept: usize,
    pub notes: usize,
    pub notes_kept: usize,
    pub warning_misses: Vec<String>,
    /// Draft warnings that match no expected one (informative: not part of the goal).
    pub extra_warnings: usize,
    /// The provider refused the excerpt: every expectation is missed.
    pub failure: Option<String>,
}

/// Scores one draft (JSON of the draft schema) against an excerpt's expectations.
pub fn score(excerpt: &Excerpt, draft: &Value) -> ExcerptScore {
    let expected = &excerpt.expected;
    let (mut readings, warnings) = proposed(draft);
    let mut s = ExcerptScore {
        name: excerpt.name.clone(),
        language: expected.language.clone(),
        readings: expected.readings.len(),
        ..ExcerptScore::default()
    };
    let same_limits = |e: &ExpectedReading, p: &Proposed| {
        let (min, max) = e.limits();
        unit_key(&e.unit) == unit_key(&p.unit) && same_number(min, p.min) && same_number(max, p.max)
    };
    let from_passage = |e: &ExpectedReading, p: &Proposed| {
        p.page.is_none_or(|page| page == i64::from(e.page)) && p.passages.iter().any(|t| overlaps(t, &e.passage))
    };
    // First the readings that are right and cite the right passage, then right ones cited elsewhere.
    let mut matched = vec![false; expected.readings.len()];
    for strict in [true, false] {
        for (i, e) in expected.readings.iter().enumerate() {
            if matched[i] {
                continue;
            }
            if let Some(j) = readings.iter().position(|p| same_limits(e, p) && (!strict || from_passage(e, p))) {
                let p = readings.remove(j);
                matched[i] = true;
                s.kept += 1;
                if from_passage(e, &p) {
                    s.sourced += 1;
                } else {
                    let cited = p.passages.first().map_or("nothing", String::as_str);
                    let page = p.page.map_or_else(|| "no page".to_owned(), |n| format!("page {n}"));
                    s.source_misses.push(format!(
                        "{} {} (page {}) — cited: {} ({page})",
                        show_limits(&e.unit, p.min, p.max),
                        quote(&e.passage),
                        e.page,
                        quote(cited)
                    ));
                }
            }
        }
    }
    for (e, _) in expected.readings.iter().zip(&matched).filter(|(_, m)| !**m) {
        let (min, max) = e.limits();
        let near: Vec<String> =
            readings.iter().filter(|p| from_passage(e, p)).map(|p| show_limits(&p.unit, p.min, p.max)).collect();
        let got = if near.is_empty() { "nothing from that passage".to_owned() } else { near.join(", ") };
        s.reading_misses.push(format!("{} {} — draft: {got}", show_limits(&e.unit, min, max), quote(&e.passage)));
    }
    s.invented = readings
        .iter()
        .map(|p| {
            format!("{} {}", show_limits(&p.unit, p.min, p.max), quote(p.passages.first().map_or("", String::as_str)))
        })
        .collect();

    let mut unused: Vec<&ProposedWarning> = warnings.iter().collect();
    for e in &expected.warnings {
        let safety = e.is_safety();
        if safety {
            s.safety += 1;
        } else {
            s.notes += 1;
        }
        let start = normalise_passage(&e.text);
        let position = unused.iter().position(|w| normalise_passage(&w.text).contains(&start));
        match position.map(|j| unused.remove(j)) {
            Some(w) if w.level == e.level => {
                if safety {
                    s.safety_kept += 1;
                } else {
                    s.notes_kept += 1;
                }
            }
            Some(w) => s.warning_misses.push(format!("{} {} — kept as {}", e.level, quote(&e.text), w.level)),
            None => s.warning_misses.push(format!("{} {} — not in the draft", e.level, quote(&e.text))),
        }
    }
    s.extra_warnings = unused.len();
    s
}

/// Drafts every excerpt with `provider` (in the excerpt's language, from its text alone) and
/// scores the drafts.
pub async fn run(provider: &impl Assistant, excerpts: &[Excerpt]) -> Report {
    let mut scores = Vec::with_capacity(excerpts.len());
    for excerpt in excerpts {
        let chunks = excerpt.chunks();
        let names = [(excerpt.file_id, format!("{}.txt", excerpt.name))];
        let task =
            Task::Draft { language: &excerpt.expected.language, prompt: None, documents: &chunks, names: &names };
        let score = match provider.answer(&task).await {
            Ok(answered) => score(excerpt, &answered.result),
            Err(error) => {
                let mut failed = score(excerpt, &Value::Null);
                failed.failure = Some(error.to_string());
                failed
            }
        };
        scores.push(score);
    }
    Report {
        provider: format!("{} {}", provider.name(), provider.model().unwrap_or_default()).trim().to_owned(),
        excerpts: scores,
    }
}

pub struct Report {
    pub provider: String,
    pub excerpts: Vec<ExcerptScore>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub excerpts: usize,
    pub readings: usize,
    pub kept: usize,
    pub sourced: usize,
    pub invented: usize,
    pub safety: usize,
    pub safety_kept: usize,
    pub notes: usize,
    pub notes_kept: usize,
    pub extra_warnings: usize,
    pub failures: usize,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        #[allow(clippy::cast_precision_loss)] // counts of a few hundred
        let ratio = part as f64 / whole as f64;
        100.0 * ratio
    }
}

impl Totals {
    pub fn readings_percent(&self) -> f64 {
        percent(self.kept, self.readings)
    }

    pub fn safety_percent(&self) -> f64 {
        percent(self.safety_kept, self.safety)
    }
}

impl Report {
    /// Sums over one language, or over all (`None`).
    pub fn totals(&self, language: Option<&str>) -> Totals {
        let mut t = Totals::default();
        for s in self.excerpts.iter().filter(|s| language.is_none_or(|l| s.language == l)) {
            t.excerpts += 1;
            t.readings += s.readings;
            t.kept += s.kept;
            t.sourced += s.sourced;
            t.invented += s.invented.len();
            t.safety += s.safety;
            t.safety_kept += s.safety_kept;
            t.notes += s.notes;
            t.notes_kept += s.notes_kept;
            t.extra_warnings += s.extra_warnings;
            t.failures += usize::from(s.failure.is_some());
        }
        t
    }

    pub fn languages(&self) -> Vec<String> {
        let mut l: Vec<String> = self.excerpts.iter().map(|s| s.language.clone()).collect();
        l.sort();
        l.dedup();
        l
    }

    /// The figures per language and in total, then every miss.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "provider: {}", self.provider);
        let _ = writeln!(
            out,
            "{:<6} {:>8}  {:<22} {:<14} {:>8}  {:<24} {:<12} {:>6}",
            "", "excerpts", "readings right", "source right", "invented", "danger/warning/caution", "notes", "extra"
        );
        let mut rows: Vec<(String, Totals)> =
            self.languages().into_iter().map(|l| (l.clone(), self.totals(Some(&l)))).collect();
        rows.push(("total".into(), self.totals(None)));
        for (name, t) in rows {
            let _ = writeln!(
                out,
                "{:<6} {:>8}  {:<22} {:<14} {:>8}  {:<24} {:<12} {:>6}",
                name,
                t.excerpts,
                format!("{}/{} ({:.1} %)", t.kept, t.readings, t.readings_percent()),
                format!("{}/{}", t.sourced, t.kept),
                t.invented,
                format!("{}/{} ({:.1} %)", t.safety_kept, t.safety, t.safety_percent()),
                format!("{}/{}", t.notes_kept, t.notes),
                t.extra_warnings,
            );
        }
        let mut any = false;
        for s in &self.excerpts {
            let lines: Vec<String> = s
                .failure
                .iter()
                .map(|f| format!("failed: {f}"))
                .chain(s.reading_misses.iter().map(|m| format!("missed   {m}")))
                .chain(s.invented.iter().map(|m| format!("invented {m}")))
                .chain(s.source_misses.iter().map(|m| format!("source   {m}")))
                .chain(s.warning_misses.iter().map(|m| format!("warning  {m}")))
                .collect();
            if lines.is_empty() {
                continue;
            }
            if !any {
                let _ = writeln!(out, "\nmisses:");
                any = true;
            }
            let _ = writeln!(out, "{}", s.name);
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
        }
        if !any {
            let _ = writeln!(out, "\nno misses.");
        }
        out
    }
}
