//! The structure of a page of manual text: headings, list items, prose, tables turned to text
//! (columns separated by pipes, tabs, runs of spaces or leader dots), and safety messages
//! (DANGER, WARNING, CAUTION, NOTE and their French words) wherever they stand, as one line,
//! as a block under their signal word, or inside a step. Lines the PDF's layout broke are
//! joined again; sentences are split where a sentence ends, not at every dot.

use std::sync::LazyLock;

use regex::Regex;

use super::quantities;

/// A safety message and the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub level: &'static str,
    pub text: String,
    pub passage: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Warning(Warning),
    /// A list item without its marker, with the warnings written inside it. `numbered` items
    /// (`6.1 Removal`) may be section titles rather than steps; `spec` items list the data of
    /// the equipment (under "Technical data", "Caractéristiques"): their values are no targets.
    Item {
        text: String,
        warnings: Vec<Warning>,
        numbered: bool,
        spec: bool,
    },
    /// Prose: one or more sentences.
    Prose(String),
    /// A table row: its cells, the cells as one clause (`label : value : value`), a title, the
    /// row as written, and whether the table lists checks or settings (its values are targets).
    Row {
        cells: Vec<String>,
        clause: String,
        title: String,
        line: String,
        check: bool,
    },
}

fn level(word: &str) -> Option<&'static str> {
    match word.to_lowercase().as_str() {
        "danger" => Some("danger"),
        "warning" | "avertissement" => Some("warning"),
        "caution" | "attention" | "mise en garde" | "prudence" => Some("caution"),
        "notice" | "avis" | "note" | "nota" | "remarque" | "important" | "nb" | "n.b." => Some("note"),
        _ => None,
    }
}

const SIGNALS: &str = r"(?:danger|warning|avertissement|caution|attention|mise en garde|prudence|notice|avis|note|nota|remarque|important|nb)\b|n\.b\.";

static SIGNAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^\s*(?:>\s*)*(?:[-*•–]\s+)?(?P<bold>\*\*|__)?\s*(?:\[!)?(?:[⚠⚡☢!]\x{{FE0F}}?\s*)*(?P<word>{SIGNALS})\]?(?:\*\*|__)?(?P<punct>\s*(?:[:!]|[–—-](?:\s|$)|\.(?:\s|$)))?\s*(?:\*\*|__)?\s*(?P<rest>.*)$"
    ))
    .expect("signal regex")
});

static SECOND_SIGNAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^/\s*(?:{SIGNALS})\s*[:!–—-]?\s*")).expect("bilingual signal regex"));

static INLINE_SIGNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[.!?)]\s+(?:⚠\s*)?(?P<word>DANGER|WARNING|CAUTION|NOTICE|NOTE|IMPORTANT|ATTENTION|AVERTISSEMENT|MISE EN GARDE|PRUDENCE|REMARQUE|AVIS|Danger|Warning|Caution|Notice|Note|Important|Attention|Avertissement|Mise en garde|Prudence|Remarque)\s*(?::|!|\s[–—-]\s)\s*",
    )
    .expect("inline signal regex")
});

/// A signal word at the start of a line: its level, the text after it, and whether the text
/// goes on under it (the word alone, or a short title such as "DANGER – ELECTRIC SHOCK").
fn signal(line: &str) -> Option<(&'static str, String, bool)> {
    let c = SIGNAL_LINE.captures(line)?;
    let word = c.name("word")?.as_str();
    let rest = c.name("rest").map_or("", |m| m.as_str()).trim();
    let shouted = word.chars().all(|ch| !ch.is_lowercase());
    let marked = c.name("punct").is_some_and(|m| !m.as_str().trim().is_empty()) || c.name("bold").is_some();
    let french_caution =
        word.eq_ignore_ascii_case("attention") && ["à ", "aux ", "au "].iter().any(|p| rest.starts_with(p));
    if !(shouted || marked || rest.is_empty() || french_caution) {
        return None;
    }
    let level = level(word)?;
    let rest = SECOND_SIGNAL.replace(rest, "").trim().trim_start_matches(['–', '—', '-', ':']).trim().to_owned();
    let words = rest.split_whitespace().count();
    let titled = rest.is_empty() || (!rest.ends_with(['.', '!', '?']) && words <= 6);
    Some((level, rest, titled))
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?P<m>\d{1,3}[.)]|\(\d{1,3}\)|(?P<multi>\d{1,3}(?:\.\d{1,3})+\.?)|[a-z][.)]|(?:step|étape)\s+\d{1,3}\s*[:.)–-]|-\s\[[ x]\]|\[[ x]\]|[-*•–—▪◦●○■□☐☑✓✔➢►])\s+(?P<text>\S.*)$",
    )
    .expect("list marker regex")
});

static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*#{1,6}\s+(?P<text>\S.*)$").expect("heading regex"));

fn list_item(line: &str) -> Option<(String, bool)> {
    if let Some(c) = MARKER.captures(line) {
        return Some((c["text"].trim().to_owned(), c.name("multi").is_some()));
    }
    // `3 START MACHINE`: a number and a capitalised word (not a unit: `12 V supply`).
    static BARE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*\d{1,2}\s+(?P<text>\p{Lu}\p{L}+\b.*)$").expect("bare marker regex"));
    let c = BARE.captures(line)?;
    let text = c["text"].trim();
    quantities::unit_at(text, 0).is_none().then(|| (text.to_owned(), false))
}

// ---- tables -------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    Pipes,
    Tabs,
    Leaders,
    Spaces,
    Definition,
    /// `|---|---|`
    Rule,
}

static LEADERS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*(?:\.{3,}|…{2,}|_{3,})\s*").expect("leader regex"));
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[ \t\u{a0}]{2,}").expect("column regex"));
static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<label>[^:|\d][^:|]{1,59}?)\s*:\s*(?P<value>\S.*\d.*)$").expect("definition regex")
});

fn cells(line: &str) -> Option<(Columns, Vec<String>)> {
    let t = line.trim();
    if t.is_empty() || list_item(line).is_some() || signal(line).is_some() || HEADING.is_match(line) {
        return None;
    }
    let keep = |v: Vec<&str>| -> Vec<String> {
        v.into_iter().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
    };
    // Pipes and tabs keep their empty cells: a column is known by its place.
    let positional = |v: Vec<&str>| -> Vec<String> {
        let mut c: Vec<String> = v.into_iter().map(|c| c.trim().to_owned()).collect();
        if c.first().is_some_and(String::is_empty) {
            c.remove(0);
        }
        if c.last().is_some_and(String::is_empty) {
            c.pop();
        }
        c
    };
    let filled = |c: &[String]| c.iter().filter(|c| !c.is_empty()).count();
    if t.contains('|') {
        if t.chars().all(|c| matches!(c, '|' | '-' | ':' | '+' | '=' | ' ')) {
            return Some((Columns::Rule, Vec::new()));
        }
        let c = positional(t.split('|').collect());
        return (filled(&c) >= 2).then_some((Columns::Pipes, c));
    }
    if t.contains('\t') {
        let c = positional(t.split('\t').collect());
        return (filled(&c) >= 2).then_some((Columns::Tabs, c));
    }
    if LEADERS.is_match(t) {
        let c = keep(LEADERS.split(t).collect());
        if c.len() >= 2 {
            return Some((Columns::Leaders, c));
        }
    }
    // Columns of spaces, unless it is prose with wide spaces: rows end without a full stop.
    let c = keep(SPACES.split(t).collect());
    if c.len() >= 2 && !t.ends_with(['.', '!', '?', ';', ':']) && c.iter().all(|cell| cell.chars().count() <= 60) {
        return Some((Columns::Spaces, c));
    }
    // `Séchage : 20 min`, not `Pre-rinse: rinse with water at 40–50 °C for 10 minutes.`
    let d = DEFINITION.captures(t)?;
    let value = d["value"].trim();
    if value.ends_with(['.', '!', '?', ';']) || value.chars().count() > 60 {
        return None;
    }
    Some((Columns::Definition, vec![d["label"].trim().to_owned(), value.to_owned()]))
}

/// Captions of the equipment's data, whose values are ratings, not limits to check.
static SPEC_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(?:technical data|technical specifications?|specifications? techniques?|données techniques|caractéristiques(?: techniques| principales)?|characteristics|nameplate|plaque signalétique|rating plate|ratings|machine data)\W*$")
        .expect("spec caption regex")
});

static CHECK_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:values?|valeurs?|settings?|réglages?|consignes?|set ?points?|torques?|couples?|acceptance|acceptable|critères?|criteri(?:on|a)|limits?|limites?|tol[ée]rances?|expected|attendue?s?|required|requise?s?|sp[ée]cifications?|param[eè]tres?|parameters?|contrôles?|min|max|minimum|maximum)\b",
    )
    .expect("check words regex")
});

struct Column {
    /// `Torque (N·m)`: values of the column are in N·m.
    unit: Option<String>,
    /// `Unit` / `Unité`: the cell is the unit of the values before it.
    is_unit: bool,
    /// `Min` / `Max`: the cell is a minimum or a maximum.
    bound: Option<&'static str>,
}

fn column(header: &str) -> Column {
    static BRACKETED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[(\[]\s*(?P<u>[^()\[\]]+?)\s*[)\]]").expect("unit regex"));
    let h = header.trim().to_lowercase();
    let unit = BRACKETED.captures_iter(header).find_map(|c| {
        let u = c.name("u")?.as_str();
        quantities::unit_at(u, 0).filter(|(_, end)| *end == u.len()).map(|(unit, _)| unit)
    });
    let bound = match h.trim_end_matches('.') {
        "min" | "mini" | "minimum" | "lower limit" | "limite basse" | "limite inférieure" => Some("min "),
        "max" | "maxi" | "maximum" | "upper limit" | "limite haute" | "limite supérieure" => Some("max "),
        _ => None,
    };
    Column { unit, is_unit: matches!(h.as_str(), "unit" | "units" | "unité" | "unités"), bound }
}

fn starts_like_a_value(cell: &str) -> bool {
    cell.trim_start().starts_with(|c: char| c.is_ascii_digit() || "+-−±≤≥<>~".contains(c))
}

/// Rows of a table as clauses; `caption` is the line just above the table.
fn table(rows: &[(String, Vec<String>)], caption: Option<&str>, kind: Columns) -> Vec<Block> {
    let decimal = quantities::Decimal::of(&rows.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(" "));
    let has_header = kind != Columns::Definition
        && rows.len() >= 2
        && rows[0].1.len() >= 2
        && !rows[0]
            .1
            .iter()
            .any(|c| starts_like_a_value(c) || quantities::quantities(c, decimal).iter().any(|q| q.unit.is_some()));
    let (header, data) = if has_header { (Some(&rows[0].1), &rows[1..]) } else { (None, rows) };
    let columns: Vec<Column> = header.map(|h| h.iter().map(|c| column(c)).collect()).unwrap_or_default();
    let check = header.is_some_and(|h| h.iter().any(|c| CHECK_WORDS.is_match(c)))
        || caption.is_some_and(|c| CHECK_WORDS.is_match(c));
    data.iter()
        .map(|(line, row)| {
            // The row's unit column, if any, is the unit of its bare values.
            let row_unit = row
                .iter()
                .enumerate()
                .find(|(i, _)| columns.get(*i).is_some_and(|c| c.is_unit))
                .map(|(_, u)| u.as_str());
            let mut out: Vec<String> = Vec::new();
            for (i, cell) in row.iter().enumerate() {
                let col = columns.get(i);
                if cell.is_empty() || col.is_some_and(|c| c.is_unit) {
                    continue;
                }
                let mut text = cell.clone();
                let bare = quantities::quantities(cell, decimal).iter().any(|q| q.unit.is_none());
                if let Some(unit) = col.and_then(|c| c.unit.as_deref()).or(row_unit).filter(|_| bare && i > 0) {
                    text.push(' ');
                    text.push_str(unit);
                }
                if let Some(bound) = col.and_then(|c| c.bound).filter(|_| starts_like_a_value(cell)) {
                    text.insert_str(0, bound);
                }
                out.push(text);
            }
            Block::Row {
                cells: row.iter().filter(|c| !c.is_empty()).cloned().collect(),
                clause: out.join(" : "),
                title: out.join(" – "),
                line: line.trim().to_owned(),
                check,
            }
        })
        .collect()
}

// ---- lines and blocks ---------------------------------------------------------------------

const JOINING_WORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "with", "for", "in", "at", "on", "by", "from", "le", "la", "les", "de",
    "du", "des", "et", "ou", "à", "au", "aux", "en", "un", "une", "pour", "avec", "par", "sur", "dans", "que",
];

/// Whether `line` goes on the logical line that ends with `prev` (a line the layout broke).
fn continues(prev: &str, line: &str, indented_item: bool) -> bool {
    let cur = line.trim_start();
    let p = prev.trim_end();
    if p.ends_with(['.', '!', '?']) || p.ends_with(".)") || p.ends_with(".»") {
        return false;
    }
    let first = cur.chars().next().unwrap_or(' ');
    if first.is_lowercase() || first.is_ascii_digit() || "(±≤≥<>+−–-/«»\"'".contains(first) {
        return true;
    }
    if p.matches('(').count() > p.matches(')').count() {
        return true;
    }
    let last_word = p.rsplit(char::is_whitespace).next().unwrap_or_default().to_lowercase();
    if p.ends_with([',', '-', '/']) || JOINING_WORDS.contains(&last_word.as_str()) {
        return true;
    }
    indented_item && line.starts_with(char::is_whitespace)
}

enum Open {
    Item { text: String, numbered: bool, spec: bool },
    Prose(String),
    Warning { level: &'static str, text: String, passage: String, titled: bool },
}

/// The blocks of one page of text, in order.
pub fn blocks(body: &str) -> Vec<Block> {
    let lines: Vec<&str> = body.lines().collect();
    let columns: Vec<Option<(Columns, Vec<String>)>> = lines.iter().map(|l| cells(l)).collect();
    // Which lines are table rows: pipes, tabs and leader dots from one row, columns of spaces
    // and `label : value` lines from two.
    let mut in_table = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let Some((kind, _)) = columns[i].as_ref().map(|(k, c)| (*k, c)) else {
            i += 1;
            continue;
        };
        let same = |k: Columns| {
            k == kind
                || (kind == Columns::Pipes && k == Columns::Rule)
                || (kind == Columns::Rule && k == Columns::Pipes)
        };
        let mut j = i;
        while j < lines.len() && columns[j].as_ref().is_some_and(|(k, _)| same(*k)) {
            j += 1;
        }
        let min_rows = if matches!(kind, Columns::Spaces | Columns::Definition) { 2 } else { 1 };
        if j - i >= min_rows && kind != Columns::Rule || (kind == Columns::Rule && j - i > 1) {
            in_table[i..j].iter_mut().for_each(|t| *t = true);
        }
        i = j;
    }

    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    let mut last_line = String::new();
    // Items under a caption such as "Technical data" (and the items after them) list data.
    let mut spec_list = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if in_table[i] {
            flush(&mut open, &mut out);
            let kind = columns[i].as_ref().map_or(Columns::Spaces, |(k, _)| *k);
            let caption = i.checked_sub(1).map(|p| lines[p]).filter(|p| !p.trim().is_empty());
            let mut rows = Vec::new();
            while i < lines.len() && in_table[i] {
                if let Some((k, c)) = &columns[i] {
                    if *k != Columns::Rule {
                        rows.push((lines[i].to_owned(), c.clone()));
                    }
                }
                i += 1;
            }
            out.extend(table(&rows, caption, kind));
            continue;
        }
        i += 1;
        if line.trim().is_empty() {
            flush(&mut open, &mut out);
            spec_list = false;
            continue;
        }
        if let Some(c) = HEADING.captures(line) {
            flush(&mut open, &mut out);
            let title = c["text"].trim().to_owned();
            spec_list = SPEC_CAPTION.is_match(&title);
            out.push(Block::Heading(title));
            continue;
        }
        if let Some((level, text, titled)) = signal(line) {
            flush(&mut open, &mut out);
            open = Some(Open::Warning { level, text, passage: line.trim().to_owned(), titled });
            last_line = line.to_owned();
            continue;
        }
        if let Some((level, text, titled)) = list_item(line).and_then(|(text, _)| signal(&text)) {
            // "3. WARNING: A hose can whip when it bursts."
            flush(&mut open, &mut out);
            open = Some(Open::Warning { level, text, passage: line.trim().to_owned(), titled });
            last_line = line.to_owned();
            continue;
        }
        if let Some((text, numbered)) = list_item(line) {
            if let Some(Open::Prose(caption)) = &open {
                spec_list = SPEC_CAPTION.is_match(caption);
            }
            flush(&mut open, &mut out);
            open = Some(Open::Item { text, numbered, spec: spec_list });
            last_line = line.to_owned();
            continue;
        }
        let trimmed = line.trim();
        let joined = match &mut open {
            Some(Open::Warning { text, passage, titled: true, .. }) => {
                push_words(text, trimmed);
                push_words(passage, trimmed);
                true
            }
            Some(Open::Warning { text, passage, .. }) if continues(&last_line, line, false) => {
                push_words(text, trimmed);
                push_words(passage, trimmed);
                true
            }
            Some(Open::Item { text, .. }) if continues(&last_line, line, true) => {
                push_words(text, trimmed);
                true
            }
            Some(Open::Prose(text)) if continues(&last_line, line, false) => {
                push_words(text, trimmed);
                true
            }
            _ => false,
        };
        if !joined {
            flush(&mut open, &mut out);
            open = Some(Open::Prose(trimmed.to_owned()));
        }
        last_line = line.to_owned();
    }
    flush(&mut open, &mut out);
    out
}

fn push_words(text: &mut String, more: &str) {
    if text.ends_with('-') && more.starts_with(char::is_lowercase) && !text.ends_with(" -") {
        // A word the layout hyphenated: "tempé-" + "rature".
        text.pop();
    } else if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

fn flush(open: &mut Option<Open>, out: &mut Vec<Block>) {
    match open.take() {
        None => {}
        Some(Open::Warning { level, text, passage, .. }) => {
            let text = if text.is_empty() { passage.clone() } else { text };
            out.push(Block::Warning(Warning { level, text, passage }));
        }
        Some(Open::Item { text, numbered, spec }) => {
            let (text, warnings) = match INLINE_SIGNAL.captures(&text) {
                Some(c) => {
                    let whole = c.get(0).map_or(0..0, |m| m.range());
                    let before = text[..whole.start + 1].trim().to_owned();
                    let after = text[whole.end..].trim().to_owned();
                    let level = level(&c["word"]).unwrap_or("note");
                    (before, vec![Warning { level, text: after, passage: text[whole.start + 1..].trim().to_owned() }])
                }
                None => (text, Vec::new()),
            };
            out.push(Block::Item { text, warnings, numbered, spec });
        }
        Some(Open::Prose(text)) => {
            let mut rest = text.as_str();
            while let Some(c) = INLINE_SIGNAL.captures(rest) {
                let whole = c.get(0).map_or(0..0, |m| m.range());
                let before = rest[..whole.start + 1].trim();
                if !before.is_empty() {
                    out.push(Block::Prose(before.to_owned()));
                }
                let after = &rest[whole.end..];
                let first = sentences(after).into_iter().next().unwrap_or(after);
                let level = level(&c["word"]).unwrap_or("note");
                let passage = format!("{}{}", &rest[whole.start + 1..whole.end], first).trim().to_owned();
                out.push(Block::Warning(Warning { level, text: first.trim().to_owned(), passage }));
                rest = &after[first.len()..];
            }
            if !rest.trim().is_empty() {
                out.push(Block::Prose(rest.trim().to_owned()));
            }
        }
    }
}

// ---- sentences ----------------------------------------------------------------------------

const ABBREVIATIONS: &[&str] = &[
    "max", "min", "mini", "maxi", "approx", "env", "réf", "ref", "fig", "p", "pp", "no", "nr", "n°", "vol", "art",
    "chap", "sect", "cf", "e.g", "i.e", "etc", "rev", "rév", "doc", "ca", "resp", "dim", "qty", "qté", "pos", "ex",
    "tél", "tel", "st", "mr", "m", "dr", "vs", "id", "al", "ch", "par", "paragr", "éd", "ed", "nb",
];

/// The sentences of a text: split after `.`, `!` or `?` followed by a capital, a digit or an
/// opening bracket, but not after an abbreviation (`max. 2°`, `réf. 1613`, `p. 12`).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, space)) = chars.get(k + 1) else { continue };
        if !space.is_whitespace() {
            continue;
        }
        let Some(&(_, next)) = chars[k + 1..].iter().find(|(_, ch)| !ch.is_whitespace()) else { continue };
        if !(next.is_uppercase() || next.is_ascii_digit() || "(«\"'“⚠".contains(next)) {
            continue;
        }
        if c == '.' {
            let word_start = text[..i]
                .char_indices()
                .rfind(|&(_, ch)| ch.is_whitespace() || ch == '(')
                .map_or(0, |(w, ch)| w + ch.len_utf8());
            let word = text[word_start..i].to_lowercase();
            let after_number = text[..word_start].trim_end().ends_with(|ch: char| ch.is_ascii_digit());
            if ABBREVIATIONS.contains(&word.as_str()) && !after_number {
                continue;
            }
            if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) && !after_number {
                // An initial or a list letter: `A. Martin`, `see item b. Then`.
                continue;
            }
        }
        let end = i + c.len_utf8();
        let s = text[start..end].trim();
        if !s.is_empty() {
            out.push(s);
        }
        start = end;
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

// ---- instructions -------------------------------------------------------------------------

const EN_VERBS: &[&str] = &[
    "activate",
    "actuate",
    "agitate",
    "backflush",
    "backwash",
    "balance",
    "circulate",
    "clip",
    "crimp",
    "deburr",
    "defrost",
    "degas",
    "descale",
    "dilute",
    "dose",
    "evacuate",
    "exercise",
    "feel",
    "grind",
    "hone",
    "hook",
    "jog",
    "latch",
    "level",
    "mix",
    "paint",
    "photograph",
    "polish",
    "ream",
    "recirculate",
    "regenerate",
    "replenish",
    "reseal",
    "reseat",
    "retension",
    "sample",
    "sand",
    "seat",
    "shim",
    "simulate",
    "soak",
    "solder",
    "spin",
    "splice",
    "stay",
    "stir",
    "stow",
    "tension",
    "tie",
    "trip",
    "unclamp",
    "unhook",
    "unlatch",
    "weigh",
    "wrap",
    "zero",
    "add",
    "adjust",
    "align",
    "allow",
    "apply",
    "assemble",
    "attach",
    "back",
    "bleed",
    "blow",
    "bolt",
    "bring",
    "brush",
    "calibrate",
    "carry",
    "change",
    "charge",
    "check",
    "clamp",
    "clean",
    "clear",
    "close",
    "collect",
    "compare",
    "complete",
    "confirm",
    "connect",
    "contact",
    "cool",
    "count",
    "cover",
    "cut",
    "deactivate",
    "de-energise",
    "de-energize",
    "depressurise",
    "depressurize",
    "detach",
    "disassemble",
    "discard",
    "discharge",
    "disconnect",
    "disengage",
    "dismantle",
    "dispose",
    "do",
    "don't",
    "drain",
    "dry",
    "earth",
    "empty",
    "energise",
    "energize",
    "engage",
    "ensure",
    "enter",
    "examine",
    "extract",
    "fasten",
    "fill",
    "finish",
    "fit",
    "flush",
    "follow",
    "grease",
    "hang",
    "heat",
    "hold",
    "inflate",
    "inform",
    "inject",
    "insert",
    "inspect",
    "install",
    "isolate",
    "keep",
    "label",
    "lay",
    "leave",
    "let",
    "lift",
    "listen",
    "lock",
    "log",
    "look",
    "loosen",
    "lower",
    "lubricate",
    "make",
    "mark",
    "measure",
    "monitor",
    "mount",
    "move",
    "never",
    "note",
    "notify",
    "observe",
    "obtain",
    "open",
    "operate",
    "order",
    "park",
    "perform",
    "place",
    "plug",
    "position",
    "prepare",
    "press",
    "pressurise",
    "pressurize",
    "prime",
    "proceed",
    "pull",
    "pump",
    "purge",
    "push",
    "put",
    "raise",
    "read",
    "reassemble",
    "recharge",
    "recheck",
    "re-check",
    "reconnect",
    "record",
    "recover",
    "refill",
    "refit",
    "reinstall",
    "release",
    "relubricate",
    "remove",
    "renew",
    "reopen",
    "repeat",
    "replace",
    "report",
    "reset",
    "restart",
    "retighten",
    "re-tighten",
    "retorque",
    "re-torque",
    "return",
    "rinse",
    "rotate",
    "run",
    "screw",
    "seal",
    "secure",
    "select",
    "set",
    "shut",
    "sign",
    "slacken",
    "slide",
    "spray",
    "start",
    "stop",
    "store",
    "support",
    "swap",
    "switch",
    "tag",
    "take",
    "tap",
    "test",
    "tighten",
    "top",
    "torque",
    "transfer",
    "trim",
    "turn",
    "unbolt",
    "unlock",
    "unplug",
    "unscrew",
    "use",
    "vent",
    "verify",
    "wait",
    "warm",
    "wash",
    "watch",
    "wear",
    "weld",
    "wipe",
    "withdraw",
    "write",
];

const FR_VERBS: &[&str] = &[
    "faire",
    "refaire",
    "mettre",
    "remettre",
    "lire",
    "relire",
    "prendre",
    "reprendre",
    "attendre",
    "suspendre",
    "descendre",
    "détendre",
    "tendre",
    "retendre",
    "rendre",
    "remplir",
    "ouvrir",
    "rouvrir",
    "couvrir",
    "recouvrir",
    "découvrir",
    "finir",
    "garnir",
    "munir",
    "saisir",
    "choisir",
    "maintenir",
    "tenir",
    "retenir",
    "obtenir",
    "définir",
    "établir",
    "rétablir",
    "réunir",
    "fournir",
    "refroidir",
    "amortir",
    "avertir",
    "prévenir",
    "intervenir",
    "sortir",
    "ressortir",
    "extraire",
    "conduire",
    "introduire",
    "réintroduire",
    "réduire",
    "produire",
    "inscrire",
    "écrire",
    "exclure",
    "inclure",
    "éteindre",
    "joindre",
    "rejoindre",
    "battre",
    "soumettre",
    "interrompre",
    "poursuivre",
    "suivre",
    "voir",
    "revoir",
    "prévoir",
    "recueillir",
    "cueillir",
    "bouillir",
    "dévêtir",
    "revêtir",
    "mesurez",
    "assurez-vous",
    "veiller",
];

const FR_NOUNS_IN_ER: &[&str] = &[
    "acier",
    "papier",
    "premier",
    "dernier",
    "levier",
    "palier",
    "boîtier",
    "collier",
    "cahier",
    "atelier",
    "clavier",
    "fichier",
    "panier",
    "chantier",
    "foyer",
    "escalier",
    "quartier",
    "dossier",
    "hiver",
    "fer",
    "enfer",
    "cuvier",
    "métier",
    "sentier",
    "gravier",
    "pilier",
    "damier",
    "tablier",
    "étier",
    "rocher",
    "plancher",
    "verger",
    "danger",
    "berger",
    "boucher",
    "cocher",
    "léger",
    "entier",
    "régulier",
    "particulier",
    "fier",
    "cher",
    "amer",
    "mer",
    "hier",
    "super",
    "laser",
    "poster",
    "cluster",
    "ether",
    "master",
    "carter",
    "filter",
    "ordinateur",
];

const CONNECTORS: &[&str] = &[
    "then",
    "next",
    "now",
    "finally",
    "first",
    "again",
    "also",
    "carefully",
    "slowly",
    "gently",
    "firmly",
    "lightly",
    "immediately",
    "ensuite",
    "puis",
    "enfin",
    "alors",
    "soigneusement",
    "lentement",
    "progressivement",
    "doucement",
    "maintenant",
    "également",
    "d'abord",
    "toujours",
];

fn word_is_verb(word: &str, french: bool) -> bool {
    let w = word.to_lowercase();
    if w.chars().count() < 2 {
        return false;
    }
    if !french {
        return EN_VERBS.contains(&w.as_str()) || w.strip_prefix("re-").is_some_and(|v| EN_VERBS.contains(&v));
    }
    let infinitive = w.ends_with("er") && w.chars().count() >= 4 && !FR_NOUNS_IN_ER.contains(&w.as_str());
    FR_VERBS.contains(&w.as_str())
        || infinitive
        || w.ends_with("ez") && w.chars().count() >= 4
        || w.starts_with("s'assur")
}

/// Whether a sentence of a French or an English document is an instruction: it starts with a
/// verb (after "Then", "Carefully", …), with "Do not"/"Never"/"Ne pas", or after an opening
/// phrase ("If …, replace", "Using a …, tighten").
pub fn is_imperative(sentence: &str, french: bool) -> bool {
    fn words(s: &str) -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’' && c != '-').replace('’', "'")
            })
            .filter(|w| !w.is_empty())
            .collect()
    }
    let check = |s: &str| {
        let ws = words(s);
        let mut it = ws.iter().map(|w| w.to_lowercase()).skip_while(|w| CONNECTORS.contains(&w.as_str()));
        let Some(first) = it.next() else { return false };
        let second = it.next().unwrap_or_default();
        match first.as_str() {
            "do" | "does" if !french => second == "not" || word_is_verb(&second, french),
            "never" | "don't" if !french => true,
            "ne" | "n'" if french => ["pas", "jamais", "plus"].contains(&second.as_str()),
            "be" if !french => ["sure", "certain"].contains(&second.as_str()),
            _ => word_is_verb(&first, french),
        }
    };
    if check(sentence) {
        return true;
    }
    // "If …, replace", "Using a torque wrench, tighten", "Avant de …, vérifier".
    static OPENING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:if|when|after|before|using|with|once|while|to|for|on|at|si|lorsque|après|avant|pour|avec|en|pendant|dès|à|au|une fois|in)\b")
            .expect("opening regex")
    });
    if OPENING.is_match(sentence) {
        if let Some((_, rest)) = sentence.split_once(", ") {
            return check(rest);
        }
    }
    false
}

/// "Tyre pressure: inflate to 8.5 bar" — an instruction after a label.
pub fn is_imperative_after_label(sentence: &str, french: bool) -> bool {
    sentence.split_once(':').is_some_and(|(_, rest)| is_imperative(rest, french))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(text: &str) -> Vec<(&'static str, String)> {
        blocks(text)
            .into_iter()
            .flat_map(|b| match b {
                Block::Warning(w) => vec![(w.level, w.text)],
                Block::Item { warnings, .. } => warnings.into_iter().map(|w| (w.level, w.text)).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_warning_block_under_its_signal_word_keeps_its_lines() {
        let text =
            "⚠ DANGER\nHAZARDOUS VOLTAGE. Contact will cause death.\nLock out the supply.\n\n1. Remove the guard.";
        assert_eq!(
            warnings(text),
            vec![("danger", "HAZARDOUS VOLTAGE. Contact will cause death. Lock out the supply.".into())]
        );
        let titled = "DANGER – GAZ EXPLOSIF\nPendant la charge, les batteries dégagent de l'hydrogène.\n1. Ventiler.";
        assert_eq!(warnings(titled)[0].1, "GAZ EXPLOSIF Pendant la charge, les batteries dégagent de l'hydrogène.");
    }

    #[test]
    fn signal_words_of_both_languages_map_to_levels() {
        let text = "AVERTISSEMENT : pièces lourdes.\nMISE EN GARDE : risque d'écrasement.\nPRUDENCE : surface chaude.\nATTENTION ! Pression.\nNOTICE: Use only the fluid.\nRemarque : noter.\n> **CAUTION:** sharp edges.\nCaution: hot.";
        let levels: Vec<&str> = warnings(text).iter().map(|(l, _)| *l).collect();
        assert_eq!(levels, ["warning", "caution", "caution", "caution", "note", "note", "caution", "caution"]);
    }

    #[test]
    fn words_that_only_look_like_signals_are_text() {
        assert!(
            warnings("Note the reading on the gauge.\nDanger of crushing is low here.\nNOTER le relevé.").is_empty()
        );
    }

    #[test]
    fn a_warning_inside_a_step_stays_with_it() {
        let b = blocks("2. Remove the cover (6 screws). CAUTION: the cover weighs 14 kg.");
        assert_eq!(
            b,
            vec![Block::Item {
                text: "Remove the cover (6 screws).".into(),
                warnings: vec![Warning {
                    level: "caution",
                    text: "the cover weighs 14 kg.".into(),
                    passage: "CAUTION: the cover weighs 14 kg.".into()
                }],
                numbered: false,
                spec: false,
            }]
        );
    }

    #[test]
    fn lines_broken_by_the_layout_are_joined() {
        let b =
            blocks("The oil is changed warm, ideally\nbetween 40 and 60 °C. Switch off the drive.\nRemove the plug.");
        assert_eq!(
            b,
            vec![
                Block::Prose("The oil is changed warm, ideally between 40 and 60 °C. Switch off the drive.".into()),
                Block::Prose("Remove the plug.".into())
            ]
        );
        let item =
            blocks("b) Measure the current; the measured\n   value must not exceed 12.8 A.\nc) Check the chain.");
        assert!(
            matches!(&item[0], Block::Item { text, .. } if text == "Measure the current; the measured value must not exceed 12.8 A.")
        );
    }

    #[test]
    fn tables_become_rows_with_their_column_units() {
        let b = blocks("Bolt size    Torque (N·m)    Torque (lbf·ft)\nM12          60              44\nM16          150             110");
        assert!(
            matches!(&b[0], Block::Row { clause, check: true, .. } if clause == "M12 : 60 N·m : 44 lbf·ft"),
            "{b:?}"
        );
        let tabs = blocks("Parameter\tAcceptable\tUnit\nOil pressure\t≥ 2.5\tbar");
        assert!(matches!(&tabs[0], Block::Row { clause, .. } if clause == "Oil pressure : ≥ 2.5 bar"), "{tabs:?}");
        let pipes = blocks("| Test | Acceptance |\n|------|------|\n| U1 to earth | ≥ 100 MΩ |");
        assert!(matches!(&pipes[0], Block::Row { clause, .. } if clause == "U1 to earth : ≥ 100 MΩ"), "{pipes:?}");
    }

    #[test]
    fn a_warning_written_as_a_numbered_step_is_a_warning() {
        assert_eq!(
            warnings("3. WARNING: A hose can whip when it bursts."),
            vec![("warning", "A hose can whip when it bursts.".into())]
        );
    }

    #[test]
    fn min_max_and_unit_columns_bound_the_values_of_their_row() {
        let b = blocks(
            "| Check | Min | Max | Unit |\n|---|---|---|---|\n| Suction | 1.5 | 2.5 | bar |\n| Bearing |  | 75 | °C |",
        );
        let clauses: Vec<&str> = b
            .iter()
            .filter_map(|b| if let Block::Row { clause, .. } = b { Some(clause.as_str()) } else { None })
            .collect();
        assert_eq!(clauses, ["Suction : min 1.5 bar : max 2.5 bar", "Bearing : max 75 °C"]);
    }

    #[test]
    fn a_label_followed_by_a_sentence_is_prose_not_a_table() {
        let b = blocks("Pre-rinse: rinse with water at 40–50 °C for 10 minutes.\nCaustic wash: circulate 2 % caustic for 20 minutes.");
        assert!(b.iter().all(|b| matches!(b, Block::Prose(_))), "{b:?}");
        let d = blocks("Séchage : 20 min\nPression au plateau : 2,1 à 2,3 bar");
        assert!(d.iter().all(|b| matches!(b, Block::Row { .. })), "{d:?}");
    }

    #[test]
    fn items_under_a_data_caption_list_data() {
        let b = blocks("Technical data\n- Reservoir capacity: 40 gal\n\nChecks\n- Wheel nuts: 180 N·m");
        let specs: Vec<bool> =
            b.iter().filter_map(|b| if let Block::Item { spec, .. } = b { Some(*spec) } else { None }).collect();
        assert_eq!(specs, [true, false]);
    }

    #[test]
    fn a_number_before_a_capitalised_word_marks_a_step_but_a_value_does_not() {
        assert!(matches!(&blocks("3 START MACHINE")[0], Block::Item { text, .. } if text == "START MACHINE"));
        assert!(matches!(&blocks("12 V supply on terminal X1")[0], Block::Prose(_)));
    }

    #[test]
    fn sentences_end_at_a_sentence_end_not_at_an_abbreviation() {
        assert_eq!(
            sentences("Max. working pressure 280 bar. Check the seal."),
            vec!["Max. working pressure 280 bar.", "Check the seal."]
        );
        assert_eq!(
            sentences("Run for 10 min. Then stop (réf. 1613)."),
            vec!["Run for 10 min.", "Then stop (réf. 1613)."]
        );
    }

    #[test]
    fn instructions_start_with_a_verb_in_either_language() {
        assert!(is_imperative("Serrer les vis à 25 N·m.", true));
        assert!(is_imperative("Vérifiez la pression.", true));
        assert!(is_imperative("Then measure the gap.", false));
        assert!(is_imperative("If the value is low, replace the filter.", false));
        assert!(is_imperative("Do not exceed 10 bar.", false));
        assert!(is_imperative("Ne pas fumer.", true));
        assert!(!is_imperative("The pump was made in 1998.", false));
        assert!(!is_imperative("Water content must be low.", false), "an English noun in -er is no French infinitive");
        assert!(!is_imperative("Charge du circuit : 18,2 kg.", true), "a French noun is no English verb");
        assert!(!is_imperative("Palier 1 : 2 000 tr/min.", true));
        assert!(is_imperative_after_label("Tyre pressure: inflate to 8.5 bar.", false));
    }
}
