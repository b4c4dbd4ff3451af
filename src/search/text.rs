//! Words, French first: how text is cut, folded and stemmed, the synonyms, and the highlighting
//! that both engines share.
//!
//! A query becomes a [`Plan`]: one [`Clause`] per word (or per synonym expression), each word
//! with the typos it tolerates (Meilisearch's rule: one from 5 letters, two from 9) and the last
//! one as a prefix (search as you type). The embedded engine turns a plan into tantivy queries;
//! both engines mark matches in titles and snippets with [`highlight`] and [`snippet`].

use std::sync::OnceLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use unicode_normalization::UnicodeNormalization;

/// The analyzer's name in the embedded index.
pub const ANALYZER: &str = "quai_fr";

/// Words too common to search by, French and English. Meilisearch is given the same list.
pub const STOP_WORDS: &[&str] = &[
    "a", "à", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l",
    "la", "le", "les", "leur", "leurs", "ou", "par", "pour", "qu", "que", "qui", "sa", "se", "ses",
    "son", "sur", "un", "une", "the", "of", "and", "for", "to", "in", "an", "on", "with",
];

/// The synonyms, one group per line, under version control.
pub const SYNONYMS_FILE: &str = include_str!("synonyms.txt");

/// Lower case, accents and ligatures removed: "Énergie" → "energie", "cœur" → "coeur".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.trim().to_owned()
}

/// The analyzer of the words that complete a prefix (titles, names): cut, lower-cased,
/// accents folded, not stemmed.
pub const PREFIX_ANALYZER: &str = "quai_prefix";

pub fn prefix_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Cut, lower-cased, stop words out, accents folded, French-stemmed.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::French))
        .build()
}

/// One word of a text: its stem, where it is, and how long it was as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub stem: String,
    /// The word folded (lower case, no accents), not stemmed.
    pub raw: String,
    pub position: usize,
    /// Byte offsets in the text.
    pub from: usize,
    pub to: usize,
    pub letters: usize,
}

thread_local! {
    /// Building an analyzer allocates its stop-word set and stemmer: once per thread.
    static ANALYZER_OF_THREAD: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(analyzer());
}

pub fn tokens(text: &str) -> Vec<Token> {
    ANALYZER_OF_THREAD.with(|analyzer| {
        let mut analyzer = analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            let raw = text.get(t.offset_from..t.offset_to).unwrap_or_default();
            out.push(Token {
                stem: t.text.clone(),
                raw: fold(raw),
                position: t.position,
                from: t.offset_from,
                to: t.offset_to,
                letters: text
                    .get(t.offset_from..t.offset_to)
                    .map_or(t.text.len(), |s| s.chars().count()),
            });
        }
        out
    })
}

/// Typos a word of this many letters tolerates (Meilisearch's defaults).
pub fn typos_for(letters: usize) -> u8 {
    match letters {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// A word of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub stem: String,
    /// As typed, folded: what a prefix is compared with.
    pub raw: String,
    pub typos: u8,
    /// The last word of the query also matches longer words.
    pub prefix: bool,
}

impl Word {
    /// Whether a word of a text matches this query word: same stem, within the typos, or
    /// (the last word) the start of it.
    pub fn matches(&self, token: &Token) -> bool {
        token.stem == self.stem
            || (self.prefix && token.raw.starts_with(&self.raw))
            || (self.typos > 0
                && strsim::osa_distance(&token.stem, &self.stem) <= usize::from(self.typos))
    }
}

/// What must match: every clause of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    Word(Word),
    /// Words that form a synonym expression, or any of the expression's equivalents (each a
    /// phrase of stems, with their relative positions).
    Synonym {
        words: Vec<Word>,
        alternatives: Vec<Vec<(usize, String)>>,
    },
}

/// A query, analysed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub clauses: Vec<Clause>,
}

impl Plan {
    pub fn parse(text: &str) -> Self {
        let tokens = tokens(text);
        let count = tokens.len();
        let ends_with_space = text.ends_with(char::is_whitespace);
        let words: Vec<Word> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| Word {
                stem: t.stem.clone(),
                raw: t.raw.clone(),
                // Counted on the stem: a typo in a short stem ("even") would find anything.
                typos: typos_for(t.letters.min(t.stem.chars().count())),
                prefix: i + 1 == count && !ends_with_space && t.letters >= 2,
            })
            .collect();
        let stems: Vec<&str> = tokens.iter().map(|t| t.stem.as_str()).collect();
        let mut clauses = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match synonyms().longest_at(&stems[i..]) {
                Some((len, alternatives)) => {
                    clauses.push(Clause::Synonym {
                        words: words[i..i + len].to_vec(),
                        alternatives,
                    });
                    i += len;
                }
                None => {
                    clauses.push(Clause::Word(words[i].clone()));
                    i += 1;
                }
            }
        }
        Plan { clauses }
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// What highlighting marks: every query word, and every word of a synonym's equivalents.
    pub fn marker(&self) -> Vec<Word> {
        let mut out = Vec::new();
        for clause in &self.clauses {
            match clause {
                Clause::Word(w) => out.push(w.clone()),
                Clause::Synonym {
                    words,
                    alternatives,
                } => {
                    out.extend(words.iter().cloned());
                    for alt in alternatives {
                        out.extend(alt.iter().map(|(_, stem)| Word {
                            stem: stem.clone(),
                            raw: String::new(),
                            typos: 0,
                            prefix: false,
                        }));
                    }
                }
            }
        }
        out
    }
}

/// A phrase of stems with their relative positions.
type Phrase = Vec<(usize, String)>;

/// The synonym groups, read once from [`SYNONYMS_FILE`].
pub struct Synonyms {
    /// Each group: its expressions as written, and as stems with their positions.
    pub groups: Vec<Vec<(String, Phrase)>>,
}

pub fn synonyms() -> &'static Synonyms {
    static SYNONYMS: OnceLock<Synonyms> = OnceLock::new();
    SYNONYMS.get_or_init(|| Synonyms::parse(SYNONYMS_FILE))
}

impl Synonyms {
    /// One group per line, expressions separated by commas; `#` starts a comment.
    pub fn parse(file: &str) -> Self {
        let groups = file
            .lines()
            .map(|line| line.split('#').next().unwrap_or(""))
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                line.split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(|e| {
                        let tokens = tokens(e);
                        let first = tokens.first().map_or(0, |t| t.position);
                        let stems = tokens
                            .into_iter()
                            .map(|t| (t.position - first, t.stem))
                            .collect();
                        (e.to_owned(), stems)
                    })
                    .filter(|(_, stems): &(String, Vec<(usize, String)>)| !stems.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|group| group.len() > 1)
            .collect();
        Self { groups }
    }

    /// The longest expression starting the given stems, and its group's other expressions
    /// (as phrases of stems with offsets).
    fn longest_at(&self, stems: &[&str]) -> Option<(usize, Vec<Phrase>)> {
        let mut best: Option<(usize, usize, usize)> = None;
        for (g, group) in self.groups.iter().enumerate() {
            for (e, (_, expr)) in group.iter().enumerate() {
                let n = expr.len();
                if n <= stems.len()
                    && expr.iter().zip(stems).all(|((_, a), b)| a == b)
                    && best.is_none_or(|(len, _, _)| n > len)
                {
                    best = Some((n, g, e));
                }
            }
        }
        let (len, g, e) = best?;
        let alternatives = self.groups[g]
            .iter()
            .enumerate()
            .filter(|(i, (_, expr))| *i != e && !expr.is_empty())
            .map(|(_, (_, expr))| expr.clone())
            .collect();
        Some((len, alternatives))
    }

    /// Meilisearch's form: every expression mapped to the others of its group.
    pub fn as_map(&self) -> std::collections::HashMap<String, Vec<String>> {
        let mut map = std::collections::HashMap::new();
        for group in &self.groups {
            for (i, (expr, _)) in group.iter().enumerate() {
                let others: Vec<String> = group
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, (e, _))| e.to_lowercase())
                    .collect();
                map.entry(expr.to_lowercase())
                    .or_insert_with(Vec::new)
                    .extend(others);
            }
        }
        map
    }
}

/// `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The byte ranges of `tokens` that `marker` matches.
fn marked(tokens: &[Token], marker: &[Word]) -> Vec<bool> {
    tokens
        .iter()
        .map(|t| marker.iter().any(|w| w.matches(t)))
        .collect()
}

fn render(text: &str, tokens: &[Token], marks: &[bool], from: usize, to: usize) -> String {
    let mut out = String::new();
    let mut at = from;
    for (t, m) in tokens.iter().zip(marks) {
        if !*m || t.from < from || t.to > to {
            continue;
        }
        out.push_str(&escape(&text[at..t.from]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[t.from..t.to]));
        out.push_str("</mark>");
        at = t.to;
    }
    out.push_str(&escape(&text[at..to]));
    out
}

/// The whole text as safe HTML, matches in `<mark>`.
pub fn highlight(text: &str, marker: &[Word]) -> String {
    let tokens = tokens(text);
    let marks = marked(&tokens, marker);
    render(text, &tokens, &marks, 0, text.len())
}

/// About `words` words of the text around its best matches, as safe HTML; the beginning when
/// nothing matches. Cuts are marked with "…".
pub fn snippet(text: &str, marker: &[Word], words: usize) -> String {
    let words = words.max(1);
    let tokens = tokens(text);
    if tokens.is_empty() {
        // `floor_char_boundary` is newer than the crate's MSRV.
        let mut end = text.len().min(300);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        return escape(&text[..end]);
    }
    let marks = marked(&tokens, marker);
    // The window of `words` tokens with the most matches; the earliest among equals.
    let mut best = (0usize, 0usize);
    let mut count = marks.iter().take(words).filter(|m| **m).count();
    best.1 = count;
    for start in 1..tokens.len().saturating_sub(words - 1) {
        count = count + usize::from(marks[start + words - 1]) - usize::from(marks[start - 1]);
        if count > best.1 {
            best = (start, count);
        }
    }
    // Start a little before the first match of the window, for context.
    let first_match = (best.0..tokens.len().min(best.0 + words))
        .find(|i| marks[*i])
        .unwrap_or(best.0);
    let start = if best.1 > 0 {
        first_match.saturating_sub(3).max(best.0.saturating_sub(0))
    } else {
        0
    };
    let end = (start + words).min(tokens.len()) - 1;
    let from = if start == 0 { 0 } else { tokens[start].from };
    let to = if end + 1 == tokens.len() {
        text.len()
    } else {
        tokens[end].to
    };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(render(text, &tokens, &marks, from, to).trim());
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Markdown as plain words, for indexing.
pub fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        let inline_end = matches!(
            event,
            Event::End(
                TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link
                    | TagEnd::Image
            )
        );
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::End(_) if inline_end => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(s: &str) -> Vec<String> {
        tokens(s).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn accents_case_and_plurals_fold_to_one_stem() {
        assert_eq!(stems("Événements"), stems("evenement"));
        assert_eq!(stems("Énergie"), stems("energies"));
        assert_eq!(stems("réseaux de chaleur"), stems("reseau chaleur"));
        assert_eq!(fold("  Cœur d'Amiens "), "coeur d'amiens");
    }

    #[test]
    fn typos_follow_the_word_length() {
        let plan = Plan::parse("hydrogne ");
        let Clause::Word(w) = &plan.clauses[0] else {
            panic!("one word: {plan:?}")
        };
        assert_eq!(w.typos, 1);
        assert!(!w.prefix, "a trailing space ends the word");
        assert!(w.matches(&tokens("hydrogène")[0]));
        assert!(!w.matches(&tokens("hydraulique")[0]));
        let even = Plan::parse("evenement ");
        let Clause::Word(w) = &even.clauses[0] else {
            panic!("one word: {even:?}")
        };
        assert_eq!(w.typos, 0, "the stem `even` is too short for a typo");
        assert!(!w.matches(&tokens("énergie")[0]));
        let prefix = Plan::parse("rése");
        let Clause::Word(w) = &prefix.clauses[0] else {
            panic!("one word: {prefix:?}")
        };
        assert!(w.prefix && w.matches(&tokens("Réseaux")[0]));
        assert!(!w.matches(&tokens("résultat")[0]));
        let short = Plan::parse("ia");
        assert!(matches!(&short.clauses[0], Clause::Synonym { .. }));
    }

    #[test]
    fn synonym_expressions_find_their_pairs() {
        let plan = Plan::parse("réseau de chaleur à Amiens");
        let Clause::Synonym {
            words,
            alternatives,
        } = &plan.clauses[0]
        else {
            panic!("a synonym first: {plan:?}")
        };
        assert_eq!(words.len(), 2, "réseau, chaleur (de is a stop word)");
        assert!(alternatives.contains(&vec![
            (0, stems("chauffage")[0].clone()),
            (1, stems("urbain")[0].clone())
        ]));
        let back = Plan::parse("chauffage urbain");
        let Clause::Synonym { alternatives, .. } = &back.clauses[0] else {
            panic!("a synonym: {back:?}")
        };
        assert!(
            alternatives.contains(&vec![
                (0, stems("réseau")[0].clone()),
                (2, stems("chaleur")[0].clone())
            ]),
            "the stop word keeps its place: {alternatives:?}"
        );
        let map = synonyms().as_map();
        assert!(map["ia"].contains(&"intelligence artificielle".to_owned()));
    }

    #[test]
    fn highlights_are_escaped_and_marked() {
        let marker = Plan::parse("energie").marker();
        assert_eq!(
            highlight("<b>Énergies</b> & co", &marker),
            "&lt;b&gt;<mark>Énergies</mark>&lt;/b&gt; &amp; co"
        );
        let long = format!("{} hydrogène vert {}", "mot ".repeat(50), "fin ".repeat(50));
        let s = snippet(&long, &Plan::parse("hydrogene").marker(), 10);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>hydrogène</mark>"), "{s}");
    }

    #[test]
    fn markdown_becomes_plain_words() {
        assert_eq!(
            plain("# Titre\n\nUn **atelier** [ici](http://x)."),
            "Titre Un atelier ici."
        );
    }
}
