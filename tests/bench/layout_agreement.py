#!/usr/bin/env python3
"""Compares overtext-cli extract's blocks with pdftotext -bbox-layout's blocks, page by page.

For every pdftotext block, its words are assigned to the Overtext segment whose box holds the word's centre. A block
"agrees" when the word sets match with an intersection over union >= 0.8; "split" when Overtext cut it into several
segments that lie wholly inside it (Poppler's blocks often hold several paragraphs); "merged" when Overtext joined it
with other blocks. Order agreement: among agreeing blocks,
the fraction of consecutive pdftotext blocks that Overtext also puts in that order.

usage: layout_agreement.py CLI PDF...
"""
import json
import subprocess
import sys
import re


def pdftotext_blocks(pdf):
    # Parsed with regular expressions: pdftotext passes control characters of broken fonts into its XML.
    xml = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, check=True).stdout.decode(
        "utf-8", "replace")
    pages = []
    for page in re.split(r"<page ", xml)[1:]:
        blocks = []
        for block in re.split(r"<block ", page)[1:]:
            words = []
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', block):
                x0, y0, x1, y1 = map(float, m.groups())
                words.append(((x0 + x1) / 2, (y0 + y1) / 2))
            if words:
                blocks.append(words)
        pages.append(blocks)
    return pages


def overtext_segments(cli, pdf):
    out = subprocess.run([cli, "extract", pdf], capture_output=True, check=True).stdout
    pages = {}
    for s in json.loads(out):
        pages.setdefault(s["page"], []).append(s["box"])
    return pages


def owner(boxes, x, y):
    best, area = None, None
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if x0 - 0.5 <= x <= x1 + 0.5 and y0 - 0.5 <= y <= y1 + 0.5:
            a = (x1 - x0) * (y1 - y0)
            if area is None or a < area:
                best, area = i, a
    return best


def compare(cli, pdf):
    ref = pdftotext_blocks(pdf)
    ours = overtext_segments(cli, pdf)
    total = agree = pairs = ordered = split = merged = 0
    for pno, blocks in enumerate(ref, start=1):
        boxes = ours.get(pno, [])
        assign = []  # per block: list of owners of its words
        for words in blocks:
            assign.append([owner(boxes, x, y) for x, y in words])
        # words per segment on this page (from all blocks), to compute IoU
        seg_words = {}
        for b, owners in enumerate(assign):
            for o in owners:
                seg_words[o] = seg_words.get(o, 0) + 1
        matched = []
        for b, owners in enumerate(assign):
            total += 1
            counts = {}
            for o in owners:
                if o is not None:
                    counts[o] = counts.get(o, 0) + 1
            if not counts:
                matched.append(None)
                continue
            seg, inter = max(counts.items(), key=lambda kv: kv[1])
            union = len(owners) + seg_words[seg] - inter
            if inter / union >= 0.8:
                agree += 1
                matched.append(seg)
            else:
                matched.append(None)
                if len(counts) >= 2 and all(seg_words[o] <= c + 1 for o, c in counts.items()):
                    split += 1  # Overtext cut this block into several paragraphs of its own
                elif len(counts) == 1 and seg_words[seg] > inter:
                    merged += 1  # Overtext joined this block with others
        seq = [m for m in matched if m is not None]
        for a, b in zip(seq, seq[1:]):
            if a == b:
                continue
            pairs += 1
            ordered += a < b
    return total, agree, pairs, ordered, split, merged


def main():
    cli = sys.argv[1]
    print(f"{'document':40} {'blocks':>7} {'agree':>7} {'split':>7} {'merged':>7} {'order':>7}")
    T = A = P = O = S = M = 0
    for pdf in sys.argv[2:]:
        t, a, p, o, sp, me = compare(cli, pdf)
        T, A, P, O, S, M = T + t, A + a, P + p, O + o, S + sp, M + me
        name = pdf.rsplit("/", 1)[-1]
        print(f"{name:40} {t:7d} {a / max(t, 1):7.1%} {sp / max(t, 1):7.1%} {me / max(t, 1):7.1%} {o / max(p, 1):7.1%}")
    print(f"{'all':40} {T:7d} {A / max(T, 1):7.1%} {S / max(T, 1):7.1%} {M / max(T, 1):7.1%} {O / max(P, 1):7.1%}")


if __name__ == "__main__":
    main()
