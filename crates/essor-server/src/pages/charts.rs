//! Charts as inline SVG, drawn on the server: no script, readable offline and printable.
//! Each chart is an image with a title and a description that states every value in words
//! (`role="img"`, `aria-labelledby`), and the page always prints the same numbers in a table
//! next to it, so that nothing is told by colour or shape alone.

use std::fmt::Write as _;

/// One series of bars: a name, a colour, a value (or none) per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    /// A fill colour with at least 3:1 contrast on white (DSFR palette).
    pub colour: &'static str,
    /// One colour per category instead (a single series comparing territories); empty to
    /// use `colour`.
    pub colours: Vec<&'static str>,
    pub values: Vec<Option<f64>>,
    /// What to write for each missing value, as the table beside the chart writes it
    /// (« sans objet », « non publié »); « non publié » where this is shorter than `values`.
    pub missing: Vec<String>,
}

impl Series {
    /// The value of a category in words, or why it is missing.
    fn text(&self, category: usize, format: impl Fn(f64) -> String) -> String {
        match self.values.get(category).copied().flatten() {
            Some(v) => format(v),
            None => self
                .missing
                .get(category)
                .cloned()
                .unwrap_or_else(|| super::format::NOT_PUBLISHED.to_owned()),
        }
    }
}

/// The colours of the chart series, in page order: the territory (blue France), its QPV (red
/// Marianne, as on the maps), the territory it is compared with (bluish green), all QPV
/// (purple), France (grey), the territory outside its QPV (light blue). Each has at least 3:1
/// contrast on white, as graphics need; the values are written in dark grey beside the bars.
///
/// Issue 12: « ses QPV » and « ensemble des QPV » were two reds, and the comparison's green
/// had the red's lightness, which red-green colour blindness confuses. Neighbours now differ
/// in hue along the blue–yellow axis those readers keep (the Okabe–Ito bluish green, Paul
/// Tol's purple) as well as in lightness.
pub mod colour {
    pub const TERRITORY: &str = "#000091";
    pub const ITS_QPV: &str = "#ce0500";
    pub const COMPARISON: &str = "#00866a";
    pub const ALL_QPV: &str = "#aa4499";
    pub const FRANCE: &str = "#666666";
    pub const OUTSIDE: &str = "#6a6af4";
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: f64 = 720.0;
const LABEL_W: f64 = 250.0;
const BAR_W: f64 = 360.0;
const BAR_H: f64 = 16.0;
const GAP: f64 = 14.0;

/// Horizontal bars, grouped by category, one bar per series; `format` writes a value.
/// `id` must be unique in the page.
pub fn bars(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[Series],
    format: impl Fn(f64) -> String,
) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |m, v| m.max(*v))
        .max(1e-12);
    let legend_h = if series.len() > 1 {
        22.0 * series.len().div_ceil(4) as f64 + 8.0
    } else {
        0.0
    };
    let group_h = BAR_H * series.len() as f64 + GAP;
    let height = legend_h + group_h * categories.len() as f64 + 4.0;
    let mut desc = Vec::new();
    for (c, category) in categories.iter().enumerate() {
        let values: Vec<String> = series
            .iter()
            .map(|s| {
                let text = s.text(c, &format);
                if series.len() > 1 {
                    format!("{} {text}", s.label)
                } else {
                    text
                }
            })
            .collect();
        desc.push(format!("{category} : {}", values.join(", ")));
    }
    let mut svg = format!(
        "<svg class=\"essor-graphique__svg\" role=\"img\" aria-labelledby=\"{id}-titre {id}-desc\" viewBox=\"0 0 {WIDTH} {height:.0}\" xmlns=\"http://www.w3.org/2000/svg\" focusable=\"false\"><title id=\"{id}-titre\">{}</title><desc id=\"{id}-desc\">{}.</desc>",
        esc(title),
        esc(&desc.join(" ; "))
    );
    if series.len() > 1 {
        for (i, s) in series.iter().enumerate() {
            let (x, y) = ((i % 4) as f64 * 180.0, (i / 4) as f64 * 22.0);
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{:.0}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"13\" fill=\"#161616\">{}</text>",
                y + 2.0,
                s.colour,
                x + 20.0,
                y + 14.0,
                esc(&s.label)
            );
        }
    }
    for (c, category) in categories.iter().enumerate() {
        let top = legend_h + c as f64 * group_h;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\" fill=\"#161616\">{}</text>",
            top + BAR_H * series.len() as f64 / 2.0 + 4.5,
            esc(category)
        );
        for (i, s) in series.iter().enumerate() {
            let y = top + i as f64 * BAR_H;
            let v = s.values.get(c).copied().flatten();
            let w = v.map_or(0.0, |v| {
                (BAR_W * v.max(0.0) / max).max(if v > 0.0 { 1.0 } else { 0.0 })
            });
            let text = s.text(c, &format);
            let _ = write!(
                svg,
                "<rect x=\"{LABEL_W}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#161616\">{}</text>",
                y + 1.0,
                BAR_H - 2.0,
                s.colours.get(c).copied().unwrap_or(s.colour),
                LABEL_W + w + 6.0,
                y + BAR_H - 3.5,
                esc(&text)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_says_every_value_in_words_and_draws_a_bar_per_value() {
        let svg = bars(
            "part",
            "Part de l'ESS dans l'emploi (estimation)",
            &["Saint-Denis".into(), "France".into()],
            &[Series {
                label: "Part".into(),
                colour: colour::TERRITORY,
                colours: Vec::new(),
                values: vec![Some(0.5), None],
                missing: Vec::new(),
            }],
            super::super::format::percent,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-labelledby=\"part-titre part-desc\""));
        assert!(svg.contains(
            "<desc id=\"part-desc\">Saint-Denis : 50,0\u{a0}% ; France : non publié.</desc>"
        ));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(
            svg.contains("width=\"360.0\""),
            "the largest value fills the bar area"
        );
        assert!(
            svg.contains(
                "<title id=\"part-titre\">Part de l'ESS dans l'emploi (estimation)</title>"
            )
        );
    }

    /// Issue 12: a share of nothing read « non publié » in the chart and « sans objet » in
    /// the table beside it.
    #[test]
    fn a_missing_value_is_named_as_its_table_names_it() {
        let svg = bars(
            "part",
            "Part",
            &["QPV".into(), "France".into()],
            &[Series {
                label: "Part".into(),
                colour: colour::TERRITORY,
                colours: Vec::new(),
                values: vec![None, None],
                missing: vec!["sans objet".into()],
            }],
            super::super::format::percent,
        );
        assert!(
            svg.contains("QPV : sans objet ; France : non publié."),
            "{svg}"
        );
        assert!(svg.contains(">sans objet</text>"));
    }
}
