#!/usr/bin/env python3
"""Checks the HTML pages of `lexc doc` against the lexicon JSON they came
from, read here with Python's json module and not with lexc's loader.

usage: doc_check.py PAGES_DIR LEXICON_FILE_OR_DIR...

For every def of every document: its section (the anchor of its name), its
type, its description (or "No description available"), its raw JSON (parsed
and compared), and for every object, params, input and output a table row
per property with its name, type, required flag, description and exactly
the constraints of the schema, nested inline objects under the anchor of
their JSON path; every error with its description. Then every link of every
page resolves to a page and an anchor in it, and no id is defined twice.
Prints each failure and exits 1 if there is any."""

import html.parser
import json
import os
import re
import sys

FAILURES = []


def fail(where, msg):
    FAILURES.append(f"{where}: {msg}")


class Page(html.parser.HTMLParser):
    """The parts of a page the checks read: ids, links, headings, the
    facts (dl), paragraphs and preformatted blocks of each h2 section, and
    every table with its caption and the anchor of the heading before it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = {}
        self.links = []
        self.tables = []
        self.sections = {}  # h2 id -> {"facts": {}, "paras": [], "pre": []}
        self.section = None
        self.anchor = None  # id of the last heading
        self.stack = []
        self.buf = None  # text being collected
        self.table = None
        self.row = None
        self.term = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                fail(self.name, f"id {a['id']!r} defined twice")
            self.ids[a["id"]] = tag
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.anchor = a.get("id")
            if tag == "h2":
                self.section = {"facts": {}, "paras": [], "pre": []}
                self.sections[a.get("id")] = self.section
        if tag == "table":
            self.table = {"caption": None, "anchor": self.anchor, "head": [], "rows": []}
            self.tables.append(self.table)
        if tag == "tr" and self.table is not None:
            self.row = []
        if tag in ("td", "th", "caption", "p", "dt", "dd", "code", "pre") and self.buf is None:
            self.buf = []
            self.stack.append(tag)
        elif tag == "br" and self.buf is not None:
            self.buf.append("\n")

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            s = "".join(self.buf)
            self.buf = None
            if tag == "caption":
                self.table["caption"] = s
            elif tag in ("th", "td") and self.row is not None:
                self.row.append(s)
            elif tag == "p" and self.section is not None:
                self.section["paras"].append(s)
            elif tag == "dt":
                self.term = s
            elif tag == "dd" and self.section is not None and self.term is not None:
                self.section["facts"][self.term] = s
            elif tag == "pre" and self.section is not None:
                self.section["pre"].append(s)
        if tag == "tr" and self.row is not None:
            if not self.table["head"] and not self.table["rows"]:
                self.table["head"] = self.row
            else:
                self.table["rows"].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.buf is not None:
            self.buf.append(data)


def load_page(path):
    p = Page()
    p.name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p


PLAIN = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def path_key(base, key):
    if PLAIN.match(key):
        return f"{base}.{key}"
    return f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def expected_type(t):
    k = t.get("type")
    if k == "ref":
        return t["ref"]
    if k == "union":
        head = "closed union of " if t.get("closed") else "union of "
        return head + (", ".join(t.get("refs", [])) or "no variants")
    if k == "array":
        return "array of " + expected_type(t["items"]) if "items" in t else "array"
    return k


def unit(v, u):
    """ " bytes" for 2, " byte" for 1."""
    return u[:-1] if v == 1 and u else u


def js(v):
    return "true" if v is True else "false" if v is False else str(v)


def expected_constraints(t, prefix=""):
    k = t.get("type")
    out = []
    p = prefix
    if k == "string":
        if "format" in t:
            out.append(("prefix", f"{p}format: {t['format']}"))
        for key, u in (("minLength", " bytes"), ("maxLength", " bytes"),
                          ("minGraphemes", ""), ("maxGraphemes", "")):
            if key in t:
                out.append(("line", f"{p}{key}: {t[key]}{unit(t[key], u)}"))
        for key in ("enum", "knownValues"):
            if key in t:
                out.append(("line", f"{p}{key}: {', '.join(t[key]) or 'none'}"))
        for key in ("default", "const"):
            if key in t:
                out.append(("line", f"{p}{key}: {t[key]}"))
    elif k == "integer":
        for key in ("minimum", "maximum"):
            if key in t:
                out.append(("line", f"{p}{key}: {t[key]}"))
        if "enum" in t:
            out.append(("line", f"{p}enum: {', '.join(str(v) for v in t['enum'])}"))
        for key in ("default", "const"):
            if key in t:
                out.append(("line", f"{p}{key}: {t[key]}"))
    elif k == "boolean":
        for key in ("default", "const"):
            if key in t:
                out.append(("line", f"{p}{key}: {js(t[key])}"))
    elif k == "bytes":
        for key in ("minLength", "maxLength"):
            if key in t:
                out.append(("line", f"{p}{key}: {t[key]}{unit(t[key], ' bytes')}"))
    elif k == "blob":
        if "accept" in t:
            out.append(("line", f"{p}accept: {', '.join(t['accept']) or 'none'}"))
        if "maxSize" in t:
            out.append(("line", f"{p}maxSize: {t['maxSize']}{unit(t['maxSize'], ' bytes')}"))
    elif k == "array":
        for key in ("minLength", "maxLength"):
            if key in t:
                out.append(("line", f"{p}{key}: {t[key]}{unit(t[key], ' items')}"))
        if "items" in t:
            out += expected_constraints(t["items"], p + "items ")
    return out


def check_constraints(where, cell, expected):
    lines = [x for x in cell.split("\n") if x != ""]
    if len(lines) != len(expected):
        fail(where, f"constraints {lines!r}, expected {[e[1] for e in expected]!r}")
        return
    for line, (kind, want) in zip(lines, expected):
        want = re.sub(r"[\t\r\n]", " ", want)  # a cell is one line
        # a format is followed by its meaning, in parentheses
        if kind == "prefix":
            ok = line.startswith(want + " (") and line.endswith(")") and len(line) > len(want) + 3
        else:
            ok = line == want
        if not ok:
            fail(where, f"constraint {line!r}, expected {want!r}")


def inline_object(t):
    while t.get("type") == "array" and "items" in t:
        t = t["items"]
    return t if t.get("type") == "object" else None


def check_object(page, where, obj, base, table):
    props = obj.get("properties", {})
    if not props:
        if table is not None:
            fail(where, "a table for an object without properties")
        return
    if table is None:
        fail(where, "no table of properties")
        return
    if table["head"] != ["Name", "Type", "Required", "Description", "Constraints"]:
        fail(where, f"table head {table['head']!r}")
    rows = {r[0]: r for r in table["rows"]}
    if [r[0] for r in table["rows"]] != list(props):
        fail(where, f"rows {[r[0] for r in table['rows']]!r}, properties {list(props)!r}")
    required = set(obj.get("required", []))
    nullable = set(obj.get("nullable", []))
    for name, t in props.items():
        w = f"{where}: property {name}"
        r = rows.get(name)
        if r is None or len(r) != 5:
            fail(w, "no row")
            continue
        if r[1] != expected_type(t):
            fail(w, f"type {r[1]!r}, expected {expected_type(t)!r}")
        if r[2] != ("yes" if name in required else "no"):
            fail(w, f"required {r[2]!r}")
        desc = t.get("description") or "No description available"
        if r[3] != " ".join(desc.replace("\r", " ").replace("\t", " ").split("\n")) and \
                r[3] != desc:
            fail(w, f"description {r[3]!r}, expected {desc!r}")
        exp = ([("line", "nullable")] if name in nullable else []) + expected_constraints(t)
        check_constraints(w, r[4], exp)
        inner = inline_object(t)
        if inner is not None:
            path = path_key(path_key(base, "properties"), name)
            u = t
            while u.get("type") == "array":
                path = path_key(path, "items")
                u = u["items"]
            anchor = path[2:]
            if anchor not in page.ids:
                fail(w, f"no anchor {anchor!r} for its object")
            sub = [x for x in page.tables if x["anchor"] == anchor]
            check_object(page, f"{w} (inline object)", inner, path, sub[0] if sub else None)


def table_by_caption(page, caption):
    found = [t for t in page.tables if t["caption"] == caption]
    return found[0] if found else None


def check_def(page, nsid, name, d):
    full = nsid if name == "main" else f"{nsid}#{name}"
    where = f"{nsid}.html#{name}"
    sec = page.sections.get(name)
    if sec is None:
        fail(where, "no section")
        return
    k = d.get("type")
    kind = sec["facts"].get("Type")
    if k in ("record", "query", "procedure", "subscription", "permission-set", "object",
             "token"):
        if kind != k:
            fail(where, f"type {kind!r}, expected {k!r}")
    elif kind != expected_type(d):
        fail(where, f"type {kind!r}, expected {expected_type(d)!r}")
    if sec["facts"].get("Reference") != full:
        fail(where, f"reference {sec['facts'].get('Reference')!r}")
    desc = d.get("description") or "No description available"
    if desc not in sec["paras"]:
        fail(where, f"description {desc!r} not found")
    raw = [json.loads(x) for x in sec["pre"]]
    if raw != [d]:
        fail(where, "raw JSON differs from the lexicon's")
    base = f"$.defs.{name}" if PLAIN.match(name) else path_key("$.defs", name)
    if k == "record" and "record" in d:
        check_object(page, where, d["record"], path_key(base, "record"),
                     table_by_caption(page, f"Properties of {full}"))
    elif k == "object":
        check_object(page, where, d, base, table_by_caption(page, f"Properties of {full}"))
    elif k in ("query", "procedure", "subscription"):
        if "parameters" in d:
            check_object(page, f"{where} parameters", d["parameters"],
                         path_key(base, "parameters"),
                         table_by_caption(page, f"Parameters of {full}"))
        for part, title in (("input", "Input"), ("output", "Output")):
            b = d.get(part)
            if b is None or b.get("schema", {}).get("type") != "object":
                continue
            check_object(page, f"{where} {part}", b["schema"],
                         path_key(path_key(base, part), "schema"),
                         table_by_caption(page, f"{title} of {full}"))
        errors = d.get("errors", [])
        t = table_by_caption(page, f"Errors of {full}")
        if errors:
            want = [[e["name"], e.get("description") or "No description available"]
                    for e in errors]
            got = t["rows"] if t else None
            if got != want:
                fail(where, f"errors {got!r}, expected {want!r}")
        elif t is not None:
            fail(where, "an errors table without errors")


def lexicon_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(x for x in dirs if not x.startswith("."))
                for f in sorted(files):
                    if f.endswith(".json") and not f.startswith("."):
                        yield os.path.join(root, f)
        else:
            yield p


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    pages_dir = sys.argv[1]
    pages = {}
    for f in sorted(os.listdir(pages_dir)):
        if f.endswith(".html"):
            pages[f] = load_page(os.path.join(pages_dir, f))
    docs = 0
    defs = 0
    for path in lexicon_files(sys.argv[2:]):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        nsid = doc["id"]
        page = pages.get(f"{nsid}.html")
        if page is None:
            fail(nsid, "no page")
            continue
        docs += 1
        for name, d in doc.get("defs", {}).items():
            defs += 1
            check_def(page, nsid, name, d)
        index = pages.get("index.html")
        if index is not None and f"{nsid}.html" not in index.links:
            fail("index.html", f"no link to {nsid}.html")
    links = 0
    for name, page in pages.items():
        for href in page.links:
            links += 1
            file, _, frag = href.partition("#")
            target = pages.get(file) if file else page
            if target is None:
                fail(name, f"link {href!r}: no page {file!r}")
            elif frag and frag not in target.ids:
                fail(name, f"link {href!r}: no anchor {frag!r}")
    for f in FAILURES[:200]:
        print(f)
    if len(FAILURES) > 200:
        print(f"... and {len(FAILURES) - 200} more")
    print(f"{docs} documents, {defs} defs, {len(pages)} pages, {links} links checked; "
          f"{len(FAILURES)} failures")
    return 1 if FAILURES or docs == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
