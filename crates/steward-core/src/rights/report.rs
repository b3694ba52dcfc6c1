//! The export worded for the customer, in their language and local time:
//! one [`Report`], printed two ways, as a self-contained HTML page
//! (`index.html`: inline CSS, no script, nothing fetched, every value
//! escaped) and as a PDF laid out like the receipts.

use crate::consent::receipts::pdf::{layout_document, PdfDocument};
use crate::consent::receipts::{PrintableItem, PrintableSection};
use crate::error::Result;
use crate::language::Lang;

/// The customer's copy worded for people.
pub(super) struct Report {
    pub lang: Lang,
    pub title: String,
    pub intro: String,
    /// (label, value): who holds the data, when the copy was made.
    pub details: Vec<(String, String)>,
    pub sections: Vec<PrintableSection>,
    pub notes: Vec<String>,
}

/// Escapes text for HTML element content and quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;\
color:#141414;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.15rem;border-top:1px solid #444;\
padding-top:.6rem;margin-top:1.6rem}dl{display:grid;grid-template-columns:max-content 1fr;\
gap:.2rem 1rem}dt{font-weight:bold}dd{margin:0}ul{padding-left:1.2rem}\
li{margin:.5rem 0}.name{font-weight:bold}.desc{white-space:pre-wrap}\
.detail{font-size:.9rem;color:#333}.notes{margin-top:2rem;font-size:.9rem}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}li{break-inside:avoid}}";

impl Report {
    /// The self-contained printable page.
    pub(super) fn html(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        h.push_str("<!DOCTYPE html>\n<html lang=\"");
        h.push_str(self.lang.code());
        h.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
        // Nothing may be fetched or run: the page is read offline, possibly
        // years later, by whoever the customer shows it to.
        h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        h.push_str(
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        );
        h.push_str(&escape(&self.title));
        h.push_str("</title>\n<style>");
        h.push_str(STYLE);
        h.push_str("</style>\n</head>\n<body>\n<h1>");
        h.push_str(&escape(&self.title));
        h.push_str("</h1>\n<p>");
        h.push_str(&escape(&self.intro));
        h.push_str("</p>\n<dl>\n");
        for (label, value) in &self.details {
            h.push_str("<dt>");
            h.push_str(&escape(label));
            h.push_str("</dt><dd>");
            h.push_str(&escape(value));
            h.push_str("</dd>\n");
        }
        h.push_str("</dl>\n");
        for section in &self.sections {
            h.push_str("<section>\n<h2>");
            h.push_str(&escape(&section.heading));
            h.push_str("</h2>\n<ul>\n");
            for item in &section.items {
                h.push_str("<li><div class=\"name\">");
                h.push_str(&escape(&item.name));
                h.push_str("</div>");
                if !item.description.is_empty() {
                    h.push_str("<div class=\"desc\">");
                    h.push_str(&escape(&item.description));
                    h.push_str("</div>");
                }
                for d in &item.details {
                    h.push_str("<div class=\"detail\">");
                    h.push_str(&escape(d));
                    h.push_str("</div>");
                }
                h.push_str("</li>\n");
            }
            h.push_str("</ul>\n</section>\n");
        }
        h.push_str("<div class=\"notes\">\n");
        for note in &self.notes {
            h.push_str("<p>");
            h.push_str(&escape(note));
            h.push_str("</p>\n");
        }
        h.push_str("</div>\n</body>\n</html>\n");
        h
    }

    /// The same content as a PDF, laid out like the receipts.
    pub(super) fn pdf(&self) -> Result<Vec<u8>> {
        layout_document(&PdfDocument {
            lang: self.lang,
            title: &self.title,
            intro: &self.intro,
            details: &self.details,
            qr: None,
            sections: &self.sections,
            notes: &self.notes,
        })
    }
}

/// A section whose items are single lines; says "nothing recorded" when
/// there is nothing.
pub(super) fn section(lang: Lang, heading: String, items: Vec<PrintableItem>) -> PrintableSection {
    let items = if items.is_empty() {
        vec![item(
            lang.pack().text("export.nothing", &[]),
            String::new(),
            Vec::new(),
        )]
    } else {
        items
    };
    PrintableSection { heading, items }
}

pub(super) fn item(name: String, description: String, details: Vec<String>) -> PrintableItem {
    PrintableItem {
        name,
        description,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
