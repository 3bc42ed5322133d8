//! The eligibility rule language: one line of French-flavoured logic per condition.
//!
//! A catalogue entry states its eligibility as a list of conditions, each a small expression
//! over the **facts** of a profile. All conditions must hold. The language is deliberately
//! tiny so that a chargé·e de mission can read and edit it:
//!
//! ```text
//! employeur = oui
//! salaries >= 1 et anciennete <= 3
//! famille_juridique dans [association, cooperative]
//! residence_qpv = oui ou implantation_qpv = oui ou action_qpv = oui
//! public contient jeunes_16_18
//! themes contient_un [tiers_lieu, fablab]
//! non (informel = oui)
//! departement dans [93, 95, 976]
//! ```
//!
//! Grammar (`et` binds tighter than `ou`; `non` applies to what follows; parentheses group):
//!
//! ```text
//! expr  := conj ("ou" conj)*
//! conj  := unary ("et" unary)*
//! unary := "non" unary | "(" expr ")" | test
//! test  := FACT ("=" | "!=" | "<" | "<=" | ">" | ">=") value
//!        | FACT ("dans" | "hors") "[" value ("," value)* "]"
//!        | FACT "contient" value
//!        | FACT "contient_un" "[" value ("," value)* "]"
//! value := "oui" | "non" | integer | word
//! ```
//!
//! Every fact has a type that fixes the operators and values it accepts; a rule naming an
//! unknown fact, an operator the fact does not take or a value outside its vocabulary is
//! refused when the catalogue loads. See [`FACTS`] for the list, and
//! `data/dispositifs/README.md` for the same table in French.
//!
//! Evaluation is three-valued (Kleene logic): a fact the profile does not give is *unknown*;
//! `faux et inconnu` is false, `vrai ou inconnu` is true, anything else with an unknown part
//! stays unknown and remembers which facts would settle it. That is how a scheme becomes
//! `to_check` with the list of missing profile fields.

use crate::vocab::{Holder, LegalFamily, Need, Public, Stage};
use std::collections::BTreeSet;
use std::fmt;

/// The type of a fact, which decides the operators and values a test may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactType {
    /// `oui` / `non`; operators `=` and `!=`.
    Bool,
    /// A whole number; operators `=`, `!=`, `<`, `<=`, `>`, `>=`.
    Int,
    /// One word of a closed vocabulary; operators `=`, `!=`, `dans`, `hors`.
    Enum(&'static [&'static str]),
    /// A set of words of a closed vocabulary; operators `contient`, `contient_un`.
    Set(&'static [&'static str]),
    /// A set of free words (themes); operators `contient`, `contient_un`.
    FreeSet,
    /// An official code (département, région, catégorie juridique); `=`, `!=`, `dans`, `hors`.
    Code,
}

/// A fact the rules can test, with the profile fields that give it.
#[derive(Debug, Clone, Copy)]
pub struct FactDef {
    /// The name used in rules.
    pub name: &'static str,
    pub ty: FactType,
    /// The profile field to fill in when the fact is unknown (JSON name).
    pub field: &'static str,
    /// French noun phrase for explanations ("nombre de salariés").
    pub label: &'static str,
}

const fn fact(
    name: &'static str,
    ty: FactType,
    field: &'static str,
    label: &'static str,
) -> FactDef {
    FactDef {
        name,
        ty,
        field,
        label,
    }
}

/// Every fact the rule language knows, with its type and the profile field that settles it.
pub const FACTS: &[FactDef] = &[
    fact(
        "porteur",
        FactType::Enum(Holder::WORDS),
        "holder",
        "type de porteur",
    ),
    fact(
        "famille_juridique",
        FactType::Enum(LegalFamily::WORDS),
        "legal_family",
        "famille juridique",
    ),
    fact(
        "categorie_juridique",
        FactType::Code,
        "legal_category",
        "catégorie juridique INSEE",
    ),
    fact("ess", FactType::Bool, "ess", "appartenance à l'ESS"),
    fact(
        "employeur",
        FactType::Bool,
        "employees",
        "structure employeuse",
    ),
    fact("salaries", FactType::Int, "employees", "nombre de salariés"),
    fact(
        "anciennete",
        FactType::Int,
        "founded_year",
        "ancienneté de la structure (années)",
    ),
    fact("age", FactType::Int, "age", "âge du porteur"),
    fact(
        "etape",
        FactType::Enum(Stage::WORDS),
        "stage",
        "étape du projet",
    ),
    fact(
        "besoins",
        FactType::Set(Need::WORDS),
        "needs",
        "besoins exprimés",
    ),
    fact("themes", FactType::FreeSet, "themes", "thèmes du projet"),
    fact(
        "public",
        FactType::Set(Public::WORDS),
        "public",
        "publics concernés",
    ),
    fact(
        "residence_qpv",
        FactType::Bool,
        "resident_in_qpv",
        "porteur résidant en QPV",
    ),
    fact(
        "implantation_qpv",
        FactType::Bool,
        "located_in_qpv",
        "implantation en QPV",
    ),
    fact(
        "action_qpv",
        FactType::Bool,
        "acts_in_qpv",
        "action au bénéfice d'un QPV",
    ),
    fact(
        "proximite_qpv",
        FactType::Bool,
        "lon/lat",
        "implantation en QPV ou à moins d'1 km",
    ),
    fact(
        "commune_qpv",
        FactType::Bool,
        "commune",
        "commune comptant au moins un QPV",
    ),
    fact(
        "informel",
        FactType::Bool,
        "informal",
        "activité informelle",
    ),
    fact(
        "acces_bancaire",
        FactType::Bool,
        "bank_access",
        "accès au crédit bancaire",
    ),
    fact("departement", FactType::Code, "commune", "département"),
    fact("region", FactType::Code, "commune", "région"),
];

/// A profile field (JSON name, as in `missing`) in French words, for texts shown to users.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "holder" => "type de porteur",
        "legal_category" => "catégorie juridique",
        "legal_family" => "forme juridique",
        "ess" => "appartenance à l'ESS",
        "employees" => "nombre de salariés",
        "founded_year" => "année de création",
        "age" => "âge du porteur",
        "stage" => "étape du projet",
        "needs" => "besoins",
        "themes" => "thèmes du projet",
        "public" => "publics concernés",
        "resident_in_qpv" => "porteur habitant un quartier prioritaire",
        "located_in_qpv" => "implantation dans un quartier prioritaire",
        "acts_in_qpv" => "action au bénéfice d'un quartier prioritaire",
        "lon/lat" | "lon" | "lat" => "adresse précise du lieu",
        "commune" => "commune",
        "informal" => "activité informelle",
        "bank_access" => "accès au crédit bancaire",
        "description" => "description du projet",
        _ => "information complémentaire",
    }
}

/// One word of a fact's vocabulary in French (`creation` → `création`, `84` →
/// `Auvergne-Rhône-Alpes`); free words lose their underscores.
pub fn word_label(fact: &str, word: &str) -> String {
    let label = match fact {
        "porteur" => Holder::from_word(word).map(Holder::label),
        "famille_juridique" => LegalFamily::from_word(word).map(LegalFamily::label),
        "etape" => Stage::from_word(word).map(Stage::label),
        "besoins" => Need::from_word(word).map(Need::label),
        "public" => Public::from_word(word).map(Public::label),
        "region" => crate::location::region_name(word),
        _ => None,
    };
    label.map_or_else(|| word.replace('_', " "), str::to_owned)
}

impl FactDef {
    /// A value of this fact in French words, for explanations.
    pub fn show(&self, value: &FactValue) -> String {
        match value {
            FactValue::Word(w) => word_label(self.name, w),
            FactValue::Set(s) if s.is_empty() => "aucun".to_owned(),
            FactValue::Set(s) => s
                .iter()
                .map(|w| word_label(self.name, w))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        }
    }
}

/// Looks a fact up by its rule name.
pub fn fact_def(name: &str) -> Option<&'static FactDef> {
    FACTS.iter().find(|f| f.name == name)
}

/// A literal in a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    /// A vocabulary word or a code, kept as written.
    Word(String),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(true) => f.write_str("oui"),
            Literal::Bool(false) => f.write_str("non"),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Word(w) => f.write_str(w),
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Contains,
    ContainsAny,
}

impl Op {
    fn word(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "dans",
            Op::NotIn => "hors",
            Op::Contains => "contient",
            Op::ContainsAny => "contient_un",
        }
    }

    fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::NotIn | Op::ContainsAny)
    }
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Test {
        fact: &'static FactDef,
        op: Op,
        values: Vec<Literal>,
    },
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

impl PartialEq for FactDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// Why a rule does not parse or does not type-check. Messages are French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    #[error("règle vide")]
    Empty,
    #[error("caractère inattendu « {0} »")]
    BadChar(char),
    #[error("fait inconnu « {name} » (faits connus : {known})")]
    UnknownFact { name: String, known: String },
    #[error(
        "opérateur attendu après « {fact} » (=, !=, <, <=, >, >=, dans, hors, contient, contient_un), trouvé « {found} »"
    )]
    ExpectedOperator { fact: String, found: String },
    #[error("l'opérateur « {op} » ne s'applique pas au fait « {fact} » ({expected})")]
    BadOperator {
        fact: String,
        op: String,
        expected: &'static str,
    },
    #[error("valeur « {value} » invalide pour « {fact} » ({expected})")]
    BadValue {
        fact: String,
        value: String,
        expected: String,
    },
    #[error("« {expected} » attendu, trouvé « {found} »")]
    Expected {
        expected: &'static str,
        found: String,
    },
    #[error("texte en trop après la règle : « {0} »")]
    Trailing(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Int(i64),
    Sym(&'static str),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Word(w) => f.write_str(w),
            Token::Int(n) => write!(f, "{n}"),
            Token::Sym(s) => f.write_str(s),
        }
    }
}

fn lex(src: &str) -> Result<Vec<Token>, RuleError> {
    let mut out = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if let Some(sym) = ["<=", ">=", "!="].into_iter().find(|s| *s == two) {
            out.push(Token::Sym(sym));
            i += 2;
            continue;
        }
        if let Some(sym) = ["=", "<", ">", "(", ")", "[", "]", ","]
            .into_iter()
            .find(|s| s.starts_with(c))
        {
            out.push(Token::Sym(sym));
            i += 1;
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '-' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '-')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A number is all digits; `2A`, `976` stay codes when the fact wants a code.
            match word.parse::<i64>() {
                Ok(n) if !word.starts_with('0') || word == "0" => out.push(Token::Int(n)),
                _ => out.push(Token::Word(word)),
            }
            continue;
        }
        return Err(RuleError::BadChar(c));
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn found(&self) -> String {
        self.peek()
            .map_or_else(|| "fin de règle".to_owned(), ToString::to_string)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(x)) if x == w)
    }

    fn expect_sym(&mut self, sym: &'static str) -> Result<(), RuleError> {
        if self.peek() == Some(&Token::Sym(sym)) {
            self.pos += 1;
            Ok(())
        } else {
            Err(RuleError::Expected {
                expected: sym,
                found: self.found(),
            })
        }
    }

    fn expr(&mut self) -> Result<Expr, RuleError> {
        let mut parts = vec![self.conj()?];
        while self.is_word("ou") {
            self.pos += 1;
            parts.push(self.conj()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Expr::Or(parts)
        })
    }

    fn conj(&mut self) -> Result<Expr, RuleError> {
        let mut parts = vec![self.unary()?];
        while self.is_word("et") {
            self.pos += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.is_word("non") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Token::Sym("(")) {
            self.pos += 1;
            let e = self.expr()?;
            self.expect_sym(")")?;
            return Ok(e);
        }
        self.test()
    }

    fn test(&mut self) -> Result<Expr, RuleError> {
        let name = match self.next() {
            Some(Token::Word(w)) => w,
            Some(t) => {
                return Err(RuleError::Expected {
                    expected: "un fait",
                    found: t.to_string(),
                });
            }
            None => return Err(RuleError::Empty),
        };
        let fact = fact_def(&name).ok_or_else(|| RuleError::UnknownFact {
            name: name.clone(),
            known: FACTS.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
        })?;
        let op = match self.next() {
            Some(Token::Sym("=")) => Op::Eq,
            Some(Token::Sym("!=")) => Op::Ne,
            Some(Token::Sym("<")) => Op::Lt,
            Some(Token::Sym("<=")) => Op::Le,
            Some(Token::Sym(">")) => Op::Gt,
            Some(Token::Sym(">=")) => Op::Ge,
            Some(Token::Word(w)) if w == "dans" => Op::In,
            Some(Token::Word(w)) if w == "hors" => Op::NotIn,
            Some(Token::Word(w)) if w == "contient" => Op::Contains,
            Some(Token::Word(w)) if w == "contient_un" => Op::ContainsAny,
            other => {
                return Err(RuleError::ExpectedOperator {
                    fact: name,
                    found: other.map_or_else(|| "fin de règle".to_owned(), |t| t.to_string()),
                });
            }
        };
        check_operator(fact, op)?;
        let raw = if op.takes_list() {
            self.expect_sym("[")?;
            let mut items = vec![self.literal_token()?];
            while self.peek() == Some(&Token::Sym(",")) {
                self.pos += 1;
                items.push(self.literal_token()?);
            }
            self.expect_sym("]")?;
            items
        } else {
            vec![self.literal_token()?]
        };
        let values = raw
            .into_iter()
            .map(|t| typed_value(fact, t))
            .collect::<Result<_, _>>()?;
        Ok(Expr::Test { fact, op, values })
    }

    fn literal_token(&mut self) -> Result<Token, RuleError> {
        match self.next() {
            Some(t @ (Token::Word(_) | Token::Int(_))) => Ok(t),
            Some(t) => Err(RuleError::Expected {
                expected: "une valeur",
                found: t.to_string(),
            }),
            None => Err(RuleError::Expected {
                expected: "une valeur",
                found: "fin de règle".into(),
            }),
        }
    }
}

fn check_operator(fact: &FactDef, op: Op) -> Result<(), RuleError> {
    let (ok, expected) = match fact.ty {
        FactType::Bool => (matches!(op, Op::Eq | Op::Ne), "oui/non : = ou !="),
        FactType::Int => (
            matches!(op, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge),
            "nombre : =, !=, <, <=, >, >=",
        ),
        FactType::Enum(_) | FactType::Code => (
            matches!(op, Op::Eq | Op::Ne | Op::In | Op::NotIn),
            "valeur unique : =, !=, dans, hors",
        ),
        FactType::Set(_) | FactType::FreeSet => (
            matches!(op, Op::Contains | Op::ContainsAny),
            "liste : contient, contient_un",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(RuleError::BadOperator {
            fact: fact.name.to_owned(),
            op: op.word().to_owned(),
            expected,
        })
    }
}

fn typed_value(fact: &FactDef, token: Token) -> Result<Literal, RuleError> {
    let bad = |value: String, expected: String| RuleError::BadValue {
        fact: fact.name.to_owned(),
        value,
        expected,
    };
    match (fact.ty, token) {
        (FactType::Bool, Token::Word(w)) if w == "oui" => Ok(Literal::Bool(true)),
        (FactType::Bool, Token::Word(w)) if w == "non" => Ok(Literal::Bool(false)),
        (FactType::Bool, t) => Err(bad(t.to_string(), "oui ou non attendu".into())),
        (FactType::Int, Token::Int(n)) => Ok(Literal::Int(n)),
        (FactType::Int, t) => Err(bad(t.to_string(), "nombre entier attendu".into())),
        (FactType::Enum(words) | FactType::Set(words), Token::Word(w))
            if words.contains(&w.as_str()) =>
        {
            Ok(Literal::Word(w))
        }
        (FactType::Enum(words) | FactType::Set(words), t) => Err(bad(
            t.to_string(),
            format!("valeurs possibles : {}", words.join(", ")),
        )),
        (FactType::FreeSet, Token::Word(w)) => Ok(Literal::Word(crate::text::normalize_theme(&w))),
        (FactType::FreeSet, t) => Err(bad(t.to_string(), "mot attendu".into())),
        (FactType::Code, Token::Word(w)) if w.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Ok(Literal::Word(w))
        }
        (FactType::Code, Token::Int(n)) => Ok(Literal::Word(format!("{n:02}"))),
        (FactType::Code, t) => Err(bad(
            t.to_string(),
            "code officiel attendu (ex. 93, 2A, 976)".into(),
        )),
    }
}

/// Parses and type-checks a rule.
pub fn parse(src: &str) -> Result<Expr, RuleError> {
    let tokens = lex(src)?;
    if tokens.is_empty() {
        return Err(RuleError::Empty);
    }
    let mut p = Parser { tokens, pos: 0 };
    let e = p.expr()?;
    if p.pos < p.tokens.len() {
        let rest: Vec<String> = p.tokens[p.pos..].iter().map(ToString::to_string).collect();
        return Err(RuleError::Trailing(rest.join(" ")));
    }
    Ok(e)
}

/// The value of a fact for one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    Bool(bool),
    Int(i64),
    Word(String),
    Set(BTreeSet<String>),
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(true) => f.write_str("oui"),
            FactValue::Bool(false) => f.write_str("non"),
            FactValue::Int(n) => write!(f, "{n}"),
            FactValue::Word(w) => f.write_str(w),
            FactValue::Set(s) if s.is_empty() => f.write_str("aucun"),
            FactValue::Set(s) => f.write_str(&s.iter().cloned().collect::<Vec<_>>().join(", ")),
        }
    }
}

/// Where rules read facts from. `None` means the fact is unknown for this profile.
pub trait FactSource {
    fn get(&self, fact: &FactDef) -> Option<FactValue>;
}

/// A three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

/// The outcome of a rule: its truth, the unknown facts that kept it undecided, and the facts
/// (with their values) that decided it, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub truth: Truth,
    /// Facts whose absence left the rule unknown (empty unless `truth` is `Unknown`).
    pub unknown: BTreeSet<&'static str>,
    /// Known facts read by the rule, as `(label, value)`.
    pub seen: Vec<(&'static str, String)>,
}

impl Expr {
    /// Evaluates the rule with Kleene's three-valued logic.
    pub fn eval(&self, facts: &dyn FactSource) -> Outcome {
        match self {
            Expr::Test { fact, op, values } => match facts.get(fact) {
                None => Outcome {
                    truth: Truth::Unknown,
                    unknown: BTreeSet::from([fact.name]),
                    seen: vec![],
                },
                Some(v) => {
                    let truth = if test(&v, *op, values) {
                        Truth::True
                    } else {
                        Truth::False
                    };
                    Outcome {
                        truth,
                        unknown: BTreeSet::new(),
                        seen: vec![(fact.label, fact.show(&v))],
                    }
                }
            },
            Expr::Not(inner) => {
                let mut o = inner.eval(facts);
                o.truth = match o.truth {
                    Truth::True => Truth::False,
                    Truth::False => Truth::True,
                    Truth::Unknown => Truth::Unknown,
                };
                o
            }
            Expr::And(parts) => combine(parts, facts, Truth::False),
            Expr::Or(parts) => combine(parts, facts, Truth::True),
        }
    }

    /// A French description of the rule, for reasons when the catalogue gives no label.
    pub fn describe(&self) -> String {
        match self {
            Expr::Test { fact, op, values } => describe_test(fact, *op, values),
            Expr::Not(inner) => format!("non ({})", inner.describe()),
            Expr::And(parts) => parts
                .iter()
                .map(|p| p.describe_nested())
                .collect::<Vec<_>>()
                .join(" et "),
            Expr::Or(parts) => parts
                .iter()
                .map(|p| p.describe_nested())
                .collect::<Vec<_>>()
                .join(" ou "),
        }
    }

    fn describe_nested(&self) -> String {
        match self {
            Expr::And(_) | Expr::Or(_) => format!("({})", self.describe()),
            _ => self.describe(),
        }
    }

    /// Every fact the rule reads.
    pub fn facts(&self) -> BTreeSet<&'static str> {
        match self {
            Expr::Test { fact, .. } => BTreeSet::from([fact.name]),
            Expr::Not(inner) => inner.facts(),
            Expr::And(parts) | Expr::Or(parts) => parts.iter().flat_map(Expr::facts).collect(),
        }
    }
}

/// `And` is decided by a false part, `Or` by a true part (`decisive`).
fn combine(parts: &[Expr], facts: &dyn FactSource, decisive: Truth) -> Outcome {
    let outcomes: Vec<Outcome> = parts.iter().map(|p| p.eval(facts)).collect();
    let seen = outcomes
        .iter()
        .flat_map(|o| o.seen.iter().cloned())
        .collect();
    if outcomes.iter().any(|o| o.truth == decisive) {
        return Outcome {
            truth: decisive,
            unknown: BTreeSet::new(),
            seen,
        };
    }
    let unknown: BTreeSet<&'static str> = outcomes
        .iter()
        .flat_map(|o| o.unknown.iter().copied())
        .collect();
    if unknown.is_empty() {
        let other = if decisive == Truth::False {
            Truth::True
        } else {
            Truth::False
        };
        Outcome {
            truth: other,
            unknown,
            seen,
        }
    } else {
        Outcome {
            truth: Truth::Unknown,
            unknown,
            seen,
        }
    }
}

fn test(value: &FactValue, op: Op, values: &[Literal]) -> bool {
    match (value, op) {
        (FactValue::Bool(b), Op::Eq) => values[0] == Literal::Bool(*b),
        (FactValue::Bool(b), Op::Ne) => values[0] != Literal::Bool(*b),
        (FactValue::Int(n), _) => {
            let Literal::Int(m) = values[0] else {
                return false;
            };
            match op {
                Op::Eq => *n == m,
                Op::Ne => *n != m,
                Op::Lt => *n < m,
                Op::Le => *n <= m,
                Op::Gt => *n > m,
                Op::Ge => *n >= m,
                _ => false,
            }
        }
        (FactValue::Word(w), _) => {
            let hit = values
                .iter()
                .any(|l| matches!(l, Literal::Word(x) if x.eq_ignore_ascii_case(w)));
            match op {
                Op::Eq | Op::In => hit,
                Op::Ne | Op::NotIn => !hit,
                _ => false,
            }
        }
        (FactValue::Set(set), Op::Contains | Op::ContainsAny) => values
            .iter()
            .any(|l| matches!(l, Literal::Word(x) if set.contains(x))),
        _ => false,
    }
}

fn describe_test(fact: &FactDef, op: Op, values: &[Literal]) -> String {
    let show = |l: &Literal| word_label(fact.name, &l.to_string());
    let list = || values.iter().map(show).collect::<Vec<_>>().join(", ");
    match (fact.ty, op) {
        (FactType::Bool, Op::Eq | Op::Ne) => {
            let yes = (op == Op::Eq) == (values[0] == Literal::Bool(true));
            format!("{} : {}", fact.label, if yes { "oui" } else { "non" })
        }
        (FactType::Int, _) => {
            let n = &values[0];
            let rel = match op {
                Op::Eq => "égal à",
                Op::Ne => "différent de",
                Op::Lt => "inférieur à",
                Op::Le => "au plus",
                Op::Gt => "supérieur à",
                _ => "au moins",
            };
            format!("{} {rel} {n}", fact.label)
        }
        (_, Op::Eq) => format!("{} : {}", fact.label, show(&values[0])),
        (_, Op::Ne) => format!("{} autre que {}", fact.label, show(&values[0])),
        (_, Op::In) => format!("{} parmi : {}", fact.label, list()),
        (_, Op::NotIn) => format!("{} hors de : {}", fact.label, list()),
        (_, Op::Contains) => format!("{} comprenant {}", fact.label, show(&values[0])),
        _ => format!("{} comprenant au moins un de : {}", fact.label, list()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, FactValue>);
    impl FactSource for Map {
        fn get(&self, fact: &FactDef) -> Option<FactValue> {
            self.0.get(fact.name).cloned()
        }
    }

    fn facts(pairs: &[(&'static str, FactValue)]) -> Map {
        Map(pairs.iter().cloned().collect())
    }

    #[test]
    fn tests_compare_facts_of_every_type() {
        let f = facts(&[
            ("employeur", FactValue::Bool(true)),
            ("salaries", FactValue::Int(4)),
            ("famille_juridique", FactValue::Word("association".into())),
            (
                "public",
                FactValue::Set(BTreeSet::from(["jeunes_16_18".to_owned()])),
            ),
            ("departement", FactValue::Word("93".into())),
        ]);
        let t = |src: &str| parse(src).unwrap().eval(&f).truth;
        assert_eq!(t("employeur = oui"), Truth::True);
        assert_eq!(t("employeur != oui"), Truth::False);
        assert_eq!(t("salaries >= 1 et salaries < 50"), Truth::True);
        assert_eq!(
            t("famille_juridique dans [association, cooperative]"),
            Truth::True
        );
        assert_eq!(t("famille_juridique hors [association]"), Truth::False);
        assert_eq!(t("public contient jeunes_16_18"), Truth::True);
        assert_eq!(t("public contient_un [femmes, jeunes_18_30]"), Truth::False);
        assert_eq!(t("departement dans [93, 95]"), Truth::True);
        assert_eq!(t("non (departement = 75)"), Truth::True);
    }

    #[test]
    fn unknown_facts_follow_kleene_logic_and_are_reported() {
        let f = facts(&[
            ("employeur", FactValue::Bool(false)),
            ("informel", FactValue::Bool(true)),
        ]);
        let o = |src: &str| parse(src).unwrap().eval(&f);
        // false and unknown is false: nothing is missing.
        let and = o("employeur = oui et salaries >= 1");
        assert_eq!(and.truth, Truth::False);
        assert!(and.unknown.is_empty());
        // true or unknown is true.
        assert_eq!(
            o("informel = oui ou acces_bancaire = non").truth,
            Truth::True
        );
        // false or unknown stays unknown and names the fact.
        let or = o("employeur = oui ou residence_qpv = oui ou implantation_qpv = oui");
        assert_eq!(or.truth, Truth::Unknown);
        assert_eq!(
            or.unknown,
            BTreeSet::from(["residence_qpv", "implantation_qpv"])
        );
        assert_eq!(o("non salaries > 3").truth, Truth::Unknown);
    }

    #[test]
    fn et_binds_tighter_than_ou() {
        let e = parse("informel = oui ou employeur = oui et salaries > 2").unwrap();
        assert!(
            matches!(e, Expr::Or(ref parts) if parts.len() == 2 && matches!(parts[1], Expr::And(_)))
        );
        assert_eq!(
            e.facts(),
            BTreeSet::from(["employeur", "informel", "salaries"])
        );
    }

    #[test]
    fn bad_rules_are_refused_with_a_french_message() {
        let err = |src: &str| parse(src).unwrap_err().to_string();
        assert!(err("salariés >= 1").starts_with("fait inconnu « salariés »"));
        assert_eq!(
            err("famille_juridique = cooperatve"),
            "valeur « cooperatve » invalide pour « famille_juridique » (valeurs possibles : association, \
             cooperative, mutuelle, fondation, societe_commerciale_ess, societe, none)"
        );
        assert!(
            err("employeur contient oui").starts_with("l'opérateur « contient » ne s'applique pas")
        );
        assert!(err("salaries >= beaucoup").contains("nombre entier attendu"));
        assert!(err("employeur = oui salaries").starts_with("texte en trop"));
        assert!(err("(employeur = oui").contains("« ) » attendu"));
        assert_eq!(err("   "), "règle vide");
        assert_eq!(err("employeur = oui;"), "caractère inattendu « ; »");
        assert!(err("etape dans [idee").contains("« ] » attendu"));
    }

    #[test]
    fn rules_describe_themselves_in_french() {
        let d = |src: &str| parse(src).unwrap().describe();
        assert_eq!(d("salaries >= 1"), "nombre de salariés au moins 1");
        assert_eq!(d("employeur = oui"), "structure employeuse : oui");
        assert_eq!(
            d("residence_qpv = oui ou implantation_qpv = oui"),
            "porteur résidant en QPV : oui ou implantation en QPV : oui"
        );
        assert_eq!(
            d("etape dans [idee, emergence]"),
            "étape du projet parmi : idée, émergence"
        );
        assert_eq!(
            d("public contient jeunes_16_18"),
            "publics concernés comprenant jeunes de 16 à 18 ans"
        );
        assert_eq!(d("region = 84"), "région : Auvergne-Rhône-Alpes");
    }
}
