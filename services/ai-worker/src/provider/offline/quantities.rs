//! Quantities in manual text and the limits a sentence states. Numbers are read in every
//! separator style of English and French (`1,500`, `1 500` with any kind of space, `2,5`,
//! `0.05`); units by a grammar that accepts compounds (`m³/h`, `N·m`, `kg/cm²`, `mg KOH/g`);
//! limits are ranges, tolerances, bounds in words or symbols in both languages, and the targets
//! a step sets. The rules follow `corpus/README.md`.

use std::sync::LazyLock;

use regex::Regex;

/// Which of `.` and `,` separates thousands when exactly three digits follow it (`1,500 rpm` in
/// English, `1.500 tr/min` in French); before one, two or four digits both are decimal marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    Point,
    Comma,
}

const FRENCH_WORDS: &[&str] = &[
    "le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "pour", "avec", "dans", "sur", "pas", "ne", "au",
    "aux", "à", "ou", "par",
];
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "of", "to", "with", "is", "for", "a", "an", "in", "on", "be", "must", "not", "it", "at", "or", "by",
];

impl Decimal {
    /// French text writes decimal commas; other text is read as English.
    pub fn of(text: &str) -> Decimal {
        let (mut fr, mut en) = (0, 0);
        for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            let w = word.to_lowercase();
            fr += usize::from(FRENCH_WORDS.contains(&w.as_str()));
            en += usize::from(ENGLISH_WORDS.contains(&w.as_str()));
        }
        if fr > en {
            Decimal::Comma
        } else {
            Decimal::Point
        }
    }
}

/// A number with the unit written after it (or before it, for `pH`).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub unit: Option<String>,
    /// Byte offsets in the text: the sign or first digit, the first digit, the end of the number,
    /// the end of the unit.
    pub start: usize,
    pub digits: usize,
    pub number_end: usize,
    pub end: usize,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\t')
}

fn is_thin_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Every number of `text` that stands alone (not inside a code such as `PO4`, `M12`,
/// `DSBC-50-200`, `1/4`, a date or a version), with the unit after it.
pub fn quantities(text: &str, decimal: Decimal) -> Vec<Quantity> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let offset = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
    let digit_at = |k: usize| at(k).is_some_and(|c| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !digit_at(k) {
            k += 1;
            continue;
        }
        let prev = k.checked_sub(1).and_then(at);
        let before_prev = k.checked_sub(2).and_then(at);
        // `.125 in`: a decimal without its zero, in English text.
        let bare_decimal =
            decimal == Decimal::Point && prev == Some('.') && before_prev.is_none_or(|q| q.is_whitespace() || q == '(');
        let mut glued =
            !bare_decimal && prev.is_some_and(|p| p.is_alphanumeric() || matches!(p, '_' | '/' | '#' | '.' | ','));
        let mut start = if bare_decimal { offset(k - 1) } else { offset(k) };
        if let Some(p @ ('-' | '−' | '+')) = prev {
            match before_prev {
                Some(q) if q.is_alphabetic() => glued = true,
                Some(q) if q.is_ascii_digit() => {}
                _ => start = offset(k - 1),
            }
            if p == '+' && before_prev.is_some_and(|q| q.is_ascii_digit()) {
                glued = true;
            }
        } else if prev == Some('–') && before_prev.is_none_or(|q| q.is_whitespace() || matches!(q, '(' | ':')) {
            // French typesetting writes `–20 °C` with an en dash; after a number it is a range.
            let before_dash = text[..offset(k - 1)].trim_end();
            if !before_dash.ends_with(|c: char| c.is_ascii_digit()) && unit_at(before_dash, before_dash.len()).is_none()
            {
                let ends_with_unit = quantities_end_with_unit(before_dash);
                if !ends_with_unit {
                    start = offset(k - 1);
                }
            }
        }
        let skip_token = |mut j: usize| {
            while digit_at(j) || (at(j).is_some_and(|c| matches!(c, '.' | ',' | '/' | '-')) && digit_at(j + 1)) {
                j += 1;
            }
            j
        };
        if glued {
            k = skip_token(k);
            continue;
        }
        let mut digits = if bare_decimal { String::from("0.") } else { String::new() };
        let mut j = k;
        while digit_at(j) {
            digits.push(at(j).unwrap_or('0'));
            j += 1;
        }
        let three_after = |j: usize| digit_at(j + 1) && digit_at(j + 2) && digit_at(j + 3) && !digit_at(j + 4);
        let thousands = match decimal {
            Decimal::Point => ',',
            Decimal::Comma => '.',
        };
        if !bare_decimal && digits.len() <= 3 && digits != "0" {
            loop {
                let sep = at(j);
                let grouped = sep.is_some_and(is_thin_space) && three_after(j)
                    || sep == Some(thousands)
                        && three_after(j)
                        && !(at(j + 4).is_some_and(|c| matches!(c, '.' | ',')) && digit_at(j + 5));
                if !grouped {
                    break;
                }
                for d in 1..=3 {
                    digits.push(at(j + d).unwrap_or('0'));
                }
                j += 4;
            }
        }
        if !bare_decimal && at(j).is_some_and(|c| matches!(c, '.' | ',')) && digit_at(j + 1) {
            digits.push('.');
            j += 1;
            while digit_at(j) {
                digits.push(at(j).unwrap_or('0'));
                j += 1;
            }
        }
        // A third part (`14.06.2022`, `1.2.3`) or a fraction (`1/4`, `20/0.4`): not a quantity.
        if at(j).is_some_and(|c| matches!(c, '.' | ',' | '/')) && digit_at(j + 1) {
            k = skip_token(j);
            continue;
        }
        let number_end = offset(j);
        let Ok(mut value) = digits.parse::<f64>() else {
            k = j;
            continue;
        };
        if text[start..].starts_with(['-', '−', '–']) {
            value = -value;
        }
        let unit = unit_at(text, number_end);
        if unit.is_none() && at(j).is_some_and(char::is_alphabetic) {
            // Glued to letters that are no unit (`2Z`, `4x`): a code.
            k = j;
            while at(k).is_some_and(char::is_alphanumeric) {
                k += 1;
            }
            continue;
        }
        let end = unit.as_ref().map_or(number_end, |(_, e)| *e);
        // `9 h 30` is a time of day.
        let rest = &text[end..];
        let time_of_day = unit.as_ref().is_some_and(|(u, _)| u == "h")
            && rest.chars().next().is_some_and(is_thin_space)
            && rest.trim_start().chars().take(2).filter(char::is_ascii_digit).count() == 2;
        if !time_of_day {
            out.push(Quantity { value, unit: unit.map(|(u, _)| u), start, digits: offset(k), number_end, end });
        }
        k = chars.partition_point(|&(i, _)| i < end);
    }
    out
}

/// Whether `text` ends with a number and its unit (`5 bar`): a dash after it is a range.
fn quantities_end_with_unit(text: &str) -> bool {
    let last_space = text.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &text[last_space..];
    let before = text[..last_space].trim_end();
    unit_at(word, 0).is_some_and(|(_, end)| end == word.len()) && before.ends_with(|c: char| c.is_ascii_digit())
}

// ---- units --------------------------------------------------------------------------------

/// (as written, as Gamme writes it, any case?). Longest first at use.
const ATOMS: &[Atom] = &[
    ("bar", "bar", true),
    ("bars", "bar", true),
    ("barg", "bar(g)", true),
    ("bar(g)", "bar(g)", true),
    ("bara", "bar(a)", true),
    ("mbar", "mbar", true),
    ("psi", "psi", true),
    ("psig", "psig", true),
    ("psia", "psia", true),
    ("Pa", "Pa", false),
    ("hPa", "hPa", false),
    ("kPa", "kPa", false),
    ("MPa", "MPa", false),
    ("mmHg", "mmHg", false),
    ("mmCE", "mmCE", false),
    ("mCE", "mCE", false),
    ("°C", "°C", false),
    ("° C", "°C", false),
    ("ºC", "°C", false),
    ("°F", "°F", false),
    ("ºF", "°F", false),
    ("°f", "°f", false),
    ("°dH", "°dH", false),
    ("°", "°", false),
    ("K", "K", false),
    ("V", "V", false),
    ("mV", "mV", false),
    ("kV", "kV", false),
    ("µV", "µV", false),
    ("A", "A", false),
    ("mA", "mA", false),
    ("kA", "kA", false),
    ("µA", "µA", false),
    ("W", "W", false),
    ("mW", "mW", false),
    ("kW", "kW", false),
    ("MW", "MW", false),
    ("Wh", "Wh", false),
    ("kWh", "kWh", false),
    ("MWh", "MWh", false),
    ("VA", "VA", false),
    ("kVA", "kVA", false),
    ("MVA", "MVA", false),
    ("var", "var", false),
    ("kvar", "kvar", false),
    ("Ah", "Ah", false),
    ("mAh", "mAh", false),
    ("Ω", "Ω", false),
    ("mΩ", "mΩ", false),
    ("kΩ", "kΩ", false),
    ("MΩ", "MΩ", false),
    ("GΩ", "GΩ", false),
    ("ohm", "Ω", true),
    ("ohms", "Ω", true),
    ("kohm", "kΩ", false),
    ("kohms", "kΩ", false),
    ("Mohm", "MΩ", false),
    ("Mohms", "MΩ", false),
    ("megohm", "MΩ", true),
    ("megohms", "MΩ", true),
    ("mégohm", "MΩ", true),
    ("mégohms", "MΩ", true),
    ("Hz", "Hz", false),
    ("kHz", "kHz", false),
    ("MHz", "MHz", false),
    ("µF", "µF", false),
    ("nF", "nF", false),
    ("pF", "pF", false),
    ("dB", "dB", false),
    ("dB(A)", "dB(A)", false),
    ("dBA", "dB(A)", false),
    ("m", "m", false),
    ("mm", "mm", false),
    ("cm", "cm", false),
    ("dm", "dm", false),
    ("km", "km", false),
    ("µm", "µm", false),
    ("μm", "µm", false),
    ("ft", "ft", false),
    ("inch", "in", true),
    ("inches", "in", true),
    ("mg", "mg", false),
    ("g", "g", false),
    ("kg", "kg", false),
    ("t", "t", false),
    ("lb", "lb", false),
    ("lbs", "lb", false),
    ("L", "L", false),
    ("l", "L", false),
    ("mL", "mL", false),
    ("ml", "mL", false),
    ("cl", "cL", false),
    ("cL", "cL", false),
    ("dl", "dL", false),
    ("dL", "dL", false),
    ("hl", "hL", false),
    ("hL", "hL", false),
    ("litre", "L", true),
    ("litres", "L", true),
    ("liter", "L", true),
    ("liters", "L", true),
    ("gal", "gal", false),
    ("N", "N", false),
    ("kN", "kN", false),
    ("daN", "daN", false),
    ("MN", "MN", false),
    ("kgf", "kgf", false),
    ("lbf", "lbf", false),
    ("Nm", "N·m", false),
    ("daNm", "daN·m", false),
    ("kNm", "kN·m", false),
    ("rpm", "rpm", true),
    ("tr/min", "tr/min", true),
    ("tr/mn", "tr/min", true),
    ("t/min", "tr/min", false),
    ("tours/min", "tr/min", true),
    ("min-1", "min⁻¹", false),
    ("min⁻¹", "min⁻¹", false),
    ("rps", "rps", false),
    ("s", "s", false),
    ("ms", "ms", false),
    ("µs", "µs", false),
    ("sec", "s", true),
    ("secs", "s", true),
    ("second", "s", true),
    ("seconds", "s", true),
    ("seconde", "s", true),
    ("secondes", "s", true),
    ("min", "min", true),
    ("mn", "min", false),
    ("mins", "min", true),
    ("minute", "min", true),
    ("minutes", "min", true),
    ("h", "h", false),
    ("hr", "h", true),
    ("hrs", "h", true),
    ("hour", "h", true),
    ("hours", "h", true),
    ("heure", "h", true),
    ("heures", "h", true),
    ("%", "%", false),
    ("ppm", "ppm", true),
    ("ppb", "ppb", true),
    ("‰", "‰", false),
    ("mg KOH/g", "mg KOH/g", false),
    ("mgKOH/g", "mg KOH/g", false),
    ("µS", "µS", false),
    ("μS", "µS", false),
    ("uS", "µS", false),
    ("mS", "mS", false),
    ("lx", "lx", false),
    ("lux", "lx", true),
    ("cSt", "cSt", false),
    ("NTU", "NTU", false),
    ("J", "J", false),
    ("kJ", "kJ", false),
];

/// Units that may be raised to a power (`m³`, `cm2`).
const LENGTHS: &[&str] = &["m", "mm", "cm", "dm", "km", "ft"];
/// Products written with a dot, a middle dot, a star or a hyphen: `N·m`, `N.m`, `lbf-ft`.
const PRODUCT_LEFT: &[&str] = &["N", "daN", "kN", "lbf", "lb", "ft", "kgf", "kW", "A", "V", "W"];
const PRODUCT_RIGHT: &[&str] = &["m", "ft", "lb", "lbf", "h"];
const VOLTAGES: &[&str] = &["V", "mV", "kV", "A", "mA"];

/// A unit as written, as Gamme writes it, and whether any case is allowed.
type Atom = (&'static str, &'static str, bool);

/// The atoms by their first letter (lowercased), longest first.
static ATOMS_BY_FIRST: LazyLock<std::collections::HashMap<char, Vec<Atom>>> = LazyLock::new(|| {
    let mut atoms = ATOMS.to_vec();
    atoms.sort_by_key(|(written, _, _)| std::cmp::Reverse(written.len()));
    let mut by_first: std::collections::HashMap<char, Vec<Atom>> = std::collections::HashMap::new();
    for atom in atoms {
        let first = atom.0.chars().next().unwrap_or(' ');
        by_first.entry(first.to_lowercase().next().unwrap_or(first)).or_default().push(atom);
    }
    by_first
});

fn same_letters(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| x.to_lowercase().eq(y.to_lowercase()))
}

fn atom_at(text: &str, at: usize) -> Option<(&'static str, usize)> {
    let rest = &text[at..];
    let first = rest.chars().next()?;
    let candidates = ATOMS_BY_FIRST.get(&first.to_lowercase().next().unwrap_or(first))?;
    candidates.iter().find_map(|&(written, canonical, any_case)| {
        let head = rest.get(..written.len())?;
        let same = if any_case { same_letters(head, written) } else { head == written };
        same.then_some((canonical, at + written.len()))
    })
}

fn ends_word(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | '_')))
}

/// The unit written at `at` (after at most two spaces), as Gamme writes it, and where it ends.
pub fn unit_at(text: &str, at: usize) -> Option<(String, usize)> {
    let mut p = at;
    for c in text[at..].chars().take(2) {
        if is_thin_space(c) {
            p += c.len_utf8();
        } else {
            break;
        }
    }
    // `in` is an inch only where it cannot be the preposition: `.188 in.`, `2 in to 3 in`.
    static INCH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:inch(?:es)?\b|in\.|in\b(?:\s*(?:[,;)/]|to\b|and\b|or\b|max|min)|\s*$))").expect("inch regex")
    });
    if let Some(m) = INCH.find(&text[p..]) {
        let written = m.as_str();
        let len = if written.starts_with("inch") { written.len() } else { 2 + usize::from(written.starts_with("in.")) };
        return Some(("in".to_owned(), p + len));
    }
    let (unit, end) = compound_at(text, p)?;
    // `V DC`, `VAC`, `V c.c.` are volts.
    if VOLTAGES.contains(&unit.as_str()) {
        static CURRENT_KIND: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\s?(?:DC|AC|CC|CA|dc|ac|c\.c\.|c\.a\.)").expect("current kind regex"));
        if let Some(m) = CURRENT_KIND.find(&text[end..]) {
            let after = end + m.end();
            if ends_word(text, after) {
                return Some((unit, after));
            }
        }
    }
    // `kWc`, `mmx`: no unit; a shorter atom would be cut from a word too.
    (ends_word(text, end) || unit.ends_with(')')).then_some((unit, end))
}

fn compound_at(text: &str, at: usize) -> Option<(String, usize)> {
    let (first, mut end) = atom_at(text, at)?;
    let mut unit = first.to_owned();
    let mut last = first;
    end = power(text, end, last, &mut unit);
    while let Some(sep) = text[end..].chars().next() {
        let next = end + sep.len_utf8();
        let joined = match sep {
            '/' => atom_at(text, next).map(|(a, e)| (a, e, '/')),
            '·' | '.' | '*' | '-' | '⋅' if PRODUCT_LEFT.contains(&last) => {
                atom_at(text, next).filter(|(a, _)| PRODUCT_RIGHT.contains(a)).map(|(a, e)| (a, e, '·'))
            }
            _ => None,
        };
        let Some((atom, atom_end, joint)) = joined else { break };
        unit.push(joint);
        unit.push_str(atom);
        last = atom;
        end = power(text, atom_end, last, &mut unit);
    }
    Some((unit, end))
}

fn power(text: &str, at: usize, atom: &str, unit: &mut String) -> usize {
    let rest = &text[at..];
    if LENGTHS.contains(&atom) {
        for (written, sup) in [("²", '²'), ("³", '³'), ("^2", '²'), ("^3", '³'), ("2", '²'), ("3", '³')] {
            if rest.starts_with(written) && ends_word_or_slash(text, at + written.len()) {
                unit.push(sup);
                return at + written.len();
            }
        }
    }
    at
}

fn ends_word_or_slash(text: &str, at: usize) -> bool {
    ends_word(text, at) || text[at..].starts_with('/')
}

// ---- limits -------------------------------------------------------------------------------

/// A limit: a range, a bound, or a target (min = max).
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: String,
    pub start: usize,
    pub end: usize,
    /// A value given after a label ("Check the belt speed: 1 450 rpm"): where the step states
    /// a bound as well, that bound is the limit and this value only describes.
    pub labelled: bool,
}

/// What the sentence is, which decides whether a bare value can be a target.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub decimal: Decimal,
    /// The sentence is an instruction (starts with a verb, or a label then a verb).
    pub imperative: bool,
    /// The first sentence of a list item (a checklist line such as "Wheel nuts: 180 N·m").
    pub first_of_item: bool,
    /// A row of a table of checks or settings: its first value is a target.
    pub check_row: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The limit is a minimum.
    Lower,
    /// The limit is a maximum.
    Upper,
}

impl Side {
    fn flip(self) -> Side {
        match self {
            Side::Lower => Side::Upper,
            Side::Upper => Side::Lower,
        }
    }
}

/// A bound phrase: its side as a requirement ("at least" is a minimum), and whether it compares
/// (a comparison in a condition names the bad side: "replace if deeper than 0.1 mm").
struct Phrase {
    text: String,
    side: Side,
    comparative: bool,
}

fn phrases() -> Vec<Phrase> {
    use Side::{Lower, Upper};
    // Requirements: they say what is allowed, even after "if" or "stop".
    let requirements = [
        ("at most", Upper),
        ("at the most", Upper),
        ("no more than", Upper),
        ("not more than", Upper),
        ("not exceeding", Upper),
        ("not to exceed", Upper),
        ("no greater than", Upper),
        ("not greater than", Upper),
        ("no higher than", Upper),
        ("not higher than", Upper),
        ("no longer than", Upper),
        ("not longer than", Upper),
        ("no larger than", Upper),
        ("no bigger than", Upper),
        ("not above", Upper),
        ("not over", Upper),
        ("within", Upper),
        ("limited to", Upper),
        ("restricted to", Upper),
        ("limité à", Upper),
        ("limitée à", Upper),
        ("limités à", Upper),
        ("limitées à", Upper),
        ("maximum", Upper),
        ("maxi", Upper),
        ("max.", Upper),
        ("max", Upper),
        ("at least", Lower),
        ("no less than", Lower),
        ("not less than", Lower),
        ("no lower than", Lower),
        ("not lower than", Lower),
        ("no shorter than", Lower),
        ("no fewer than", Lower),
        ("not below", Lower),
        ("not under", Lower),
        ("minimum", Lower),
        ("mini", Lower),
        ("min.", Lower),
        ("min", Lower),
        ("au plus", Upper),
        ("au maximum", Upper),
        ("pas plus de", Upper),
        ("pas plus d'", Upper),
        ("n'excédant pas", Upper),
        ("au moins", Lower),
        ("au minimum", Lower),
        ("pas moins de", Lower),
        ("pas moins d'", Lower),
    ];
    // Comparisons.
    let comparisons = [
        ("less than", Upper),
        ("lower than", Upper),
        ("smaller than", Upper),
        ("shorter than", Upper),
        ("thinner than", Upper),
        ("fewer than", Upper),
        ("below", Upper),
        ("under", Upper),
        ("≤", Upper),
        ("⩽", Upper),
        ("<=", Upper),
        ("=<", Upper),
        ("<", Upper),
        ("more than", Lower),
        ("greater than", Lower),
        ("higher than", Lower),
        ("larger than", Lower),
        ("longer than", Lower),
        ("deeper than", Lower),
        ("thicker than", Lower),
        ("wider than", Lower),
        ("bigger than", Lower),
        ("hotter than", Lower),
        ("above", Lower),
        ("over", Lower),
        ("exceeds", Lower),
        ("exceed", Lower),
        ("exceeding", Lower),
        ("exceeded", Lower),
        ("reaches", Lower),
        ("reach", Lower),
        ("reached", Lower),
        ("≥", Lower),
        ("⩾", Lower),
        (">=", Lower),
        ("=>", Lower),
        (">", Lower),
        ("moins de", Upper),
        ("moins d'", Upper),
        ("en dessous de", Upper),
        ("descend sous", Upper),
        ("descendue sous", Upper),
        ("descendre sous", Upper),
        ("tombe sous", Upper),
        ("tombée sous", Upper),
        ("passe sous", Upper),
        ("chute sous", Upper),
        ("en-dessous de", Upper),
        ("au-dessous de", Upper),
        ("plus de", Lower),
        ("plus d'", Lower),
        ("au-dessus de", Lower),
        ("au-delà de", Lower),
        ("au delà de", Lower),
        ("dépasse", Lower),
        ("dépasser", Lower),
        ("dépassant", Lower),
        ("dépassent", Lower),
        ("excède", Lower),
        ("excéder", Lower),
        ("atteint", Lower),
        ("atteindre", Lower),
        ("atteignent", Lower),
    ];
    let mut list: Vec<Phrase> = requirements
        .iter()
        .map(|&(t, side)| Phrase { text: t.to_owned(), side, comparative: false })
        .chain(comparisons.iter().map(|&(t, side)| Phrase { text: t.to_owned(), side, comparative: true }))
        .collect();
    for (stem, side) in [("inférieur", Upper), ("supérieur", Lower)] {
        for ending in ["", "e", "s", "es"] {
            for text in [format!("{stem}{ending} ou égal{ending} à"), format!("{stem}{ending} à")] {
                list.push(Phrase { text, side, comparative: true });
            }
        }
    }
    for (stem, side) in [("maxim", Upper), ("minim", Lower)] {
        for ending in ["al", "ale", "ales", "aux"] {
            list.push(Phrase { text: format!("{stem}{ending}"), side, comparative: false });
        }
    }
    list.sort_by_key(|p| std::cmp::Reverse(p.text.len()));
    list
}

static PHRASES: LazyLock<Vec<Phrase>> = LazyLock::new(phrases);

static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = PHRASES.iter().map(|p| regex::escape(&p.text)).collect();
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}])(?P<p>{})(?:\s|:|=|\bof\b|\bde\b|\bd['’]|\bà\b|\bégale?s?\b|\bequal\b|\bto\b|\.{{2,}}|…)*[+]?$",
        alternatives.join("|")
    ))
    .expect("bound phrase regex")
});

/// `Maximum runout: 0.005 mm`, `valeur maximale admissible 7,8 A`, `épaisseur minimale 6 mm`.
static ADJECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^\p{L}])(?P<w>max(?:imum|imale?s?|imaux|i)?\.?|min(?:imum|imale?s?|imaux|i)?\.?)(?:[\s\-]+[\p{L}'’]+){0,4}\s*(?::|=|\.{2,}|…)?\s*$",
    )
    .expect("adjective regex")
});

static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:\s+(?:de|d['’]|of)\s*\p{L}+)?\s*(?P<p>au maximum|au minimum|au plus|au moins|at most|at the most|at least|or less|or lower|or below|or more|or higher|or above|ou moins|ou plus|et plus|maximum|minimum|maxi|mini|max\.?|min\.?)(?:[^\p{L}]|$)",
    )
    .expect("post-bound regex")
});

/// `une flèche de 10 mm est encore tolérée`, `5 bar is acceptable`.
static ACCEPTED_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:(?:is|are|est|sont)\s+(?:still\s+|encore\s+|also\s+)?)(?:tolerated|acceptable|allowed|permitted|permissible|admissible|tolérée?s?|admise?s?|acceptables?|autorisée?s?)\b")
        .expect("acceptance regex")
});

/// `with 5 g of grease each, not more`: a bound at the end of the clause, about its last value.
static CLAUSE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[^.;:]*?,\s*(?P<p>not more|no more|pas plus|pas davantage|at most|au plus|maximum|not less|no less|pas moins|at least|au moins|minimum)\s*[.;!]?\s*$")
        .expect("clause-end bound regex")
});

/// `ne doit pas excéder la valeur de plaque (12,4 A)`: the value in brackets after a noun.
static BEFORE_BRACKETED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\p{L}])(?P<p>exceed|exceeds|dépasser|dépasse|excéder|excède|atteindre|atteint|reach|reaches|be below|be above|fall below|drop below)(?:\s+[\p{L}'’\-]+){1,10}\s*\(\s*$")
        .expect("bracketed bound regex")
});

/// "Product too wet (> 12 % moisture)" names the bad side.
static TOO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:too|trop)\s+[\p{L}'’\-]+\s*\(?\s*$").expect("too regex"));

/// "jusqu'à ce que la pression atteigne 1,5 bar", "until it reaches 2 bar": a target.
static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:until|till|jusqu['’]à ce qu['’]?e?)\b[^,;:]*\b(?:reaches|reach|reads|shows|is|atteigne|atteignent|atteint|indique|soit)\s*$")
        .expect("until regex")
});

/// "Do not overtighten: the thread strips above 20 Nm" names the bad side.
static WARNED_OFF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:do not|don't|never|avoid|ne pas|ne jamais|éviter|évitez)\b[^:]*:")
        .expect("warned-off regex")
});

static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:not|never|no|cannot|without|nor|pas|jamais|sans|ni|ne|aucune?)\b|n['’]t\b|\bn['’]")
        .expect("negation regex")
});

static CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:if|when|whenever|as soon as|in case|si|s['’]ils?|lorsque|lorsqu['’]|quand|dès que|dès qu['’]|en cas d['’]|en cas de|au cas où)\b")
        .expect("condition regex")
});

static ONLY_IF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:only if|only when|seulement si|uniquement si)\b").expect("only-if regex"));

/// A limit the sentence names by its bad side: "chips larger than 1 mm indicate damage".
static BAD_SIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[^;:]*?\b(?:indicates?|indicating|means?|signal(?:s|e|ent)?|(?:must|should|shall) be (?:replaced|reported|rejected|changed|renewed|scrapped|repaired)|(?:is|are) (?:not (?:allowed|acceptable|permitted)|faulty|defective)|doi(?:t|vent) être (?:remplacée?s?|changée?s?|signalée?s?|rebutée?s?)|interdi(?:t|sent)|impos(?:e|ent)|n['’]est pas (?:admise?|acceptable|autorisée?))\b",
    )
    .expect("bad-side regex")
});

/// A clause that orders to stop or replace names the bad side: "arrêter la presse au-dessus de 60 °C".
static REJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:stop|replace|reject|discard|arrêter|arrêtez|interrompre|remplacer|remplacez|changer|rebuter)\b",
    )
    .expect("reject regex")
});

static TRIGGER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:after|après|following|à la suite d)\b").expect("trigger regex"));

static SCOPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}\s*\(\s*$").expect("scope regex"));

static APPROXIMATE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\babout|\bapproximately|\bapprox\.?|\baround|\broughly|\bcirca|\bca\.|\benv\.|\benviron|~|≈|\bnearly|\balmost|\bsome|\bpresque|\bprès de|\bautour de|\bde l['’]ordre de|\baux alentours de)\s*$")
        .expect("approximation regex")
});
static APPROXIMATE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:environ|approximately|approx\.?|or so|env\.)").expect("approximation regex")
});

static SCHEDULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:every|each|per|toutes les|tous les|chaque|par|after|après|au bout de|following)\s+(?:[\p{L}'’]+\s+){0,2}$")
        .expect("schedule regex")
});

static RATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:rated|rating|nominal|nominale|nominaux|design|nameplate|plaque|assignée?|calcul|breaking|burst|rupture|éclatement)\b(?:\s+[\p{L}'’\-]+){0,3}\s*[:=]?\s*$")
        .expect("rating regex")
});

/// `Reservoir capacity: 40 gal`, `Puissance moteur : 7,5 kW`: a property of the equipment.
static PROPERTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:capacity|capacité|power|puissance|weight|poids|mass|masse|size|taille|dimensions?)(?:\s+[\p{L}'’\-]+){0,2}\s*[:=]\s*$")
        .expect("property regex")
});

static ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\s)(?:a|an|the|un|une|le|la|les|des|each|every|chaque|this|that|these|its|their|ce|cette|ces|son|sa|ses)\s+$")
        .expect("article regex")
});

static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s+(?:of|de|d['’]|du|des)\b").expect("amount regex"));

static ENUMERATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:,|;|/|\bpuis\b|\bthen\b|\bet\b|\band\b|\bor\b|\bou\b)\s*$").expect("enumeration regex")
});

/// Words that name a quantity: "torque 6 N·m", "au couple de 60 N·m", "pressure of 10 bar".
static QUANTITY_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:torque|couple|pressure|pression|temperature|température|voltage|tension|current|courant|intensité|speed|vitesse|régime|flow|débit|gap|jeu|clearance|entrefer|cote|dimension|force|effort|time|durée|temps|frequency|fréquence|resistance|résistance|setting|réglage|consigne|setpoint|value|valeur|stick-out|flèche|deflection|sag|play|runout|faux-rond|stroke|course|thickness|épaisseur)(?:\s+(?:de|d['’]|du|des|of|à)\s*[\p{L}'’\-]+(?:\s+[\p{L}'’\-]+)?)?\s*(?:of|de|d['’]|du|:)?\s*$",
    )
    .expect("quantity noun regex")
});

/// `: 6 bar`, `= 20 min`, `soit 10 bar`, `...... 280 bar`.
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?::|=|\bsoit|\.{2,}|…)\s*\+?\s*$").expect("label regex"));

static PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bto|\bat|\bà|\bau|\bjusqu['’]à|\bup to|\bis|\bare|\best|\bsont|\breads?|\bindique|\baffiche|\bshows?|\bby (?:a further|another|an additional)|\bd['’]un angle de)\s*$")
        .expect("preposition regex")
});

/// `at 1 minute`, `à 10 min`: when to read, not how long.
static AT_TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:\bat|\bà|\bau bout de)\s*$").expect("time point regex"));

/// `with the engine at 1,800 rpm`, `avec la pompe à …`: the state the check is made in.
static WITH_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:with|avec|under|sous|when|while|lorsque|quand)\b[^,;:]*\b(?:at|à|au)\s*$")
        .expect("with-at regex")
});

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bfor|\bpendant|\bdurant|\bduring|\bwait|\battendre|\battendez|\bpatienter|\ballow)\s*$")
        .expect("duration regex")
});

static TOLERANCE_WORD_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\btol[ée]rance\s*(?:of|de|:)?\s*$").expect("tolerance regex"));
static TOLERANCE_WORD_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:de\s+)?tol[ée]rance\b").expect("tolerance regex"));

/// Words after a value that keep it a value and not a modifier of a noun ("at 80 % load").
const FOLLOWERS: &[&str] = &[
    "between",
    "across",
    "through",
    "via",
    "against",
    "onto",
    "along",
    "around",
    "near",
    "for",
    "and",
    "or",
    "then",
    "in",
    "at",
    "to",
    "on",
    "with",
    "when",
    "before",
    "after",
    "per",
    "each",
    "until",
    "while",
    "from",
    "during",
    "is",
    "are",
    "must",
    "should",
    "as",
    "by",
    "into",
    "over",
    "under",
    "so",
    "if",
    "but",
    "than",
    "using",
    "crosswise",
    "cold",
    "hot",
    "avec",
    "et",
    "ou",
    "puis",
    "pour",
    "pendant",
    "en",
    "à",
    "au",
    "aux",
    "sur",
    "sous",
    "par",
    "avant",
    "après",
    "jusqu",
    "dans",
    "lorsque",
    "si",
    "sans",
    "de",
    "du",
    "des",
    "environ",
    "afin",
    "selon",
    "entre",
    "max",
    "maximum",
    "min",
    "minimum",
    "maxi",
    "mini",
];

const TIME_UNITS: &[&str] = &["s", "ms", "min", "h"];

fn compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

#[derive(Debug, Clone)]
struct Found {
    min: Option<f64>,
    max: Option<f64>,
    unit: Option<String>,
    start: usize,
    end: usize,
}

/// A sentence longer than this (text without full stops, as some PDFs give) is read in pieces
/// cut at a clause, so that the work per value stays bounded.
const LONGEST_SENTENCE: usize = 800;

/// The limits `sentence` states, in order of position.
pub fn limits(sentence: &str, ctx: Context) -> Vec<Limit> {
    if sentence.len() <= LONGEST_SENTENCE {
        return limits_in(sentence, ctx);
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < sentence.len() {
        let mut end = (start + LONGEST_SENTENCE).min(sentence.len());
        while !sentence.is_char_boundary(end) {
            end -= 1;
        }
        if end < sentence.len() {
            let piece = &sentence[start..end];
            let cut = piece.rfind("; ").or_else(|| piece.rfind(", ")).or_else(|| piece.rfind(' '));
            if let Some(cut) = cut.filter(|c| *c > 0) {
                end = start + cut + 1;
            }
        }
        out.extend(limits_in(&sentence[start..end], ctx).into_iter().map(|mut l| {
            l.start += start;
            l.end += start;
            l
        }));
        start = end;
    }
    out
}

fn limits_in(sentence: &str, ctx: Context) -> Vec<Limit> {
    let mut qs = quantities(sentence, ctx.decimal);
    give_ph(sentence, &mut qs);
    give_blank_unit(sentence, &mut qs);
    let n = qs.len();
    let mut used = vec![false; n];
    let mut found: Vec<Found> = Vec::new();

    // Ranges: `45–55 N·m`, `de 26 à 30 bar`, `between 0.05 and 0.15 mm`.
    static GAP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:-|–|—|−|~|…|\.\.\.|to|à|through|and|et)\s*$").expect("range gap regex")
    });
    static BETWEEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b(?:between|entre)\s*$").expect("between regex"));
    for i in 0..n.saturating_sub(1) {
        let (a, b) = (&qs[i], &qs[i + 1]);
        if used[i] || used[i + 1] || b.unit.is_none() || !compatible(a.unit.as_deref(), b.unit.as_deref()) {
            continue;
        }
        let gap = &sentence[a.end..b.start];
        let Some(m) = GAP.find(gap) else { continue };
        let word = m.as_str().trim().to_lowercase();
        if (word == "and" || word == "et") && !BETWEEN.is_match(&sentence[..a.start]) {
            continue;
        }
        if sentence[b.end..].trim_start().starts_with("près") {
            continue;
        }
        used[i] = true;
        used[i + 1] = true;
        found.push(Found {
            min: Some(a.value.min(b.value)),
            max: Some(a.value.max(b.value)),
            unit: b.unit.clone(),
            start: a.start,
            end: b.end,
        });
    }

    // Tolerances: `8.5 ± 0.5 mm`, `52 Ω +/- 10 %`, `134 °C (+3/-0 °C)`, `0,2 mm de tolérance`.
    for t in 0..n {
        if used[t] {
            continue;
        }
        let before = sentence[..qs[t].digits].trim_end();
        let plus_minus = ["±", "+/-", "+/−", "+/–", "+-", "+ / -", "+ /-", "+/ -"].iter().any(|p| before.ends_with(p));
        let worded = TOLERANCE_WORD_BEFORE.is_match(&sentence[..qs[t].start])
            || TOLERANCE_WORD_AFTER.is_match(&sentence[qs[t].end..])
            || (sentence[..qs[t].start].trim_end().ends_with(" à")
                && sentence[qs[t].end..].trim_start().starts_with("près"));
        if !plus_minus && !worded {
            continue;
        }
        let tolerance = qs[t].value.abs();
        let nominal = (0..t).rev().find(|&a| !used[a]).filter(|&a| {
            let between = &sentence[qs[a].end..qs[t].start];
            between.chars().count() <= 60
                && !between.contains(['.', ';'])
                && compatible(qs[a].unit.as_deref(), qs[t].unit.as_deref())
                || qs[t].unit.as_deref() == Some("%") && between.chars().count() <= 60 && !between.contains(['.', ';'])
        });
        match nominal {
            Some(a) => {
                let q = &qs[a];
                let delta = if qs[t].unit.as_deref() == Some("%") && q.unit.as_deref() != Some("%") {
                    q.value * tolerance / 100.0
                } else {
                    tolerance
                };
                let unit = q.unit.clone().or_else(|| qs[t].unit.clone());
                used[a] = true;
                used[t] = true;
                found.push(Found {
                    min: Some(q.value - delta),
                    max: Some(q.value + delta),
                    unit,
                    start: q.start,
                    end: qs[t].end,
                });
            }
            None if plus_minus && qs[t].unit.is_some() => {
                used[t] = true;
                found.push(Found {
                    min: Some(-tolerance),
                    max: Some(tolerance),
                    unit: qs[t].unit.clone(),
                    start: qs[t].start,
                    end: qs[t].end,
                });
            }
            None if worded && qs[t].unit.is_some() => {
                used[t] = true;
                found.push(Found {
                    min: None,
                    max: Some(tolerance),
                    unit: qs[t].unit.clone(),
                    start: qs[t].start,
                    end: qs[t].end,
                });
            }
            None => {}
        }
    }
    // Asymmetric: `134 °C (+3/-0 °C)`, `50 +0.1/-0.05 mm`.
    for a in 0..n.saturating_sub(2) {
        if used[a] || used[a + 1] || used[a + 2] {
            continue;
        }
        let (x, y) = (&qs[a + 1], &qs[a + 2]);
        let to_x = &sentence[qs[a].end..x.start];
        let to_y = sentence[x.end..y.digits].trim_end();
        let minus = to_y.ends_with(['-', '−', '–']);
        let to_y = to_y.trim_end_matches(['-', '−', '–']).trim();
        if !sentence[x.start..].starts_with('+') || !minus {
            continue;
        }
        if !to_x.trim().trim_start_matches('(').trim().is_empty() || !matches!(to_y, "" | "/") {
            continue;
        }
        let percent = x.unit.as_deref().or(y.unit.as_deref()) == Some("%") && qs[a].unit.as_deref() != Some("%");
        let scale = |v: f64| if percent { qs[a].value * v / 100.0 } else { v };
        let unit = qs[a].unit.clone().or_else(|| x.unit.clone()).or_else(|| y.unit.clone());
        found.push(Found {
            min: Some(qs[a].value - scale(y.value.abs())),
            max: Some(qs[a].value + scale(x.value.abs())),
            unit,
            start: qs[a].start,
            end: y.end,
        });
        used[a] = true;
        used[a + 1] = true;
        used[a + 2] = true;
    }

    // Bounds in words or symbols.
    let mut bounded_without_unit = false;
    for i in 0..n {
        if used[i] {
            continue;
        }
        let q = &qs[i];
        let Some(b) = bound(sentence, q, &qs) else { continue };
        used[i] = true;
        if q.unit.is_none() {
            bounded_without_unit |= b.strong;
            continue;
        }
        if is_scope_or_trigger(sentence, &b, q) || RATING.is_match(&sentence[b.start..q.start]) {
            continue;
        }
        let (min, max) = match b.side {
            Side::Lower => (Some(q.value), None),
            Side::Upper => (None, Some(q.value)),
        };
        found.push(Found { min, max, unit: q.unit.clone(), start: b.start.min(q.start), end: q.end });
    }
    found.sort_by_key(|f| f.start);
    drop_conversions(sentence, &mut found, &qs, &used);
    let mut limits = merge_per_clause(sentence, found);

    // Targets: bare values the sentence sets. Beside a bound, a bare value is that check's
    // condition ("a force of 50 N must give 6 to 8 mm"), unless it is a labelled value of the
    // same quantity listed apart ("régime de ralenti 900 tr/min, régime maxi 2300 tr/min").
    let segment_of = |at: usize| sentence[..at].matches(", ").count() + sentence[..at].matches(';').count();
    let beside_bounds = !limits.is_empty() || bounded_without_unit;
    {
        let mut targets = Vec::new();
        for i in 0..n {
            if used[i] || qs[i].unit.is_none() {
                continue;
            }
            let Some(cue) = target(sentence, &qs, i, ctx) else { continue };
            let q = &qs[i];
            let unit = q.unit.clone().unwrap_or_default();
            if beside_bounds {
                let listed_apart = cue == Cue::Label
                    && !sentence[near(sentence, q.start)..q.start].contains('(')
                    && limits.iter().any(|l| l.unit == unit)
                    && limits.iter().all(|l| segment_of(l.start) != segment_of(q.start));
                // "circulate 1.5 to 2.0 % caustic at 75–80 °C for 20 minutes": parameters of one
                // step, not the conditions of a check that follows after a colon.
                let between = |l: &Limit| {
                    if l.end <= q.start {
                        &sentence[l.end..q.start]
                    } else {
                        &sentence[q.end..l.start.max(q.end)]
                    }
                };
                let explicit = match cue {
                    Cue::Held => DURATION.is_match(&sentence[..q.start]),
                    Cue::Set => !WITH_AT.is_match(&sentence[..q.start]),
                    Cue::Label => false,
                };
                let parameter = explicit
                    && !sentence[near(sentence, q.start)..q.start].contains('(')
                    && limits.iter().all(|l| l.unit != unit && !between(l).contains(':'));
                if !listed_apart && !parameter {
                    continue;
                }
            }
            targets.push(Limit {
                min: Some(q.value),
                max: Some(q.value),
                unit,
                start: q.start,
                end: q.end,
                labelled: cue == Cue::Label,
            });
            if ctx.check_row {
                break;
            }
        }
        // "loaded pressure 7.5 bar, unloaded 8.5 bar": a value in parallel with a target is one.
        static PARALLEL: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*[,;/]\s*[\p{L}'’\-]+(?:\s+[\p{L}'’\-]+)?\s*:?\s*$").expect("parallel regex")
        });
        let mut parallel = Vec::new();
        for t in targets.iter().chain(limits.iter().filter(|l| l.min != l.max)) {
            let Some(j) = qs.iter().position(|q| q.start >= t.end) else { continue };
            let q = &qs[j];
            let free = !used[j]
                && !targets.iter().any(|o| o.start == q.start)
                && !APPROXIMATE_AFTER.is_match(&sentence[q.end..]);
            if free
                && q.unit.as_deref() == Some(t.unit.as_str())
                && PARALLEL.is_match(&sentence[t.end..q.start])
                && !ctx.check_row
            {
                parallel.push(Limit {
                    min: Some(q.value),
                    max: Some(q.value),
                    unit: t.unit.clone(),
                    start: q.start,
                    end: q.end,
                    labelled: t.labelled,
                });
            }
        }
        targets.extend(parallel);
        limits.extend(targets);
        limits.sort_by_key(|l| l.start);
    }
    limits
}

/// `Engine idle speed: ______ rpm (750 ± 50)`: a form's blank names the unit of the values in
/// the brackets after it.
fn give_blank_unit(sentence: &str, qs: &mut [Quantity]) {
    static BLANK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"_{2,}\s*").expect("blank regex"));
    for m in BLANK.find_iter(sentence) {
        let Some((unit, end)) = unit_at(sentence, m.end()) else { continue };
        let rest = &sentence[end..];
        let Some(open) = rest.find('(').filter(|i| rest[..*i].trim().is_empty()) else { continue };
        let close = rest[open..].find(')').map_or(sentence.len(), |c| end + open + c);
        for q in qs.iter_mut().filter(|q| q.start > end + open && q.start < close && q.unit.is_none()) {
            q.unit = Some(unit.clone());
        }
    }
}

/// `pH 7.0 – 8.5`, `pH ≥ 6.5`: the unit stands before the numbers that follow it closely.
fn give_ph(sentence: &str, qs: &mut [Quantity]) {
    static PH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bpH\b").expect("pH regex"));
    for m in PH.find_iter(sentence) {
        let mut from = m.end();
        for q in qs.iter_mut().filter(|q| q.start >= m.end()) {
            if q.unit.is_some()
                || sentence[from..q.start].chars().count() > 40
                || sentence[from..q.start].contains([';', '.']) && !sentence[from..q.start].contains("..")
            {
                break;
            }
            q.unit = Some("pH".into());
            from = q.end;
        }
    }
}

struct Bound {
    side: Side,
    /// Where the phrase starts (the value itself for a phrase after it).
    start: usize,
    /// A symbol or "maximum"/"minimum": it bounds even a number without unit ("< 0,1").
    strong: bool,
    /// "longer than", "plus de" (not "at least", "au moins"): after "after …" it is a trigger.
    comparative: bool,
}

/// Where to start looking back from `end`: bound phrases, labels and cues stand close to their
/// value, and a bounded look keeps the work per value small.
fn near(text: &str, end: usize) -> usize {
    let mut start = end.saturating_sub(160);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// The bound phrase before or after `q`, if any, with its side in this sentence.
fn bound(sentence: &str, q: &Quantity, qs: &[Quantity]) -> Option<Bound> {
    let base = near(sentence, q.start);
    let before = &sentence[base..q.start];
    let in_a_unit = |at: usize| qs.iter().any(|o| o.number_end <= at && at < o.end);
    // A phrase right after another value is that value's ("250 l/min maximum à 6 bar").
    let after_a_value = |at: usize| qs.iter().any(|o| o.end <= at && sentence[o.end..at].trim().is_empty());
    let found = BEFORE
        .captures(before)
        .and_then(|c| c.name("p"))
        .filter(|m| !in_a_unit(base + m.start()) && !after_a_value(base + m.start()));
    let (mut side, start, negatable, comparative, text) = if let Some(m) = found {
        let text = m.as_str().to_lowercase();
        let phrase = PHRASES.iter().find(|p| p.text.to_lowercase() == text)?;
        let built_in = ["no ", "not ", "pas ", "n'"].iter().any(|n| text.starts_with(n));
        (phrase.side, base + m.start(), !built_in, phrase.comparative, text)
    } else if let Some(w) =
        ADJECTIVE.captures(before).and_then(|c| c.name("w")).filter(|w| !in_a_unit(base + w.start()))
    {
        let text = w.as_str().to_lowercase();
        let side = if text.starts_with("max") { Side::Upper } else { Side::Lower };
        (side, base + w.start(), false, false, text)
    } else if let Some(m) = BEFORE_BRACKETED
        .captures(before)
        .and_then(|c| c.name("p"))
        .filter(|_| sentence[q.end..].trim_start().starts_with(')'))
    {
        let text = m.as_str().to_lowercase();
        let side =
            if ["be below", "fall below", "drop below"].contains(&text.as_str()) { Side::Upper } else { Side::Lower };
        (side, base + m.start(), true, true, text)
    } else if let Some(p) = AFTER.captures(&sentence[q.end..]).and_then(|c| c.name("p")) {
        let text = p.as_str().to_lowercase();
        let upper = ["au maximum", "au plus", "at most", "at the most", "or less", "or lower", "or below", "ou moins"]
            .contains(&text.as_str())
            || text.starts_with("max");
        (if upper { Side::Upper } else { Side::Lower }, q.start, false, false, text)
    } else if ACCEPTED_AFTER.is_match(&sentence[q.end..]) {
        (Side::Upper, q.start, false, false, "acceptable".to_owned())
    } else if let Some(p) = CLAUSE_END
        .captures(&sentence[q.end..])
        .and_then(|c| c.name("p"))
        .filter(|_| qs.last().is_some_and(|last| last.start == q.start))
    {
        let text = p.as_str().to_lowercase();
        let upper = ["not more", "no more", "pas plus", "pas davantage", "at most", "au plus", "maximum"]
            .contains(&text.as_str());
        (if upper { Side::Upper } else { Side::Lower }, q.start, false, false, text)
    } else {
        return None;
    };
    let head = &sentence[near(sentence, start)..start];
    if comparative && UNTIL.is_match(before) {
        // Not a bound: the value the step brings it to.
        return None;
    }
    if negatable {
        let sub_clause = &head[head.rfind([',', ';', ':', '(', ')']).map_or(0, |i| i + 1)..];
        let words: Vec<&str> = sub_clause.split_whitespace().collect();
        if NEGATION.is_match(&words[words.len().saturating_sub(5)..].join(" ")) {
            side = side.flip();
        }
    }
    if comparative {
        let full_head = &sentence[..start];
        let clause = &full_head[full_head.rfind([',', ';', ':']).map_or(0, |i| i + 1)..];
        let in_condition = CONDITION.find_iter(head).last().is_some_and(|m| {
            !head[m.end()..].contains([',', ';', ':']) && !ONLY_IF.is_match(&head[m.start().saturating_sub(8)..m.end()])
        });
        let warned_off = WARNED_OFF.find(&sentence[..start]).is_some_and(|m| m.end() <= start);
        // "Below 1 bar, the boiler trips": a clause that opens with the bound is its condition.
        let opening = clause.trim().is_empty() && sentence[q.end..].trim_start().starts_with(',');
        let too = TOO.is_match(head);
        if in_condition
            || BAD_SIDE.is_match(&sentence[q.end..])
            || REJECT.is_match(clause)
            || warned_off
            || opening
            || too
        {
            side = side.flip();
        }
    }
    let strong = !text.chars().any(char::is_alphabetic) || text.starts_with("max") || text.starts_with("min");
    Some(Bound { side, start, strong, comparative })
}

/// "on hot lines (above 150 °C)" names which lines, "after any stop longer than 48 hours" when
/// to act: neither is a limit to check.
fn is_scope_or_trigger(sentence: &str, b: &Bound, q: &Quantity) -> bool {
    let head = &sentence[near(sentence, b.start)..b.start];
    let phrase = sentence[b.start..q.start].trim().to_lowercase();
    let spatial =
        ["above", "over", "below", "under", "au-dessus", "au-delà", "en dessous"].iter().any(|w| phrase.starts_with(w));
    if spatial && SCOPE.is_match(head) && sentence[q.end..].trim_start().starts_with(')') {
        return true;
    }
    let clause = &head[head.rfind([',', ';', ':']).map_or(0, |i| i + 1)..];
    b.comparative && TRIGGER.is_match(clause)
}

/// `60–70 N·m (44–52 lbf·ft)`, `8.5 bar / 125 psi`: the second one says the first in other units.
fn drop_conversions(sentence: &str, found: &mut Vec<Found>, qs: &[Quantity], used: &[bool]) {
    static OPENING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*[(/=\[]\s*$").expect("conversion regex"));
    let ends: Vec<(usize, Option<String>)> = found
        .iter()
        .map(|f| (f.end, f.unit.clone()))
        .chain(qs.iter().zip(used).filter(|(_, u)| !**u).map(|(q, _)| (q.end, q.unit.clone())))
        .collect();
    found.retain(|f| {
        !ends.iter().any(|(end, unit)| {
            *end <= f.start
                && OPENING.is_match(&sentence[*end..f.start])
                && unit.is_some()
                && unit.as_deref() != f.unit.as_deref()
        })
    });
}

/// One clause (up to a `;`) states one limit per unit: a minimum and a maximum make a range, a
/// range wins over a bound, the first bound over a later one.
fn merge_per_clause(sentence: &str, found: Vec<Found>) -> Vec<Limit> {
    let clause_of = |at: usize| sentence[..at].matches(';').count();
    let mut out: Vec<(usize, Limit)> = Vec::new();
    for f in found {
        let Some(unit) = f.unit.clone() else { continue };
        let clause = clause_of(f.start);
        // Two bounds of one unit far apart are about two things ("le faux-rond ne doit pas
        // dépasser 0,03 mm et la profondeur des rainures doit être d'au moins 0,8 mm").
        let same = out.iter().position(|(c, l)| {
            *c == clause && l.unit == unit && sentence.get(l.end..f.start).is_some_and(|gap| gap.chars().count() <= 30)
        });
        let limit = Limit { min: f.min, max: f.max, unit, start: f.start, end: f.end, labelled: false };
        match same {
            None => out.push((clause, limit)),
            Some(j) => {
                let existing = &mut out[j].1;
                let one_sided = |l: &Limit| l.min.is_none() != l.max.is_none();
                if one_sided(existing) && one_sided(&limit) && existing.min.is_none() != limit.min.is_none() {
                    let min = existing.min.or(limit.min);
                    let max = existing.max.or(limit.max);
                    if min <= max {
                        existing.min = min;
                        existing.max = max;
                        existing.end = existing.end.max(limit.end);
                    }
                } else if one_sided(existing) && !one_sided(&limit) {
                    *existing = limit;
                }
            }
        }
    }
    out.into_iter().map(|(_, l)| l).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// `: 6 bar`, `torque 6 N·m`, a value cell of a table.
    Label,
    /// `to 95 N·m`, `at 2,000 rpm`, `is 15 mm`.
    Set,
    /// `for 10 min`, `wait 15 minutes`.
    Held,
}

/// How the sentence sets a bare value, if it does: what a step tightens, sets or runs to or
/// at, how long it waits or holds, or the value given for a named quantity.
fn target(sentence: &str, qs: &[Quantity], i: usize, ctx: Context) -> Option<Cue> {
    is_target(sentence, qs, i, ctx).then(|| {
        let before = &sentence[near(sentence, qs[i].start)..qs[i].start];
        let unit = qs[i].unit.as_deref().unwrap_or_default();
        if TIME_UNITS.contains(&unit)
            && (DURATION.is_match(before) || !PREPOSITION.is_match(before) && !LABEL.is_match(before))
        {
            Cue::Held
        } else if PREPOSITION.is_match(before) && ctx.imperative {
            Cue::Set
        } else {
            Cue::Label
        }
    })
}

fn is_target(sentence: &str, qs: &[Quantity], i: usize, ctx: Context) -> bool {
    let q = &qs[i];
    let before = &sentence[near(sentence, q.start)..q.start];
    let after = &sentence[q.end..];
    let unit = q.unit.as_deref().unwrap_or_default();
    if APPROXIMATE_BEFORE.is_match(before) || APPROXIMATE_AFTER.is_match(after) || SCHEDULE.is_match(before) {
        return false;
    }
    if AMOUNT.is_match(after) || ARTICLE.is_match(before) {
        return false;
    }
    if !ctx.check_row && (RATING.is_match(before) || PROPERTY.is_match(before)) {
        return false;
    }
    // Part of a list of values: `50 % puis 100 %`, `à 20 m et 40 m`.
    let listed = |j: usize| qs.get(j).is_some_and(|o| o.unit == q.unit);
    if i > 0 && listed(i - 1) && ENUMERATION.is_match(&sentence[qs[i - 1].end..q.start])
        || listed(i + 1) && ENUMERATION.is_match(&sentence[q.end..qs[i + 1].start])
    {
        return false;
    }
    // A value right after another is its condition or its conversion: `1,28 kg/l à 30 °C`,
    // `8.5 bar / 125 psi`.
    static RIGHT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
                r"(?i)^\s*(?:max(?:imum|i)?\.?|min(?:imum|i)?\.?|au plus|au moins|at most|at least)?\s*(?:à|at|@|sous|under|/|\(|=|\[)?\s*$",
            )
            .expect("condition regex")
    });
    if i > 0 && RIGHT_AFTER.is_match(&sentence[qs[i - 1].end..q.start]) {
        return false;
    }
    // "at 80 % load", "a 100 mm test bead": the value describes the noun after it.
    let next_word: String =
        after.trim_start().chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
    let modifies_noun =
        after.starts_with(is_space) && !next_word.is_empty() && !FOLLOWERS.contains(&next_word.as_str());
    if modifies_noun && !ctx.check_row {
        return false;
    }
    let label = LABEL.is_match(before) || QUANTITY_NOUN.is_match(before);
    // "Apply 5 000 V", "Use 500 V": the instruction's verb sets the value right after it.
    let verb_first = ctx.imperative && q.start <= 40 && sentence[..q.start].split_whitespace().count() == 1;
    let time_point = TIME_UNITS.contains(&unit) && AT_TIME.is_match(before);
    let set = (PREPOSITION.is_match(before) || UNTIL.is_match(before) || verb_first) && !time_point;
    // A time in an instruction is how long to do it, unless it says when ("in 10 min").
    static NOT_HELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:\(|\bin|\ben|\bdans|\bwithin|\bsous|\bunder|\bby|\bd['’]ici|\bat|\bà|\bau bout de)\s*$")
            .expect("not-held regex")
    });
    let held =
        TIME_UNITS.contains(&unit) && (DURATION.is_match(before) || ctx.imperative && !NOT_HELD.is_match(before));
    label && (ctx.check_row || ctx.imperative || ctx.first_of_item)
        || set && ctx.imperative
        || held && (ctx.imperative || ctx.first_of_item)
}

/// The first limit of a text read as an instruction: min, max and unit.
pub fn first_limit(text: &str) -> Option<(Option<f64>, Option<f64>, String)> {
    let ctx = Context { decimal: Decimal::of(text), imperative: true, first_of_item: true, check_row: false };
    limits(text, ctx).into_iter().next().map(|l| (l.min, l.max, l.unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(s: &str) -> Vec<(Option<f64>, Option<f64>, String)> {
        read(s, Decimal::Point)
    }

    fn fr(s: &str) -> Vec<(Option<f64>, Option<f64>, String)> {
        read(s, Decimal::Comma)
    }

    fn read(s: &str, decimal: Decimal) -> Vec<(Option<f64>, Option<f64>, String)> {
        let ctx = Context { decimal, imperative: true, first_of_item: true, check_row: false };
        limits(s, ctx).into_iter().map(|l| (l.min, l.max, l.unit)).collect()
    }

    fn range(min: f64, max: f64, unit: &str) -> (Option<f64>, Option<f64>, String) {
        (Some(min), Some(max), unit.to_owned())
    }

    fn at_most(max: f64, unit: &str) -> (Option<f64>, Option<f64>, String) {
        (None, Some(max), unit.to_owned())
    }

    fn at_least(min: f64, unit: &str) -> (Option<f64>, Option<f64>, String) {
        (Some(min), None, unit.to_owned())
    }

    #[test]
    fn numbers_are_read_with_every_thousands_separator_and_decimal_mark() {
        let values = |s: &str, d: Decimal| quantities(s, d).iter().map(|q| q.value).collect::<Vec<_>>();
        assert_eq!(values("1,500 rpm and 2.5 bar", Decimal::Point), vec![1500.0, 2.5]);
        assert_eq!(
            values("2\u{202f}900 tr/min, 1\u{a0}450 tr/min, 12 000 h", Decimal::Comma),
            vec![2900.0, 1450.0, 12000.0]
        );
        assert_eq!(values("2,5 bar et 1.500 tr/min", Decimal::Comma), vec![2.5, 1500.0]);
        assert_eq!(values("0,050 mm", Decimal::Point), vec![0.05]);
        assert_eq!(values("-20 °C to +40 °C", Decimal::Point), vec![-20.0, 40.0]);
    }

    #[test]
    fn codes_dates_and_fractions_are_not_numbers() {
        let text = "P-200, PO4, M12, DSBC-50-200, 2023-02-01 ok, 14.06.2022, 1/4\", 6309-2Z, F101, R-410A";
        let with_units: Vec<Quantity> =
            quantities(text, Decimal::Point).into_iter().filter(|q| q.unit.is_some()).collect();
        assert!(with_units.is_empty(), "{with_units:?}");
    }

    #[test]
    fn compound_units_are_one_unit_in_gamme_notation() {
        let unit = |s: &str| unit_at(s, 0).map(|(u, _)| u);
        assert_eq!(unit("N.m"), Some("N·m".into()));
        assert_eq!(unit("Nm"), Some("N·m".into()));
        assert_eq!(unit("daN.m"), Some("daN·m".into()));
        assert_eq!(unit("m3/h"), Some("m³/h".into()));
        assert_eq!(unit("m³/h"), Some("m³/h".into()));
        assert_eq!(unit("kg/cm²"), Some("kg/cm²".into()));
        assert_eq!(unit("l/min"), Some("L/min".into()));
        assert_eq!(unit("mg KOH/g"), Some("mg KOH/g".into()));
        assert_eq!(unit("µS/cm"), Some("µS/cm".into()));
        assert_eq!(unit("kWh/m³"), Some("kWh/m³".into()));
        assert_eq!(unit("tr/min"), Some("tr/min".into()));
        assert_eq!(unit("minutes"), Some("min".into()));
        assert_eq!(unit("secondes"), Some("s".into()));
        assert_eq!(unit("V DC"), Some("V".into()));
        assert_eq!(unit("°f"), Some("°f".into()), "French degrees of hardness are not Fahrenheit");
        assert_eq!(unit("kWc"), None);
        assert_eq!(unit("l'huile"), None);
    }

    #[test]
    fn a_range_takes_dashes_words_and_between() {
        assert_eq!(en("Tighten the nut to 60–70 N·m (44–52 lbf·ft)."), vec![range(60.0, 70.0, "N·m")]);
        assert_eq!(en("It must be between 0.05 and 0.15 mm."), vec![range(0.05, 0.15, "mm")]);
        assert_eq!(en("from 9.5 to 10.5 bar"), vec![range(9.5, 10.5, "bar")]);
        assert_eq!(fr("la haute pression : de 26 à 30 bar"), vec![range(26.0, 30.0, "bar")]);
        assert_eq!(fr("comprise entre 7 et 9 bar"), vec![range(7.0, 9.0, "bar")]);
        assert_eq!(fr("poser les piquets à 20 m et 40 m"), vec![], "a list of two values is no range");
    }

    #[test]
    fn a_tolerance_becomes_a_range_around_its_nominal() {
        assert_eq!(en("Set the seal compression to 8.5 ± 0.5 mm."), vec![range(8.0, 9.0, "mm")]);
        assert_eq!(en("coil resistance: 52 Ω +/- 10 %"), vec![range(46.8, 57.2, "Ω")]);
        assert_eq!(en("must lift at 12 bar, with a tolerance of ± 3 %"), vec![range(11.64, 12.36, "bar")]);
        assert_eq!(fr("Température : 134 °C (+3/-0 °C)"), vec![range(134.0, 137.0, "°C")]);
        assert_eq!(fr("Régler la cote à 42,5 mm, 0,2 mm de tolérance"), vec![range(42.3, 42.7, "mm")]);
        assert_eq!(en("touch the pin within ± 0.5 mm"), vec![range(-0.5, 0.5, "mm")]);
    }

    #[test]
    fn bound_written_in_words_becomes_a_maximum() {
        assert_eq!(en("It must not exceed 10 bar (145 psi)."), vec![at_most(10.0, "bar")]);
        assert_eq!(en("no more than 42 A per phase"), vec![at_most(42.0, "A")]);
        assert_eq!(fr("ne doit pas dépasser 105 °C"), vec![at_most(105.0, "°C")]);
        assert_eq!(fr("0,05 mm au maximum"), vec![at_most(0.05, "mm")]);
        assert_eq!(fr("Intensité absorbée : 98 A maxi."), vec![at_most(98.0, "A")]);
        assert_eq!(fr("valeur maximale admissible 7,8 A"), vec![at_most(7.8, "A")]);
        assert_eq!(en("run it for no longer than 2 h"), vec![at_most(2.0, "h")]);
    }

    #[test]
    fn bound_written_in_words_becomes_a_minimum() {
        assert_eq!(en("Let it cool down for at least 20 minutes."), vec![at_least(20.0, "min")]);
        assert_eq!(en("not less than 120 m³/h"), vec![at_least(120.0, "m³/h")]);
        assert_eq!(fr("elle doit être supérieure ou égale à 2,10 V"), vec![at_least(2.1, "V")]);
        assert_eq!(fr("pas moins de 2 mm"), vec![at_least(2.0, "mm")]);
        assert_eq!(fr("elle ne doit pas être inférieure à 4 °C"), vec![at_least(4.0, "°C")]);
        assert_eq!(en("Do not discharge below 20 % state of charge."), vec![at_least(20.0, "%")]);
        assert_eq!(fr("en 2 minutes au moins"), vec![at_least(2.0, "min")]);
    }

    #[test]
    fn a_limit_named_by_its_bad_side_is_the_other_side() {
        assert_eq!(en("replace the sleeve if grooves are deeper than 0.1 mm"), vec![at_most(0.1, "mm")]);
        assert_eq!(en("If any value is below 1 MΩ, do not put the motor back"), vec![at_least(1.0, "MΩ")]);
        assert_eq!(en("chips larger than 1 mm indicate bearing damage"), vec![at_most(1.0, "mm")]);
        assert_eq!(fr("changer la cartouche si elle dépasse 0,35 bar"), vec![at_most(0.35, "bar")]);
        assert_eq!(fr("arrêter la presse au-dessus de 60 °C"), vec![at_most(60.0, "°C")]);
        assert_eq!(
            en("Stop the test as soon as the voltage drops below 420 V, and run it for no longer than 2 h."),
            vec![at_least(420.0, "V"), at_most(2.0, "h")]
        );
    }

    #[test]
    fn a_minimum_and_a_maximum_in_one_clause_make_a_range() {
        assert_eq!(en("at least 40 °C and no more than 60 °C"), vec![range(40.0, 60.0, "°C")]);
        assert_eq!(en("75–90 °C, never above 95 °C"), vec![range(75.0, 90.0, "°C")]);
    }

    #[test]
    fn a_target_a_step_sets_is_a_reading_with_equal_limits() {
        assert_eq!(en("Tighten the casing nuts crosswise to 95 N·m."), vec![range(95.0, 95.0, "N·m")]);
        assert_eq!(
            en("Run the spindle at 2,000 rpm for 10 min."),
            vec![range(2000.0, 2000.0, "rpm"), range(10.0, 10.0, "min")]
        );
        assert_eq!(fr("Laisser sonner pendant 30 s, puis refermer la vanne."), vec![range(30.0, 30.0, "s")]);
        assert_eq!(fr("le serrer au couple de 60 N·m"), vec![range(60.0, 60.0, "N·m")]);
        assert_eq!(en("Wheel nuts: 180 N·m, tighten in a cross pattern."), vec![range(180.0, 180.0, "N·m")]);
    }

    #[test]
    fn values_that_only_describe_are_no_limit() {
        assert_eq!(en("Disconnect the 400 V supply."), vec![]);
        assert_eq!(en("Carry out the discharge test at 80 % load."), vec![]);
        assert_eq!(en("Refill with 18 L of synthetic fluid."), vec![]);
        assert_eq!(fr("Remplir avec environ 12 litres d'huile."), vec![]);
        assert_eq!(en("Lubricate the bearings every 500 hours."), vec![]);
        assert_eq!(en("Stop the compressor and wait for the run-on (about 30 s)."), vec![]);
        assert_eq!(fr("Serrer en deux passes : 50 % puis 100 % du couple."), vec![]);
        assert_eq!(en("Run the test (design pressure 16 bar) for 30 minutes."), vec![range(30.0, 30.0, "min")]);
        assert_eq!(en("Re-check the torque on hot lines (above 150 °C)."), vec![]);
        assert_eq!(en("Run this program after any stop longer than 48 hours."), vec![]);
    }

    #[test]
    fn a_value_beside_the_limit_it_conditions_is_no_target() {
        assert_eq!(en("A force of 50 N at mid-span must give a deflection of 6 to 8 mm."), vec![range(6.0, 8.0, "mm")]);
        assert_eq!(fr("Mesurer la densité : 1,28 kg/l à 30 °C."), vec![range(1.28, 1.28, "kg/L")]);
    }

    #[test]
    fn inches_and_decimals_without_their_zero_are_read() {
        assert_eq!(en("Check the coupling gap: .125 in to .188 in."), vec![range(0.125, 0.188, "in")]);
        assert_eq!(en("Put 2 in the tray."), vec![], "the preposition is no inch");
    }

    #[test]
    fn a_bound_in_words_after_the_value_or_at_the_end_of_the_clause_counts() {
        assert_eq!(fr("Une flèche de 10 mm est encore tolérée."), vec![at_most(10.0, "mm")]);
        assert_eq!(en("Grease the bearings with 5 g of grease each, not more."), vec![at_most(5.0, "g")]);
        assert_eq!(en("Its set pressure is limited to 10 bar."), vec![at_most(10.0, "bar")]);
        assert_eq!(fr("ouvrir le capot après 5 minutes d'attente minimum"), vec![at_least(5.0, "min")]);
        assert_eq!(fr("L'intensité ne doit pas excéder la valeur de plaque (12,4 A)."), vec![at_most(12.4, "A")]);
        assert_eq!(fr("l'écart ne doit en aucun cas dépasser 0,5 mm"), vec![at_most(0.5, "mm")]);
    }

    #[test]
    fn a_clause_that_opens_with_a_bound_or_warns_off_names_the_bad_side() {
        assert_eq!(fr("en dessous de 1 bar, la chaudière se met en sécurité"), vec![at_least(1.0, "bar")]);
        assert_eq!(en("Do not overtighten: the thread strips above 20 Nm."), vec![at_most(20.0, "N·m")]);
        assert_eq!(en("Product too wet (> 12 % moisture)"), vec![at_most(12.0, "%")]);
        assert_eq!(fr("En cas d'échauffement (huile à plus de 60 °C), arrêter."), vec![at_most(60.0, "°C")]);
    }

    #[test]
    fn until_it_reaches_is_a_target_and_a_form_blank_gives_its_unit() {
        assert_eq!(fr("Remplir jusqu'à ce que la pression atteigne 1,5 bar."), vec![range(1.5, 1.5, "bar")]);
        assert_eq!(en("Engine idle speed: ______ rpm (750 ± 50)"), vec![range(700.0, 800.0, "rpm")]);
        assert_eq!(fr("X2:1 : 230 V (+10 % / –15 %)"), vec![range(195.5, 253.0, "V")]);
    }

    #[test]
    fn two_bounds_of_one_unit_far_apart_are_two_readings() {
        assert_eq!(
            fr("le faux-rond ne doit pas dépasser 0,03 mm et la profondeur des rainures doit être d'au moins 0,8 mm"),
            vec![at_most(0.03, "mm"), at_least(0.8, "mm")]
        );
        assert_eq!(
            fr("régime de ralenti 900tr/min, régime maxi 2300tr/min"),
            vec![range(900.0, 900.0, "tr/min"), at_most(2300.0, "tr/min")]
        );
    }

    #[test]
    fn a_time_in_an_instruction_is_how_long_to_do_it() {
        assert_eq!(fr("Laisser tourner le ventilateur 15 min, puis contrôler."), vec![range(15.0, 15.0, "min")]);
        assert_eq!(en("Record the hour meter (1 250 h)."), vec![]);
        assert_eq!(en("Stop the pump in 10 s."), vec![]);
    }

    #[test]
    fn an_en_dash_before_a_number_is_a_minus_sign_but_between_numbers_a_range() {
        assert_eq!(fr("elle doit être comprise entre –22 °C et –18 °C"), vec![range(-22.0, -18.0, "°C")]);
        assert_eq!(fr("Pression avant membranes 10 – 14 bar"), vec![range(10.0, 14.0, "bar")]);
    }

    #[test]
    fn the_parameters_of_one_step_beside_its_range_are_targets_but_a_check_condition_is_not() {
        assert_eq!(
            en("Circulate 1.5 to 2.0 % caustic at 75–80 °C for 20 minutes."),
            vec![range(1.5, 2.0, "%"), range(75.0, 80.0, "°C"), range(20.0, 20.0, "min")]
        );
        assert_eq!(fr("Attendre 15 minutes : la remontée ne doit pas dépasser 1 mbar."), vec![at_most(1.0, "mbar")]);
        assert_eq!(
            en("Check the fuel pressure: 50±5 kPa with the engine at 1,800 rpm."),
            vec![range(45.0, 55.0, "kPa")]
        );
        assert_eq!(fr("Contrôler le débit : 250 l/min maximum à 6 bar."), vec![at_most(250.0, "L/min")]);
    }

    #[test]
    fn a_value_right_after_the_verb_is_set_but_a_time_after_at_is_when_to_read() {
        assert_eq!(en("Apply 5 000 V DC between phase and earth."), vec![range(5000.0, 5000.0, "V")]);
        assert_eq!(en("Record the resistance at 1 minute and at 10 minutes."), vec![]);
    }

    #[test]
    fn a_rating_named_with_minimum_or_maximum_is_no_limit() {
        assert_eq!(en("The rope has a minimum breaking force of 168 kN."), vec![]);
        assert_eq!(en("Max. working pressure ........... 280 bar"), vec![at_most(280.0, "bar")]);
    }

    #[test]
    fn ph_is_written_before_its_numbers() {
        assert_eq!(en("pH ........ 7.0 – 8.5"), vec![range(7.0, 8.5, "pH")]);
    }
}
