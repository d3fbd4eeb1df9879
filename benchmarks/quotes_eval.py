"""Measure quote extraction against the labelled political-news quotations.

Usage: ``python benchmarks/quotes_eval.py [--split dev|train] [--json] [--errors N]``

The gold spans include the quotation marks and sometimes the reported-speech words
leading into a partial quote, while the extractor returns the words inside the
marks. Both sides are therefore compared after stripping marks and whitespace from
the edges, and a found quote matches a gold one when they overlap by at least half
of the shorter span (one-to-one, greedy by overlap). Speaker accuracy counts matched
quotes whose gold source is not a pronoun; the found speaker is right when it shares
a word with the gold source's last name (or the gold source shares the found one's).
A naive baseline (every span between paired double marks, no speaker) is printed
for comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.core.quotes.extract import extract_quotes
from triage.core.quotes.lexicon import CUE_WORDS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear-quotes.jsonl"
MARKS = " \t\n“”\"‘’'«»„*_,"
PRONOUNS = frozenset(
    "he she they i we it you who him her them his its their this that which one "
    "someone some others".split()
)
MAX_GAP_WORDS = 30
SHORT_GAP_WORDS = 10
"""A gap shorter than this (words) can join two parts across sentence ends."""
SENTENCE_END = re.compile(r"[.?!][”\"’']?\s")
TERMS_CONFIDENCE = 0.3
"""Threshold that also keeps single quoted words with a cue (the data counts them)."""
NAIVE = re.compile(r"[“\"]([^“”\"]+)[”\"]")
Span = tuple[int, int, str]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past quotation marks and whitespace at both edges."""
    while start < end and text[start] in MARKS:
        start += 1
    while end > start and text[end - 1] in MARKS:
        end -= 1
    return start, end


def _match(found: list[Span], gold: list[Span]) -> list[tuple[int, int]]:
    """Pair found and gold spans one-to-one, largest overlap first."""
    candidates = []
    for i, (fs, fe, _) in enumerate(found):
        for j, (gs, ge, _) in enumerate(gold):
            overlap = min(fe, ge) - max(fs, gs)
            shorter = min(fe - fs, ge - gs)
            if shorter > 0 and overlap >= shorter / 2:
                candidates.append((overlap, i, j))
    pairs, used_found, used_gold = [], set(), set()
    for _, i, j in sorted(candidates, reverse=True):
        if i not in used_found and j not in used_gold:
            pairs.append((i, j))
            used_found.add(i)
            used_gold.add(j)
    return pairs


def _words(name: str) -> set[str]:
    """Lower-case alphabetic words of a name, possessives dropped."""
    return {
        w
        for w in re.findall(r"[^\W\d_]+", name.lower().replace("’s", "").replace("'s", ""))
        if len(w) > 1
    }


def speaker_right(found: str, gold: str) -> bool:
    """Whether the found speaker names the gold source (last-name word overlap)."""
    found_words, gold_words = _words(found), _words(gold)
    if not found_words or not gold_words:
        return False
    found_last = _words(found.split()[-1]) if found.split() else set()
    gold_last = _words(gold.split()[-1]) if gold.split() else set()
    return bool(found_last & gold_words) or bool(gold_last & found_words)


def _unlabelled(row: dict[str, object]) -> bool:
    """Whether an article's quotations were left unannotated in the data.

    Articles that write double quotes as two apostrophes ('') have no gold
    quotes at all although they quote people throughout, so every quote found in
    them counts as a false positive. They are reported apart, never dropped
    silently.
    """
    return "''" in str(row["text"]) and not row["quotes"]


def _naive(text: str) -> list[Span]:
    """Every span between paired double marks, no speaker."""
    return [(m.start(1), m.end(1), "") for m in NAIVE.finditer(text)]


def _ours_parts(text: str, min_confidence: float | None = None) -> list[Span]:
    """The extractor's quotes as (start, end, speaker), split quotes as separate parts."""
    return [(q.start, q.end, q.speaker) for q in extract_quotes(text, min_confidence)]


def _split_quote_gap(text: str, first_end: int, second_start: int) -> bool:
    """Whether two quote parts of one speaker form one quotation in the gold data.

    The gold data joins the parts of a quotation that one attribution splits,
    within one paragraph: ``“A,” X said, “B.”``, ``“A.” X said. “B.”`` (one
    attribution sentence between), ``“A.” X said, pausing. Then: “B.”`` (two short
    sentences), and a run of fragments with no cue between (``called it “A” and
    “B”``). A gap with a cue but no sentence end (``“A” and called it “B”``) is
    two quotations there.
    """
    gap = text[first_end:second_start]
    if "\n" in gap:
        return False
    inner = gap.strip(MARKS + ".?!:;—–")
    words = len(inner.split())
    has_cue = bool({word.lower() for word in re.findall(r"[^\W\d_]+", inner)} & CUE_WORDS)
    sentence_ends = len(SENTENCE_END.findall(gap))
    comma_split = text[first_end : first_end + 1] == "," and not re.search(r"[.?!]\s", inner)
    if comma_split and has_cue and words <= MAX_GAP_WORDS:
        return True
    if not has_cue:
        return sentence_ends == 0 and words < SHORT_GAP_WORDS
    if sentence_ends == 1:
        return words < SHORT_GAP_WORDS
    return sentence_ends == 2 and words < 2 * SHORT_GAP_WORDS


def _ours(text: str, min_confidence: float | None = None) -> list[Span]:
    """The extractor's quotes with split quotes joined, as the gold spans are.

    The gold data marks a split quote ``“A,” X said. “B.”`` as one quotation
    running over the attribution, while the extractor returns both parts, each
    with the speaker. Consecutive parts with the same speaker that form a split
    quote (see :func:`_split_quote_gap`) are joined here so that both sides count
    quotations the same way.
    """
    merged: list[Span] = []
    for start, end, speaker in _ours_parts(text, min_confidence):
        if merged:
            last_start, last_end, last_speaker = merged[-1]
            if speaker and speaker == last_speaker and _split_quote_gap(text, last_end, start):
                merged[-1] = (last_start, end, speaker)
                continue
        merged.append((start, end, speaker))
    return merged


def evaluate(
    rows: list[dict[str, object]],
    extractor: Callable[[str], list[Span]],
    errors: list[dict[str, str]] | None = None,
) -> dict[str, float]:
    """Score one extractor on the given articles.

    When ``errors`` is given, every matched quote with a wrong speaker is
    appended to it (gold and found speaker, the quote and the words around it)
    so that the biggest classes of mistakes can be read off the train split.
    """
    true_pos = found_total = gold_total = speaker_total = speaker_hits = 0
    timings: list[float] = []
    cpu_timings: list[float] = []  # CPU time: steadier than wall time on a busy machine
    for row in rows:
        text = str(row["text"])
        began, began_cpu = time.perf_counter(), time.process_time()
        raw = extractor(text)
        timings.append((time.perf_counter() - began) * 1000)
        cpu_timings.append((time.process_time() - began_cpu) * 1000)
        found = [(*_strip(text, s, e), who) for s, e, who in raw]
        found = [f for f in found if f[1] > f[0]]
        gold: list[Span] = []
        for quote in row["quotes"]:  # type: ignore[attr-defined]
            start, end = _strip(text, int(quote["start"]), int(quote["end"]))
            if end > start:
                gold.append((start, end, str(quote.get("source") or "")))
        pairs = _match(found, gold)
        true_pos += len(pairs)
        found_total += len(found)
        gold_total += len(gold)
        for i, j in pairs:
            source = gold[j][2]
            if not source or source.lower() in PRONOUNS:
                continue
            speaker_total += 1
            right = speaker_right(found[i][2], source)
            speaker_hits += right
            if errors is not None and not right:
                errors.append(_error_record(text, found[i], gold[j]))
    precision = true_pos / found_total if found_total else 0.0
    recall = true_pos / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(rows),
        "gold": gold_total,
        "found": found_total,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "speaker_accuracy": round(speaker_hits / speaker_total, 4) if speaker_total else 0.0,
        "speaker_scored": speaker_total,
        "median_ms": round(statistics.median(timings), 3) if timings else 0.0,
        "median_cpu_ms": round(statistics.median(cpu_timings), 3) if cpu_timings else 0.0,
    }


def _error_record(text: str, found: Span, gold: Span) -> dict[str, str]:
    """Describe one wrong speaker: gold and found names, the quote and its context."""
    start, end = gold[0], gold[1]
    para_start = text.rfind("\n", 0, start) + 1
    before = text[max(para_start, start - 220) : start]
    if para_start > 0:  # the end of the paragraph before, where a speaker may be named
        previous_start = text.rfind("\n", 0, max(para_start - 2, 0)) + 1
        previous = text[max(previous_start, para_start - 160) : para_start].strip()
        before = f"[{previous}] ¶ {before}"
    return {
        "gold": gold[2],
        "found": found[2],
        "kind": "missing" if not found[2] else "wrong",
        "before": before.replace("\n", " "),
        "quote": _clip(text[start:end], 90),
        "after": text[end : end + 100].split("\n")[0],
    }


def _clip(value: str, width: int) -> str:
    """Shorten long quotes in the error dump to their two ends."""
    if len(value) <= width:
        return value
    half = width // 2 - 2
    return value[:half] + " … " + value[-half:]


def _print_errors(errors: list[dict[str, str]], limit: int) -> None:
    """Print the first ``limit`` wrong speakers and the count by kind."""
    kinds: dict[str, int] = {}
    for error in errors:
        kinds[error["kind"]] = kinds.get(error["kind"], 0) + 1
    print(f"speaker errors: {len(errors)} {kinds}")
    for error in errors[:limit]:
        print(f"- gold={error['gold']!r} found={error['found']!r}")
        print(f"    …{error['before']}⟦{error['quote']}⟧{error['after']}")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "train"], default="dev")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="print N wrong speakers (labelled)"
    )
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"evaluation data not found: {DATA}", file=sys.stderr)
        return 2
    with DATA.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    rows = [row for row in rows if row.get("split") == args.split]
    labelled = [row for row in rows if not _unlabelled(row)]
    if args.errors:
        errors: list[dict[str, str]] = []
        evaluate(labelled, _ours, errors)
        _print_errors(errors, args.errors)
        return 0
    results = {
        "split": args.split,
        "extractor": evaluate(rows, _ours),
        "extractor_parts": evaluate(rows, _ours_parts),
        "naive": evaluate(rows, _naive),
        "extractor_labelled": evaluate(labelled, _ours),
        "with_terms_labelled": evaluate(labelled, lambda text: _ours(text, TERMS_CONFIDENCE)),
        "naive_labelled": evaluate(labelled, _naive),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"{len(rows) - len(labelled)} of {len(rows)} articles write quotes as '' pairs and "
        "carry no gold quotes (unlabelled); the *_labelled rows leave them out. "
        "with_terms also keeps single quoted words that have a cue."
    )
    names = ["extractor", "extractor_parts", "naive"]
    names += ["extractor_labelled", "with_terms_labelled", "naive_labelled"]
    for name in names:
        r = results[name]
        assert isinstance(r, dict)
        print(
            f"{name:18} split={args.split} articles={r['articles']} gold={r['gold']} "
            f"found={r['found']} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} "
            f"speaker={r['speaker_accuracy']:.3f} (n={r['speaker_scored']}) "
            f"median={r['median_ms']:.2f} ms/article (cpu {r['median_cpu_ms']:.2f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
