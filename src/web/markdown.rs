//! Markdown written by members, rendered safely: pulldown-cmark, then the ammonia sanitiser
//! (no scripts, no event handlers, no `javascript:` links; links open with `rel="noopener
//! noreferrer nofollow"`).

use std::collections::HashSet;

/// Safe HTML for a Markdown text.
pub fn render(markdown: &str) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_is_rendered_and_made_inert() {
        assert_eq!(
            render("**Énergie** _verte_").trim(),
            "<p><strong>Énergie</strong> <em>verte</em></p>"
        );
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[clic](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=https://evil.example></iframe>",
        ] {
            let html = render(evil);
            assert!(
                !html.contains("<script")
                    && !html.contains("onerror")
                    && !html.contains("javascript:")
                    && !html.contains("<iframe"),
                "{evil} → {html}"
            );
        }
        assert!(
            render("[site](https://amiens-cluster.fr)")
                .contains("rel=\"noopener noreferrer nofollow\"")
        );
    }
}
