//! A practice's body is Markdown, shown as HTML. It is rendered by `pulldown-cmark` and
//! the HTML is cleaned by `ammonia` (an allow-list sanitiser built on html5ever), never by
//! hand: no script, no raw HTML, no `javascript:` (or any scheme but http, https and
//! mailto), no event attributes, no styles. Raw HTML written into the Markdown is shown
//! as text, not passed through.

use pulldown_cmark::{html, Event, Options, Parser};

/// The body as safe HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // Raw HTML in the Markdown becomes plain text: people write Markdown here, and an
    // HTML block would otherwise be one sanitiser bug away from the page.
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, events);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"])
        .clean(&unsafe_html)
        .to_string()
}

/// The words of the body without the Markdown (what search indexes and snippets quote):
/// text and code, with block ends as line breaks; link targets and markup dropped.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::TagEnd;
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payloads from the usual XSS cheat sheets, as Markdown and as raw HTML.
    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "![x](javascript:alert(1))",
        "<div onclick=\"alert(1)\">x</div>",
        "<body onload=alert(1)>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "[x](&#106;avascript:alert(1))",
        "<details open ontoggle=alert(1)>",
        "<form action=javascript:alert(1)><button>x</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<a href=\"https://example.jp\" onmouseover=\"alert(1)\">x</a>",
        "<base href=\"javascript:alert(1)//\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ];

    /// The markup only (tags with their attributes), without the text between them:
    /// a payload shown as text is harmless, the same words inside a tag are not.
    fn tags_only(html: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in html.chars() {
            if c == '<' {
                inside = true;
            }
            if inside {
                out.push(c);
            }
            if c == '>' {
                inside = false;
                out.push(' ');
            }
        }
        out
    }

    #[test]
    fn xss_payloads_come_out_harmless() {
        for payload in PAYLOADS {
            let html = tags_only(&render(payload).to_lowercase());
            for bad in [
                "<script",
                "<img",
                "<svg",
                "<iframe",
                "<object",
                "<style",
                "<form",
                "<input",
                "<base",
                "<meta",
                "onerror",
                "onload",
                "onclick",
                "ontoggle",
                "onfocus",
                "onmouseover",
                "href=\"javascript",
                "href=\"data:",
                "href=\"vbscript",
                "src=\"javascript",
            ] {
                assert!(!html.contains(bad), "{payload:?} rendered as {html:?}");
            }
        }
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = render(
            "## 取り組みの概要\n\n- 週20時間から\n- **職場見学**を実施\n\n[報告書](https://example.jp/report.pdf)",
        );
        assert!(html.contains("<h2>取り組みの概要</h2>"), "{html}");
        assert!(html.contains("<li>週20時間から</li>"));
        assert!(html.contains("<strong>職場見学</strong>"));
        assert!(html.contains("href=\"https://example.jp/report.pdf\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        // Raw HTML is shown as text.
        assert!(render("<b>太字</b>").contains("&lt;b&gt;"));
    }

    #[test]
    fn plain_text_keeps_the_words_only() {
        let text = plain_text(
            "# 見出し\n\n**就労**体験の[案内](https://example.jp)。\n\n- 一つ目\n- 二つ目",
        );
        assert_eq!(text, "見出し\n就労体験の案内。\n一つ目\n二つ目");
    }
}
