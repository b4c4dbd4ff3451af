//! SVG logos are checked, never rewritten: a file that could run a script or fetch anything is
//! refused with the reason. What passes is well-formed UTF-8 XML whose root is `<svg>`, with no
//! DOCTYPE or entity, no processing instruction, no `<script>`, `<foreignObject>` or other
//! element that embeds active content, no `on…` event attribute, and no reference that leaves
//! the file (only `#fragment` links; `url(#…)` in styles).
//!
//! The file is also served with a `sandbox` Content-Security-Policy, so a browser opening it
//! directly would run nothing even if something slipped through.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// Elements that run or embed active content, by lower-cased local name.
const FORBIDDEN_ELEMENTS: [&str; 13] = [
    "script",
    "foreignobject",
    "handler",
    "listener",
    "iframe",
    "frame",
    "embed",
    "object",
    "applet",
    "meta",
    "link",
    "base",
    "form",
];

/// Attributes whose value is a URL, by lower-cased local name (`href` covers `xlink:href`).
const URL_ATTRIBUTES: [&str; 4] = ["href", "src", "action", "formaction"];

/// Checks an SVG file; the error is one English sentence naming what was refused.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| "the SVG file is not UTF-8 text")?;
    let lower = text.to_ascii_lowercase();
    if lower.contains("<!doctype") || lower.contains("<!entity") {
        return Err("the SVG file contains a DOCTYPE or an ENTITY declaration".into());
    }
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut in_style = 0usize;
    let mut style = String::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("the SVG file is not well-formed XML ({e})"))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if depth == 0 {
                    if seen_root {
                        return Err("the SVG file has more than one root element".into());
                    }
                    if name != "svg" {
                        return Err("the file's root element is not <svg>".into());
                    }
                    seen_root = true;
                }
                check_element(&name, e)?;
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    if name == "style" || in_style > 0 {
                        in_style += 1;
                    }
                }
            }
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or("the SVG file is not well-formed XML")?;
                in_style = in_style.saturating_sub(1);
            }
            Event::Text(t) => {
                let content = t.xml_content(XmlVersion::Implicit1_0);
                if depth == 0 && !content.trim().is_empty() {
                    return Err("the SVG file has text outside its root element".into());
                }
                if in_style > 0 {
                    style.push_str(&content);
                }
            }
            Event::CData(t) => {
                if depth == 0 {
                    return Err("the SVG file has text outside its root element".into());
                }
                if in_style > 0 {
                    style.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                let known = matches!(&*name, "lt" | "gt" | "amp" | "apos" | "quot")
                    || name.starts_with('#');
                if !known {
                    return Err(format!("the SVG file uses an undeclared entity &{name};"));
                }
                if depth == 0 {
                    return Err("the SVG file has text outside its root element".into());
                }
            }
            Event::DocType(_) => {
                return Err("the SVG file contains a DOCTYPE or an ENTITY declaration".into());
            }
            Event::PI(_) => {
                return Err("the SVG file contains a processing instruction".into());
            }
            Event::Decl(decl) => {
                if let Some(encoding) = decl.encoding() {
                    let encoding = encoding.map_err(|e| format!("bad XML declaration ({e})"))?;
                    if !encoding.eq_ignore_ascii_case("utf-8") {
                        return Err("the SVG file must be encoded in UTF-8".into());
                    }
                }
            }
            Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !seen_root || depth != 0 {
        return Err("the SVG file is not well-formed XML (an element is not closed)".into());
    }
    check_css(&style)
}

fn check_element(name: &str, element: &BytesStart<'_>) -> Result<(), String> {
    if FORBIDDEN_ELEMENTS.contains(&name) {
        return Err(format!("the SVG file contains a <{name}> element"));
    }
    for attribute in element.attributes() {
        let attribute =
            attribute.map_err(|e| format!("the SVG file has a malformed attribute ({e})"))?;
        let key = attribute.key.as_ref().to_ascii_lowercase();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let local = key.rsplit(':').next().unwrap_or(&key).to_owned();
        if local.starts_with("on") {
            return Err(format!(
                "the SVG file has an event attribute ({key}) on <{name}>"
            ));
        }
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("the SVG file has a malformed attribute value ({e})"))?;
        let value = squeeze(&value);
        if value.contains("javascript:") || value.contains("vbscript:") {
            return Err(format!("the SVG file has a javascript: value in {key}"));
        }
        if URL_ATTRIBUTES.contains(&local.as_str()) && !value.is_empty() && !value.starts_with('#')
        {
            return Err(format!(
                "the SVG file refers to something outside itself ({key} must be a #fragment)"
            ));
        }
        if local == "attributename" && (value.starts_with("on") || value.ends_with("href")) {
            return Err(format!(
                "the SVG file animates a forbidden attribute ({value})"
            ));
        }
        check_css(&value)?;
    }
    Ok(())
}

/// Lower case, without whitespace or control characters: what a browser's URL and CSS parsers
/// would skip over (`java\tscript:` is `javascript:`).
fn squeeze(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

/// CSS (a `<style>` element, a `style` attribute, any attribute with `url(…)`): only local
/// `url(#…)` references, no `@import`, no `expression(…)`, no escapes (`u\72l(` is `url(`).
fn check_css(css: &str) -> Result<(), String> {
    if css.contains('\\') {
        return Err("the SVG file has a style with escapes".into());
    }
    let css = squeeze(&css.replace(['"', '\''], ""));
    if css.contains("@import") || css.contains("expression(") || css.contains("javascript:") {
        return Err("the SVG file has a style that imports or runs something".into());
    }
    let mut rest = css.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        if !rest.starts_with('#') {
            return Err(
                "the SVG file refers to something outside itself (only url(#…) is allowed)".into(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<!-- Amiens Cluster -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#003f8a"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <rect class="a" width="10" height="10" style="stroke: url('#g')"/>
  <use xlink:href="#g"/>
  <text>Quai &amp; co &#233;</text>
</svg>"##;

    fn refused(svg: &str) -> String {
        check(svg.as_bytes()).expect_err(svg)
    }

    fn wrap(inner: &str) -> String {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg">{inner}</svg>"#)
    }

    #[test]
    fn a_clean_logo_passes() {
        assert_eq!(check(CLEAN.as_bytes()), Ok(()));
        assert_eq!(check(format!("\u{feff}{CLEAN}").as_bytes()), Ok(()));
    }

    #[test]
    fn scripts_and_active_elements_are_refused() {
        assert!(refused(&wrap("<script>alert(1)</script>")).contains("<script>"));
        assert!(refused(&wrap("<SCRIPT>alert(1)</SCRIPT>")).contains("<script>"));
        assert!(
            refused(&wrap(
                r#"<h:script xmlns:h="http://www.w3.org/1999/xhtml"/>"#
            ))
            .contains("script")
        );
        assert!(
            refused(&wrap("<foreignObject><p>hi</p></foreignObject>")).contains("foreignobject")
        );
        assert!(refused(&wrap("<iframe/>")).contains("iframe"));
    }

    #[test]
    fn event_attributes_are_refused() {
        assert!(
            refused(r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#)
                .contains("onload")
        );
        assert!(refused(&wrap(r#"<rect ONCLICK="x()"/>"#)).contains("onclick"));
        assert!(
            refused(&wrap(r#"<set attributeName="onclick" to="alert(1)"/>"#)).contains("animates")
        );
        assert!(
            refused(&wrap(r##"<animate attributeName="href" values="#a"/>"##)).contains("animates")
        );
    }

    #[test]
    fn references_outside_the_file_are_refused() {
        for bad in [
            r#"<a href="javascript:alert(1)"><rect/></a>"#,
            r#"<a xlink:href="&#106;avascript:alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink"/>"#,
            r#"<a href="java&#9;script:alert(1)"/>"#,
            r#"<image href="data:image/png;base64,AAAA"/>"#,
            r#"<image href="https://evil.example/x.png"/>"#,
            r#"<use href="http://evil.example/s.svg#x"/>"#,
            r#"<use href="//evil.example/s.svg#x"/>"#,
            r#"<rect style="fill: url(https://evil.example/x)"/>"#,
            r#"<rect fill="url( 'data:image/svg+xml,x' )"/>"#,
            r#"<style>@import url(https://evil.example/a.css);</style>"#,
            r#"<style><![CDATA[ rect { fill: url(http://evil.example/p) } ]]></style>"#,
            r#"<style>rect { background: u\72l(http://evil.example/p) }</style>"#,
        ] {
            refused(&wrap(bad));
        }
    }

    #[test]
    fn what_is_not_a_plain_svg_document_is_refused() {
        assert!(refused(r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#).contains("DOCTYPE"));
        assert!(
            refused(r#"<?xml-stylesheet href="https://evil.example/a.css"?><svg/>"#)
                .contains("processing instruction")
        );
        assert!(refused("<html><body>hi</body></html>").contains("root"));
        assert!(refused("<svg><g></svg>").contains("well-formed"));
        assert!(refused("<svg><g>").contains("well-formed"));
        assert!(refused("<svg></svg><svg></svg>").contains("more than one root"));
        assert!(refused("<svg></svg> trailing").contains("outside"));
        assert!(refused("<svg>&nbsp;</svg>").contains("entity"));
        assert!(
            refused("not xml at all").contains("root")
                || refused("not xml at all").contains("outside")
        );
        assert!(refused(r#"<?xml version="1.0" encoding="ISO-8859-1"?><svg/>"#).contains("UTF-8"));
        assert!(check(b"<svg>\xff</svg>").is_err());
        assert!(refused(r#"<svg a="1" a="2"/>"#).contains("attribute"));
    }
}
