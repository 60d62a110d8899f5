/* Markdown and HTML for doc.c (doc_markup.h). */
#include "config.h"

#include "doc_markup.h"

#include <string.h>

static bool html(const doc_out *o)
{
	return o->fmt == DOC_HTML;
}

void doc_textn(doc_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c == '\n' || c == '\r' || c == '\t') && o->in_cell) {
			text_putc(o->t, ' ');
		} else if (html(o)) {
			switch (c) {
			case '&':
				text_puts(o->t, "&amp;");
				break;
			case '<':
				text_puts(o->t, "&lt;");
				break;
			case '>':
				text_puts(o->t, "&gt;");
				break;
			case '"':
				text_puts(o->t, "&quot;");
				break;
			default:
				text_putc(o->t, c);
			}
		} else {
			/* CommonMark lets a backslash escape any ASCII punctuation;
			 * these are the ones that could start markup. */
			if (c != '\0' && strchr("\\`*_[]<>|#~&!", c) != NULL)
				text_putc(o->t, '\\');
			text_putc(o->t, c);
		}
	}
}

void doc_text(doc_out *o, const char *s)
{
	doc_textn(o, s, strlen(s));
}

/* A Markdown fence of backticks, one longer than the longest run of them
 * in `s` and at least `min` long. */
static void put_fence(doc_out *o, const char *s, size_t min)
{
	size_t run = 0, longest = 0;
	for (const char *p = s; *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (size_t i = 0; i <= longest || i < min; i++)
		text_putc(o->t, '`');
}

void doc_code(doc_out *o, const char *s)
{
	if (html(o)) {
		text_puts(o->t, "<code>");
		doc_text(o, s);
		text_puts(o->t, "</code>");
		return;
	}
	put_fence(o, s, 1);
	bool pad = s[0] == '`' || (s[0] != '\0' && s[strlen(s) - 1] == '`');
	if (pad)
		text_putc(o->t, ' ');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || (*p == '\t' && o->in_cell))
			text_putc(o->t, ' ');
		else if (*p == '|' && o->in_cell)
			text_puts(o->t, "\\|"); /* tables split cells before code spans */
		else
			text_putc(o->t, *p);
	}
	if (pad)
		text_putc(o->t, ' ');
	put_fence(o, s, 1);
}

/* An href: our own names and NSIDs only, but escaped all the same. */
static void put_href(doc_out *o, const char *href)
{
	for (const char *p = href; *p != '\0'; p++) {
		if (html(o) && *p == '&')
			text_puts(o->t, "&amp;");
		else if (html(o) && *p == '"')
			text_puts(o->t, "&quot;");
		else if (!html(o) && (*p == '(' || *p == ')' || *p == ' '))
			text_printf(o->t, "%%%02X", (unsigned char)*p);
		else
			text_putc(o->t, *p);
	}
}

void doc_link(doc_out *o, const char *href, const char *label, bool code)
{
	if (html(o)) {
		text_puts(o->t, "<a href=\"");
		put_href(o, href);
		text_puts(o->t, "\">");
	} else {
		text_putc(o->t, '[');
	}
	if (code)
		doc_code(o, label);
	else
		doc_text(o, label);
	if (html(o)) {
		text_puts(o->t, "</a>");
	} else {
		text_puts(o->t, "](");
		put_href(o, href);
		text_putc(o->t, ')');
	}
}

void doc_none(doc_out *o, const char *s)
{
	text_puts(o->t, html(o) ? "<span class=\"none\">" : "*");
	doc_text(o, s);
	text_puts(o->t, html(o) ? "</span>" : "*");
}

void doc_list_begin(doc_out *o)
{
	o->first_item = true;
}

void doc_sep(doc_out *o)
{
	if (!o->first_item)
		text_puts(o->t, html(o) ? "<br>" : "; ");
	o->first_item = false;
}

void doc_heading_begin(doc_out *o, int level, const char *id)
{
	if (html(o)) {
		text_printf(o->t, "<h%d", level);
		if (id != NULL) {
			text_puts(o->t, " id=\"");
			put_href(o, id);
			text_putc(o->t, '"');
		}
		text_putc(o->t, '>');
		return;
	}
	if (id != NULL) {
		text_puts(o->t, "<a id=\"");
		put_href(o, id);
		text_puts(o->t, "\"></a>\n\n");
	}
	for (int i = 0; i < level; i++)
		text_putc(o->t, '#');
	text_putc(o->t, ' ');
	o->in_cell = true; /* a heading is one line */
}

void doc_heading_end(doc_out *o, int level)
{
	o->in_cell = false;
	if (html(o))
		text_printf(o->t, "</h%d>\n", level);
	else
		text_puts(o->t, "\n\n");
}

void doc_para_begin(doc_out *o)
{
	if (html(o))
		text_puts(o->t, "<p>");
}

void doc_para_end(doc_out *o)
{
	text_puts(o->t, html(o) ? "</p>\n" : "\n\n");
}

void doc_facts_begin(doc_out *o)
{
	if (html(o))
		text_puts(o->t, "<dl>\n");
}

void doc_facts_end(doc_out *o)
{
	text_puts(o->t, html(o) ? "</dl>\n" : "\n");
}

void doc_fact_begin(doc_out *o, const char *term)
{
	if (html(o)) {
		text_puts(o->t, "<dt>");
		doc_text(o, term);
		text_puts(o->t, "</dt><dd>");
	} else {
		text_puts(o->t, "- **");
		doc_text(o, term);
		text_puts(o->t, ":** ");
		o->in_cell = true;
	}
}

void doc_fact_end(doc_out *o)
{
	o->in_cell = false;
	text_puts(o->t, html(o) ? "</dd>\n" : "\n");
}

void doc_section_begin(doc_out *o)
{
	if (html(o))
		text_puts(o->t, "<section>\n");
}

void doc_section_end(doc_out *o)
{
	if (html(o))
		text_puts(o->t, "</section>\n");
}

void doc_table_begin(doc_out *o, const char *caption, const char *const *cols, size_t n)
{
	if (html(o)) {
		text_puts(o->t, "<table>\n<caption>");
		doc_text(o, caption);
		text_puts(o->t, "</caption>\n<thead><tr>");
		for (size_t i = 0; i < n; i++) {
			text_puts(o->t, "<th scope=\"col\">");
			doc_text(o, cols[i]);
			text_puts(o->t, "</th>");
		}
		text_puts(o->t, "</tr></thead>\n<tbody>\n");
		return;
	}
	text_putc(o->t, '|');
	for (size_t i = 0; i < n; i++) {
		text_putc(o->t, ' ');
		doc_text(o, cols[i]);
		text_puts(o->t, " |");
	}
	text_puts(o->t, "\n|");
	for (size_t i = 0; i < n; i++)
		text_puts(o->t, " --- |");
	text_putc(o->t, '\n');
}

void doc_row_begin(doc_out *o)
{
	text_puts(o->t, html(o) ? "<tr>" : "|");
}

void doc_cell_begin(doc_out *o)
{
	text_puts(o->t, html(o) ? "<td>" : " ");
	o->in_cell = true;
}

void doc_cell_end(doc_out *o)
{
	o->in_cell = false;
	text_puts(o->t, html(o) ? "</td>" : " |");
}

void doc_row_end(doc_out *o)
{
	text_puts(o->t, html(o) ? "</tr>\n" : "\n");
}

void doc_table_end(doc_out *o)
{
	text_puts(o->t, html(o) ? "</tbody>\n</table>\n" : "\n");
}

void doc_raw_block(doc_out *o, const char *summary, const char *lang, const char *body)
{
	if (html(o)) {
		text_puts(o->t, "<details>\n<summary>");
		doc_text(o, summary);
		text_puts(o->t, "</summary>\n<pre><code>");
		doc_text(o, body);
		text_puts(o->t, "</code></pre>\n</details>\n");
		return;
	}
	text_puts(o->t, "**");
	doc_text(o, summary);
	text_puts(o->t, "**\n\n");
	put_fence(o, body, 3);
	text_printf(o->t, "%s\n%s\n", lang, body);
	put_fence(o, body, 3);
	text_puts(o->t, "\n\n");
}

/* Light by default, dark where the reader's system asks for it; system
 * fonts only, so the page needs no network. */
static const char style[] =
        ":root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;"
        "--head:#f6f8fa;--link:#0550ae;--code:#eff1f3}\n"
        "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;"
        "--line:#30363d;--head:#161b22;--link:#58a6ff;--code:#1f2630}}\n"
        "body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,sans-serif}\n"
        "main,nav{max-width:72rem;margin:0 auto;padding:0 1rem}\n"
        "nav{padding-top:1rem}\n"
        "a{color:var(--link)}\n"
        "code,pre{font-family:ui-monospace,monospace;font-size:.9em}\n"
        "code{background:var(--code);padding:.1em .3em;border-radius:4px}\n"
        "pre{background:var(--code);padding:1rem;overflow:auto;border-radius:6px}\n"
        "pre code{padding:0;background:none}\n"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}\n"
        "caption{text-align:left;color:var(--muted);padding:.25rem 0}\n"
        "th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;"
        "vertical-align:top}\n"
        "th{background:var(--head)}\n"
        "dl{display:grid;grid-template-columns:max-content auto;gap:.25rem 1rem}\n"
        "dt{color:var(--muted)}dd{margin:0}\n"
        "section{border-top:1px solid var(--line);margin-top:2rem}\n"
        ".none{color:var(--muted);font-style:italic}\n";

void doc_page_begin(doc_out *o, const char *title, const char *index_href)
{
	if (!html(o)) {
		if (index_href != NULL) {
			doc_link(o, index_href, "Index", false);
			text_puts(o->t, "\n\n");
		}
		return;
	}
	text_puts(o->t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                /* no favicon request: the page needs nothing else */
	                "<link rel=\"icon\" href=\"data:,\">\n"
	                "<title>");
	doc_text(o, title);
	text_puts(o->t, "</title>\n<style>\n");
	text_puts(o->t, style);
	text_puts(o->t, "</style>\n</head>\n<body>\n");
	if (index_href != NULL) {
		text_puts(o->t, "<nav>");
		doc_link(o, index_href, "Index", false);
		text_puts(o->t, "</nav>\n");
	}
	text_puts(o->t, "<main>\n");
}

void doc_page_end(doc_out *o)
{
	if (html(o))
		text_puts(o->t, "</main>\n</body>\n</html>\n");
}
