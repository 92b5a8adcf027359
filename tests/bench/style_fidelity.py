#!/usr/bin/python3
"""Style fidelity of a translated PDF: does each translated block keep the look of the text it replaces? (issue 12)

usage:
  style_fidelity.py ORIGINAL.pdf TRANSLATED.pdf SEGMENTS.json [--json] [--details]
  style_fidelity.py --self ORIGINAL.pdf SEGMENTS.json [--json] [--details]
  style_fidelity.py --run CLI FILE.pdf [--pages R] [--to LANG] [--keep DIR] [--with-self] [--json] [--details]

SEGMENTS.json is what `overtext-cli translate ... --segments-out FILE.json` writes: a list of segments with id, page
(1-based), box [x0, y0, x1, y1] in points with a top-left origin on the page as displayed, text, kind, status and
translation. Only prose segments whose status is "translated" and whose translation is not empty are scored.

--run runs `CLI translate FILE --to es --provider apertium --pages R -o OUT.pdf --segments-out OUT.json --no-cache`
in a temporary folder (or DIR with --keep, which is kept) and scores the result; --with-self also prints the sanity
figures below. --self scores ORIGINAL against itself, with every segment's translation replaced by its text: a check of
this script, which should give 1.0 everywhere.

The script is run by /usr/bin/python3 on purpose: PyMuPDF comes from Debian's python3-fitz (scripts/deps), which only
the system interpreter sees.

Picking the characters
----------------------
Original side: every non-blank glyph of ORIGINAL whose centre lies inside the segment's box grown by 1 pt. Centres,
not whole glyph boxes: PyMuPDF's glyph boxes span the font's ascent and descent and are taller than the word boxes the
segments are built from.

Translation side: the exporter removes the original text inside the box and draws the translation there, possibly in
the box grown downwards (today up to 2.5 x its height + 24 pt) or to the right (1.5 x its width) into free space. A
fixed region would pick up neighbouring text, and a loose one the translation of the block below, so the glyphs are
picked by what they say, not only by where they are:
  1. Glyphs of TRANSLATED that are also in ORIGINAL, same character, same font and same place (within 0.75 pt), are
     original text the exporter left alone (page numbers, formulas, code, text outside the pages translated) and are
     dropped. Such glyphs inside a scored box would be original text left under the translation; they are counted
     ("leftover") and not scored. (--self keeps them: there the "translation" is the original.)
  2. Candidates for a segment are the remaining glyphs whose centre lies in its box grown by 2 pt up and left,
     by 2 x height + 36 pt down and by 0.75 x width + 12 pt right, except glyphs inside another segment's box (the
     painter never grows into another block), in the order PyMuPDF reads them (content-stream order, which for the
     overlay is the painter's line order).
  3. The candidates' characters (NFKC, lower case, blanks removed) are aligned with the segment's translation text
     (same normalisation) by difflib's SequenceMatcher at the character level. Character level, not word level, so a
     word the painter hyphenates or a ligature splits still matches. Only matching runs of 3 characters or more are
     kept (all runs when the translation itself is shorter than 3 characters), so a stray letter of a neighbour does
     not count.
  4. A glyph claimed by two segments goes to the one whose box is nearest its centre.
"coverage" is the share of the translation's characters matched. A segment with a coverage below 0.5 is reported as
not located and left out of the style figures; the share located is printed beside them. (With the translations
shuffled among a page's segments, about a fifth of the characters still match in runs of 3 or more, by chance: "ción",
" de "; with the right ones, nearly all.)

Style of a glyph
----------------
From PyMuPDF's span: fill colour (sRGB), size, font name and flags (bit 1 italic, 2 serif, 3 mono, 4 bold). The same
rules apply to both PDFs:
  - bold: the bold flag, or a name saying so (Bold, Black, Heavy, Semibold, Demi, Nimbus "Medi", TeX CMBX/CMB/CMSSBX,
    EC SFBX/SFSX/SFBI/SFBL/SFRB/SFXC, ...);
  - italic: the italic flag, or a name saying so (Italic, Oblique, Slant, Ital, -It, TeX CMTI/CMSL/CMMI/CMSSI/CMITT,
    EC SFTI/SFSL/SFBI/SFSI/SFSO/SFIT/SFST, ...);
  - family, one of serif / sans / mono: from the name when the name tells (Courier, Mono, Consol, Typewriter,
    CMTT, SFTT -> mono; Sans, Arial, Helvetica, Calibri, Verdana, CMSS, SFSS/SFSX -> sans; Times, Roman, Serif,
    Georgia, Palatino, Nimbus Rom, other CM / EC names -> serif), else from the flags (mono flag -> mono, serif flag
    -> serif, otherwise sans). The name comes first because MuPDF sets the serif flag on TeX's sans fonts.
A bold or italic face synthesised by stroking or slanting a regular font is not visible this way; it counts as regular.

Figures
-------
Per segment: dominant fill colour and dominant size (by glyph count, sizes rounded to 0.1 pt) on each side; shares of
bold, italic, serif, sans and mono glyphs on each side.
  - colour agrees when the two dominant colours differ by at most 48/255 on every channel;
  - bold agreement = 1 - |bold share in original - bold share in translation|; italic alike; family agreement =
    1 - half the sum over the three classes of |share in original - share in translation| (total variation). Shares,
    not glyph-by-glyph comparison, because glyphs of two languages do not pair up: a heading that stays bold scores 1,
    a bold heading painted regular 0, a paragraph with 5 % bold words painted all regular 0.95;
  - size kept when the translation's dominant size >= 0.9 x the original's (the painter may shrink a block that does
    not fit a little; more than 10 % is a visible change).
Per document: each figure averaged over the located segments, weighted by the segment's original glyph count (colour
and size kept are thus the share of glyphs in segments that agree).
"""
import argparse
import atexit
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

try:
    import fitz  # PyMuPDF
except ImportError:
    sys.exit("style_fidelity.py: PyMuPDF is missing; install python3-fitz (scripts/deps) and run with /usr/bin/python3")

GOALS = {"colour": 0.95, "bold": 0.97, "family": 0.95, "italic": 0.95}
COLOUR_TOLERANCE = 48
SIZE_KEPT = 0.9
MIN_RUN = 3
SAME_PLACE = 0.75
LOCATED = 0.5
FAMILIES = ("serif", "sans", "mono")

# --- fonts -----------------------------------------------------------------------------------------------------------

# TeX's Computer Modern and EC (cm-super "SF..") names: prefix, then a shape code, then the design size.
_TEX_NAME = re.compile(r"^(cm|sf|ec|tc)([a-z]+?)(\d+)?$")
_EC_SHAPES = {
    # shape: (family, bold, italic)
    "rm": ("serif", False, False), "bx": ("serif", True, False), "rb": ("serif", True, False),
    "ti": ("serif", False, True), "bi": ("serif", True, True), "sl": ("serif", False, True),
    "bl": ("serif", True, True), "cc": ("serif", False, False), "xc": ("serif", True, False),
    "ui": ("serif", False, True), "ss": ("sans", False, False), "sx": ("sans", True, False),
    "si": ("sans", False, True), "so": ("sans", False, True), "tt": ("mono", False, False),
    "it": ("mono", False, True), "st": ("mono", False, True),
}


def _tex_style(base):
    """(family, bold, italic) for a Computer Modern or EC font name (lower case), or None if it is not one."""
    m = _TEX_NAME.match(base)
    if not m:
        return None
    prefix, shape = m.group(1), m.group(2)
    if prefix != "cm":
        return _EC_SHAPES.get(shape[:2])
    # Computer Modern: r, bx, b, ti, sl, bxti, bxsl, csc, ss, ssbx, ssdc, ssi, ssqi, tt, sltt, itt, mi (math italic),
    # mib, sy, bsy, ex, ...
    if shape.startswith(("tt", "sltt", "itt", "vtt", "tcsc")):
        return ("mono", False, shape.startswith(("sltt", "itt")))
    if shape.startswith("ss"):
        return ("sans", "bx" in shape or "dc" in shape, "i" in shape[2:])
    bold = shape.startswith("b") or shape == "mib"
    italic = "ti" in shape or "sl" in shape or shape.startswith("mi")
    return ("serif", bold, italic)


_MONO = re.compile(r"courier|mono|consol|typewriter|menlo|inconsolata|fixed|nimbusmon|lucidaconsole|andale|"
                   r"sourcecode|firacode", re.I)
_SANS = re.compile(r"sans|arial|helvet|calibri|verdana|tahoma|segoe|gill|futura|roboto|^lato|carlito|nimbussan|"
                   r"frutiger|myriad|avenir|trebuchet|ubuntu|cantarell|franklin|univers|optima|gothic", re.I)
_SERIF = re.compile(r"serif|roman|times|georgia|garamond|palatino|palladio|minion|cambria|caslon|baskerville|"
                    r"bookman|century|charter|utopia|nimbusrom|tinos|caladea|schoolbook|didot|bodoni|"
                    r"constantia|mincho|song", re.I)
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|medi(?!um)|-bd$|-sb$", re.I)
_ITALIC = re.compile(r"italic|oblique|slant|ital|kursiv|inclined|-[a-z]*it$", re.I)


def font_style(name, flags):
    """(family, bold, italic) of a glyph from its font name and PyMuPDF span flags."""
    base = name.split("+", 1)[-1]
    flag_bold = bool(flags & 16)
    flag_italic = bool(flags & 2)
    tex = _tex_style(base.lower())
    if tex is not None:
        family, bold, italic = tex
        return family, bold or flag_bold, italic or flag_italic
    if _MONO.search(base):
        family = "mono"
    elif _SANS.search(base):
        family = "sans"
    elif _SERIF.search(base):
        family = "serif"
    elif flags & 8:
        family = "mono"
    elif flags & 4:
        family = "serif"
    else:
        family = "sans"
    return family, flag_bold or bool(_BOLD.search(base)), flag_italic or bool(_ITALIC.search(base))


# --- glyphs ----------------------------------------------------------------------------------------------------------


class Glyph:
    __slots__ = ("c", "x", "y", "font", "colour", "size", "family", "bold", "italic")

    def __init__(self, c, x, y, font, colour, size, style):
        self.c, self.x, self.y, self.font, self.colour, self.size = c, x, y, font, colour, size
        self.family, self.bold, self.italic = style


_style_cache = {}


def page_glyphs(page):
    """Non-blank glyphs of a page in reading (content-stream) order, centres in displayed-page coordinates."""
    m = page.rotation_matrix
    out = []
    raw = page.get_text("rawdict", flags=fitz.TEXT_PRESERVE_LIGATURES | fitz.TEXT_PRESERVE_WHITESPACE)
    for block in raw["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                key = (span["font"], span["flags"])
                style = _style_cache.get(key)
                if style is None:
                    style = _style_cache[key] = font_style(span["font"], span["flags"])
                colour = span["color"]
                rgb = ((colour >> 16) & 255, (colour >> 8) & 255, colour & 255)
                size = round(span["size"], 1)
                for ch in span["chars"]:
                    c = ch["c"]
                    if not c or c.isspace():
                        continue
                    r = fitz.Rect(ch["bbox"]) * m
                    out.append(Glyph(c, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2, span["font"], rgb, size, style))
    return out


def inside(g, box, grow=0.0):
    return box[0] - grow <= g.x <= box[2] + grow and box[1] - grow <= g.y <= box[3] + grow


def box_distance(g, box):
    dx = max(box[0] - g.x, 0.0, g.x - box[2])
    dy = max(box[1] - g.y, 0.0, g.y - box[3])
    return (dx * dx + dy * dy) ** 0.5


def normalised(text):
    """Letters for matching: NFKC, lower case, no blanks. Returns the characters and, per character, its source index."""
    chars, index = [], []
    for i, c in enumerate(text):
        for n in unicodedata.normalize("NFKC", c):
            if n.isspace():
                continue
            n = n.lower()
            chars.append(n[0] if n else n)
            index.append(i)
    return "".join(chars), index


# --- per segment -----------------------------------------------------------------------------------------------------


def dominant(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0] if counts else None


def profile(glyphs):
    n = len(glyphs)
    return {
        "glyphs": n,
        "colour": dominant(g.colour for g in glyphs),
        "size": dominant(g.size for g in glyphs),
        "bold": sum(g.bold for g in glyphs) / n,
        "italic": sum(g.italic for g in glyphs) / n,
        "family": {f: sum(g.family == f for g in glyphs) / n for f in FAMILIES},
        "fonts": dominant(g.font.split("+", 1)[-1] for g in glyphs),
    }


def hexcolour(rgb):
    return "#%02x%02x%02x" % rgb


def compare(orig, trans):
    colour_ok = max(abs(a - b) for a, b in zip(orig["colour"], trans["colour"])) <= COLOUR_TOLERANCE
    family = 1.0 - 0.5 * sum(abs(orig["family"][f] - trans["family"][f]) for f in FAMILIES)
    return {
        "colour": 1.0 if colour_ok else 0.0,
        "bold": 1.0 - abs(orig["bold"] - trans["bold"]),
        "italic": 1.0 - abs(orig["italic"] - trans["italic"]),
        "family": family,
        "size": 1.0 if trans["size"] >= SIZE_KEPT * orig["size"] else 0.0,
    }


def scored_segments(segments, self_test):
    out = []
    for s in segments:
        if s.get("kind") != "prose":
            continue
        if self_test:
            if s.get("text"):
                out.append(dict(s, translation=s["text"]))
        elif s.get("status") == "translated" and s.get("translation"):
            out.append(s)
    return out


def score(original_pdf, translated_pdf, segments, self_test=False):
    orig_doc = fitz.open(original_pdf)
    trans_doc = orig_doc if self_test else fitz.open(translated_pdf)
    all_by_page, scored_by_page = {}, {}
    for s in segments:
        all_by_page.setdefault(s["page"], []).append(s)
    for s in scored_segments(segments, self_test):
        scored_by_page.setdefault(s["page"], []).append(s)

    results = []
    leftover = 0
    for page_no in sorted(scored_by_page):
        if page_no < 1 or page_no > len(orig_doc) or page_no > len(trans_doc):
            for s in scored_by_page[page_no]:
                results.append({"id": s["id"], "located": False, "reason": "page missing"})
            continue
        orig = page_glyphs(orig_doc[page_no - 1])
        trans = orig if self_test else page_glyphs(trans_doc[page_no - 1])
        if not self_test:
            # Step 1: drop original text the exporter left in place (a grid of 1 pt cells keeps the look-up cheap).
            grid = {}
            for g in orig:
                grid.setdefault((g.c, g.font, int(g.x), int(g.y)), []).append(g)
            kept = []
            for g in trans:
                twin = any(abs(t.x - g.x) <= SAME_PLACE and abs(t.y - g.y) <= SAME_PLACE
                           for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                           for t in grid.get((g.c, g.font, int(g.x) + dx, int(g.y) + dy), ()))
                if not twin:
                    kept.append(g)
                elif any(inside(g, s["box"], 1.0) for s in scored_by_page[page_no]):
                    leftover += 1
            trans = kept

        # Which segments' boxes hold each glyph: the painter never grows a block into another one.
        boxes = [s["box"] for s in all_by_page[page_no]]
        held_by = [[bi for bi, b in enumerate(boxes) if inside(g, b, 0.5)] for g in trans]

        claims = {}  # glyph index in trans -> segment indexes whose translation matched it
        found = []
        for si, s in enumerate(scored_by_page[page_no]):
            box = s["box"]
            own = boxes.index(box) if box in boxes else -1
            h, w = box[3] - box[1], box[2] - box[0]
            region = (box[0] - 2, box[1] - 2, box[2] + 0.75 * w + 12, box[3] + 2 * h + 36)
            cand = [i for i, g in enumerate(trans)
                    if inside(g, region) and (inside(g, box, 1.0) or all(bi == own for bi in held_by[i]))]
            want, _ = normalised(s["translation"])
            have, have_index = normalised("".join(trans[i].c for i in cand))
            matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
            min_run = MIN_RUN if len(want) >= MIN_RUN else 1
            matched = 0
            for block in matcher.get_matching_blocks():
                if block.size < min_run:
                    continue
                matched += block.size
                for k in range(block.b, block.b + block.size):
                    claims.setdefault(cand[have_index[k]], set()).add(si)
            found.append(min(1.0, matched / len(want)) if want else 0.0)

        owned = {si: [] for si in range(len(scored_by_page[page_no]))}
        for gi, owners in claims.items():
            g = trans[gi]
            si = min(owners, key=lambda o: box_distance(g, scored_by_page[page_no][o]["box"]))
            owned[si].append(g)

        for si, s in enumerate(scored_by_page[page_no]):
            mine = [g for g in orig if inside(g, s["box"], 1.0)]
            if not mine:
                results.append({"id": s["id"], "located": False, "reason": "no original glyphs"})
                continue
            if not owned[si] or found[si] < LOCATED:
                results.append({"id": s["id"], "located": False, "reason": "translation not found",
                                "weight": len(mine)})
                continue
            o, t = profile(mine), profile(owned[si])
            results.append({"id": s["id"], "located": True, "weight": len(mine), "coverage": found[si],
                            "original": o, "translation": t, "agree": compare(o, t)})
    return results, leftover


def _styled(r, key, main_family):
    """Does the segment carry the style `key` on either side (for family: any glyph outside the main family)?"""
    sides = (r["original"], r["translation"])
    if key == "family":
        return any(p["family"][main_family] < 1.0 for p in sides)
    return any(p[key] > 0.0 for p in sides)


def aggregate(results, leftover):
    located = [r for r in results if r["located"]]
    weight = sum(r["weight"] for r in located)
    all_weight = sum(r.get("weight", 0) for r in results)

    def mean(key, rows):
        w = sum(r["weight"] for r in rows)
        return sum(r["agree"][key] * r["weight"] for r in rows) / w if w else None

    figures = {k: mean(k, located) for k in ("colour", "bold", "italic", "family", "size")}
    # The figures above are dominated by plain body text, which agrees whenever neither side is bold; the same
    # figures over the segments where the style occurs show how the few bold headings or code lines fare.
    main_family = max(FAMILIES, key=lambda f: sum(r["original"]["family"][f] * r["weight"] for r in located)) \
        if located else "serif"
    styled = {k: mean(k, [r for r in located if _styled(r, k, main_family)]) for k in ("bold", "italic", "family")}
    return {
        "segments": len(results),
        "located": len(located),
        "located_share": weight / all_weight if all_weight else None,
        "coverage": (sum(r["coverage"] * r["weight"] for r in located) / weight) if weight else None,
        "leftover_glyphs": leftover,
        "glyphs": weight,
        # Unweighted, as the issue counted it ("fewer than 1 segment in 8 keeps its colour").
        "colour_by_segment": (sum(r["agree"]["colour"] for r in located) / len(located)) if located else None,
        "main_family": main_family,
        "figures": figures,
        "where_styled": styled,
        "goals": GOALS,
    }


# --- output ----------------------------------------------------------------------------------------------------------


def fmt(v):
    return "  n/a" if v is None else "%.3f" % v


def print_table(title, summary, results, details):
    f = summary["figures"]
    print(title)
    print("  segments scored %d, translation located in %d (%s of glyphs), coverage %s, leftover original glyphs %d"
          % (summary["segments"], summary["located"], fmt(summary["located_share"]), fmt(summary["coverage"]),
             summary["leftover_glyphs"]))
    print("  segments keeping their colour (unweighted) %s" % fmt(summary["colour_by_segment"]))
    w = summary["where_styled"]
    print("  %-12s %7s %9s %13s" % ("figure", "value", "goal", "where styled"))
    for key, label in (("colour", "colour"), ("bold", "bold"), ("italic", "italic"), ("family", "family"),
                       ("size", "size kept")):
        goal = GOALS.get(key)
        mark = "" if goal is None or f[key] is None else ("ok" if f[key] >= goal else "below goal")
        print("  %-12s %7s %9s %13s  %s" % (label, fmt(f[key]), "" if goal is None else ">= %.2f" % goal,
                                            fmt(w[key]) if key in w else "", mark))
    if details:
        print("  %-10s %5s %5s  %-27s %-27s %s" % ("segment", "chars", "cov", "original", "translation", "agree"))
        for r in results:
            if not r["located"]:
                print("  %-10s %s" % (r["id"], r["reason"]))
                continue
            o, t, a = r["original"], r["translation"], r["agree"]

            def face(p):
                fam = max(FAMILIES, key=lambda k: p["family"][k])
                return "%s %4.1f %s b%.2f i%.2f" % (hexcolour(p["colour"]), p["size"], fam, p["bold"], p["italic"])

            print("  %-10s %5d %5.2f  %-27s %-27s c%d b%.2f i%.2f f%.2f s%d  %s -> %s"
                  % (r["id"], r["weight"], r["coverage"], face(o), face(t), a["colour"], a["bold"], a["italic"],
                     a["family"], a["size"], o["fonts"], t["fonts"]))
    print()


def jsonable(results):
    out = []
    for r in results:
        r = dict(r)
        for side in ("original", "translation"):
            if side in r:
                r[side] = dict(r[side], colour=hexcolour(r[side]["colour"]))
        out.append(r)
    return out


def report(name, summary, results, args):
    if args.json:
        return {"name": name, **summary, "segments_detail": jsonable(results) if args.details else None}
    print_table(name, summary, results, args.details)
    return None


def run_cli(args):
    cli, pdf = args.paths
    work = args.keep or tempfile.mkdtemp(prefix="style_fidelity.")
    os.makedirs(work, exist_ok=True)
    out_pdf = os.path.join(work, "translated.pdf")
    out_json = os.path.join(work, "segments.json")
    cmd = [cli, "translate", pdf, "--to", args.to, "--provider", "apertium", "-o", out_pdf, "--segments-out",
           out_json, "--no-cache"]
    if args.pages:
        cmd[3:3] = ["--pages", args.pages]
    if not args.keep:
        atexit.register(shutil.rmtree, work, True)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        sys.exit("style_fidelity.py: cannot run %s: %s" % (cli, e.strerror))
    if done.returncode != 0 or not os.path.exists(out_pdf) or not os.path.exists(out_json):
        sys.exit("style_fidelity.py: %s failed (%d): %s" % (" ".join(cmd), done.returncode, done.stderr.strip()))
    return pdf, out_pdf, out_json


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("paths", nargs="+")
    p.add_argument("--self", dest="self_test", action="store_true", help="score ORIGINAL against itself")
    p.add_argument("--run", action="store_true", help="paths are CLI FILE.pdf: translate with Apertium, then score")
    p.add_argument("--pages", help="page range for --run, as overtext-cli takes it")
    p.add_argument("--to", default="es", help="target language for --run (default es)")
    p.add_argument("--keep", help="with --run: work in this folder and keep it")
    p.add_argument("--with-self", action="store_true", help="with --run: also print the sanity figures")
    p.add_argument("--json", action="store_true", help="print figures as JSON")
    p.add_argument("--details", action="store_true", help="one line per segment")
    args = p.parse_args()

    expected = 2 if (args.run or args.self_test) else 3
    if len(args.paths) != expected:
        p.error("expected %d paths, got %d" % (expected, len(args.paths)))
    if args.run:
        for f in args.paths:
            if not os.path.isfile(f):
                sys.exit("style_fidelity.py: %s: no such file" % f)
        original, translated, seg_file = run_cli(args)
    elif args.self_test:
        original, seg_file = args.paths
        translated = original
    else:
        original, translated, seg_file = args.paths
    for f in (original, translated, seg_file):
        if not os.path.isfile(f):
            sys.exit("style_fidelity.py: %s: no such file" % f)
    try:
        with open(seg_file, encoding="utf-8") as fh:
            segments = json.load(fh)
        if not isinstance(segments, list):
            raise ValueError("not a list of segments")
    except (OSError, ValueError) as e:
        sys.exit("style_fidelity.py: %s: cannot read segments: %s" % (seg_file, e))
    try:
        out = []
        name = os.path.basename(original) + ("" if not args.pages else " pages " + args.pages)
        results, leftover = score(original, translated, segments, self_test=args.self_test)
        out.append(report(name + (" (self)" if args.self_test else ""), aggregate(results, leftover), results, args))
        if args.run and args.with_self:
            results, leftover = score(original, original, segments, self_test=True)
            out.append(report(name + " (self)", aggregate(results, leftover), results, args))
    except (RuntimeError, fitz.FileDataError) as e:
        sys.exit("style_fidelity.py: cannot read a PDF: %s" % e)
    if args.json:
        print(json.dumps(out if len(out) > 1 else out[0], indent=1))


if __name__ == "__main__":
    main()
