"""Clusters on what real feeds carry: languages, an outlet's boilerplate, undated
entries, short bodies, and the same partition however an ingest is run.

Every text here is written for the tests (names, places and outlets are made up).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from triage.core.analysis import analyser as analyser_module
from triage.core.analysis import worker
from triage.core.clusters.engine import ClusterConfig, ClusterEngine
from triage.core.desk import Desk
from triage.core.ingest import pipeline
from triage.core.models import Story

T0 = datetime(2031, 5, 6, 9, tzinfo=UTC)


def item(
    story_id: str,
    title: str,
    body: str,
    source: str,
    hours: float = 0.0,
    dated: bool = True,
) -> Story:
    """A story read from ``source``'s feed, linking to its own site."""
    host = "".join(c for c in source.lower() if c.isalnum())
    return Story(
        id=story_id,
        title=title,
        url=f"https://{host}.example/{story_id}",
        source=source,
        published=T0 + timedelta(hours=hours),
        body=body,
        feeds=(f"https://{host}.example/feed",),
        dated=dated,
    )


def partition(stories: list[Story], config: ClusterConfig | None = None) -> set[frozenset[str]]:
    engine = ClusterEngine(sqlite3.connect(":memory:"), config)
    for story in stories:
        engine.assign(story, ())
    return {frozenset(m.story_id for m in c.members) for c in engine.clusters()}


def apart(stories: list[Story]) -> set[frozenset[str]]:
    return {frozenset({s.id}) for s in stories}


# ----- language ---------------------------------------------------------------------

GERMAN_RECALL = (
    "Rückruf: Kestrel ruft Kopfhörer wegen überhitzender Akkus zurück",
    "Der Hersteller Kestrel Audio ruft weltweit rund 40.000 Kopfhörer des Modells Vela "
    "zurück. Bei einigen Geräten könnten die Akkus beim Laden überhitzen, teilte das "
    "Unternehmen aus Heidelberg am Montag mit. Kunden sollen die Kopfhörer nicht mehr "
    "aufladen und erhalten den Kaufpreis zurück. Betroffen sind Geräte, die zwischen "
    "März und Juni verkauft wurden. Verletzt wurde nach Angaben des Herstellers niemand.",
)
GERMAN_RECALL_AGAIN = (
    "Kestrel Audio: Rückruf für 40.000 Vela-Kopfhörer",
    "Weil die Akkus beim Laden überhitzen können, ruft Kestrel Audio etwa 40.000 "
    "Kopfhörer der Reihe Vela zurück. Das Heidelberger Unternehmen bittet Kunden, die "
    "Geräte nicht mehr aufzuladen; der Kaufpreis werde erstattet. Der Rückruf betrifft "
    "Kopfhörer, die von März bis Juni verkauft wurden. Verletzte gebe es keine, "
    "erklärte der Hersteller am Montag.",
)
GERMAN_QUARTER = (
    "Morvan Logistik: Umsatz im Quartal gestiegen",
    "Die Spedition Morvan Logistik hat im dritten Quartal deutlich mehr umgesetzt. Der "
    "Umsatz stieg um zwölf Prozent, weil Kunden aus dem Handel mehr Waren verschickten. "
    "Das Unternehmen aus Bremen will im kommenden Jahr neue Lager eröffnen und Fahrer "
    "einstellen, sagte die Vorstandschefin. Die Aktie legte am Mittwoch zu.",
)


def test_a_stories_language_decides_how_its_words_are_read() -> None:
    engine = ClusterEngine(sqlite3.connect(":memory:"))
    german = engine.prepare(item("de1", *GERMAN_QUARTER, "Wirtschaftsblatt"), ())
    assert german.signals.language == "de"
    features = set(german.signals.counts)
    # Capitalised German nouns are no names; stems and stop words are German ones.
    assert not {"e:kunden", "e:quartal", "e:umsatz", "e:unternehmen"} & features
    assert "w:de/quartal" in features and "w:de/kund" in features
    assert not any(f in features for f in ("w:de/der", "w:de/die", "w:de/und"))
    # A run of capitalised words still names someone.
    assert any(f.startswith("e:") and f.endswith("morvan logistik") for f in features)


def test_two_german_reports_of_one_recall_join_and_a_quarterly_report_does_not() -> None:
    stories = [
        item("recall-a", *GERMAN_RECALL, "Techblatt", 0),
        item("quarter", *GERMAN_QUARTER, "Wirtschaftsblatt", 1),
        item("recall-b", *GERMAN_RECALL_AGAIN, "Netzwoche", 2),
    ]
    assert partition(stories) == {frozenset({"recall-a", "recall-b"}), frozenset({"quarter"})}


URDU_BUDGET = (
    "وفاقی بجٹ پیش کر دیا گیا",
    "وفاقی وزیر خزانہ نے منگل کو قومی اسمبلی میں نئے مالی سال کا بجٹ پیش کیا۔ بجٹ میں "
    "تنخواہوں میں دس فیصد اضافے کا اعلان کیا گیا ہے اور پٹرول پر ٹیکس کم کر دیا گیا ہے۔ "
    "وزیر خزانہ نے کہا کہ حکومت مہنگائی پر قابو پانے کے لیے اقدامات کر رہی ہے۔",
)
URDU_BUDGET_AGAIN = (
    "قومی اسمبلی میں نئے مالی سال کا بجٹ پیش",
    "قومی اسمبلی میں منگل کو وفاقی وزیر خزانہ نے نئے مالی سال کا بجٹ پیش کر دیا۔ بجٹ میں "
    "تنخواہوں میں دس فیصد اضافہ کیا گیا ہے جبکہ پٹرول پر ٹیکس کم کر دیا گیا ہے۔ "
    "وزیر خزانہ کے مطابق حکومت مہنگائی پر قابو پانے کے لیے اقدامات کر رہی ہے۔",
)
URDU_OTHERS = [
    (
        "کراچی میں شدید بارش",
        "کراچی میں شدید بارش کے بعد کئی علاقوں کی سڑکیں پانی میں ڈوب گئیں۔ شہریوں کو گھروں "
        "تک پہنچنے میں مشکلات کا سامنا کرنا پڑا اور کئی جگہوں پر بجلی بند ہو گئی۔ محکمہ "
        "موسمیات نے مزید بارش کی پیش گوئی کی ہے۔",
    ),
    (
        "لاہور میں میزبان ٹیم کی جیت",
        "لاہور کے اسٹیڈیم میں کھیلے گئے میچ میں میزبان ٹیم نے پانچ وکٹوں سے کامیابی حاصل "
        "کی۔ کپتان نے کہا کہ کھلاڑیوں نے بہترین کارکردگی کا مظاہرہ کیا ہے اور شائقین کی "
        "بڑی تعداد میدان میں موجود تھی۔",
    ),
    (
        "پشاور میں گاڑیاں چوری کرنے والا گروہ گرفتار",
        "پشاور میں پولیس نے ایک کارروائی کے دوران گاڑیاں چوری کرنے والے گروہ کے پانچ "
        "افراد کو گرفتار کر لیا۔ پولیس کے مطابق ملزمان سے چوری کی سات گاڑیاں برآمد کی "
        "گئی ہیں اور ان سے تفتیش جاری ہے۔",
    ),
    (
        "اسلام آباد میں اساتذہ کا احتجاج",
        "اسلام آباد میں سرکاری اسکولوں کے اساتذہ نے تنخواہوں میں تاخیر کے خلاف احتجاج کیا۔ "
        "اساتذہ کا کہنا ہے کہ انہیں تین ماہ سے تنخواہ نہیں ملی اور حکومت ان کے مطالبات پر "
        "توجہ نہیں دے رہی۔",
    ),
    (
        "کوئٹہ میں زلزلے کے جھٹکے",
        "کوئٹہ اور اس کے گرد و نواح میں زلزلے کے جھٹکے محسوس کیے گئے جس کے بعد لوگ خوف "
        "کے عالم میں گھروں سے باہر نکل آئے۔ حکام کے مطابق کسی جانی نقصان کی اطلاع نہیں ملی۔",
    ),
    (
        "ملتان کے ہسپتال میں بچوں کا نیا وارڈ",
        "ملتان کے سرکاری ہسپتال میں نئے وارڈ کا افتتاح کیا گیا جہاں بچوں کے علاج کی جدید "
        "سہولیات فراہم کی جائیں گی۔ ہسپتال کی انتظامیہ کے مطابق وارڈ میں پچاس بستر ہیں۔",
    ),
    (
        "فیصل آباد کی فیکٹری میں آگ",
        "فیصل آباد میں ایک کپڑے کی فیکٹری میں آگ لگ گئی جس پر فائر بریگیڈ نے کئی گھنٹوں کی "
        "کوشش کے بعد قابو پا لیا۔ آگ لگنے کی وجہ معلوم نہیں ہو سکی۔",
    ),
]


def test_a_caseless_script_yields_no_names_and_its_function_words_no_joins() -> None:
    engine = ClusterEngine(sqlite3.connect(":memory:"))
    urdu = engine.prepare(item("ur0", *URDU_BUDGET, "Khabar Nama"), ())
    assert urdu.signals.language == "ur"
    assert not [f for f in urdu.signals.counts if f.startswith("e:")]
    others = [
        item(f"ur{n}", title, body, f"Akhbar {n}", n) for n, (title, body) in enumerate(URDU_OTHERS)
    ]
    budget = [
        item("budget-a", *URDU_BUDGET, "Khabar Nama", 6),
        item("budget-b", *URDU_BUDGET_AGAIN, "Roznama", 7),
    ]
    assert partition(others + budget) == apart(others) | {frozenset({"budget-a", "budget-b"})}


# ----- boilerplate ------------------------------------------------------------------

NETWORK = (
    "This story is part of the Riverside Press Network, a partnership of local "
    "newsrooms along the valley. Republish it for free under our licence, keep the "
    "byline and link back to the original report on our website."
)
EVENTS = [
    (
        "Ferry timetable changes at Ostrel pier",
        "The Ostrel pier ferry will leave every forty minutes from June, the harbour "
        "board decided, after complaints from commuters about crowded morning crossings.",
    ),
    (
        "Brindle Park pool reopens after repairs",
        "Swimmers returned to the Brindle Park pool after a leaking filter pump was "
        "replaced, and the lifeguards extended evening opening hours for the summer.",
    ),
    (
        "Orchard growers warn of late frost damage",
        "Apple growers in the upper valley counted blackened blossoms after two nights "
        "of frost, and the cooperative expects a smaller harvest than last autumn.",
    ),
    (
        "Library in Caddon Mill extends its hours",
        "Readers in Caddon Mill can borrow books until nine in the evening, after the "
        "parish council found money for two more librarians at the old mill building.",
    ),
    (
        "Lorry sheds load of timber on the Kessick bypass",
        "The Kessick bypass was closed for three hours when a lorry lost its load of "
        "timber on a bend, and police asked drivers to avoid the road until it was cleared.",
    ),
    (
        "Choir from Welby wins regional contest",
        "The Welby community choir won the regional contest with a programme of folk "
        "songs, beating eleven other choirs in the final round at the county hall.",
    ),
]


def test_an_outlets_recurring_blurb_is_learned_and_never_joins_its_stories() -> None:
    # Two outlets of one network end every story with the same paragraph; each learns
    # it from its own stories, so their later, unrelated stories do not join on it.
    stories = []
    for n, (title, body) in enumerate(EVENTS):
        source = "Valley Herald" if n % 2 == 0 else "Riverside Courier"
        stories.append(item(f"s{n}", title, body + "\n\n" + NETWORK, source, n))
    assert partition(stories) == apart(stories)
    engine = ClusterEngine(sqlite3.connect(":memory:"))
    for story in stories:
        engine.assign(story, ())
    first, last = engine.tables.get("s0"), engine.tables.get("s5")
    assert first is not None and last is not None
    blurb = {"w:riverside", "w:republish", "w:partnership", "w:byline"}
    assert blurb <= set(first.vector) | set(first.decode_features())  # not learned yet
    assert not blurb & set(last.decode_features())  # learned: no weight, no passage


def test_a_shows_title_template_is_learned_from_its_own_titles() -> None:
    engine = ClusterEngine(sqlite3.connect(":memory:"))
    for n, (title, body) in enumerate(EVENTS[:3]):
        engine.assign(item(f"ep{n}", f"Valley Hour {n + 20} | {title}", body, "Valley Hour"), ())
    cut = engine.tables.get("ep2")
    assert cut is not None
    words = {f for f in cut.vector if f.startswith("w:")}
    assert "w:hour" not in words
    assert "w:orchard" in words


# ----- undated ----------------------------------------------------------------------

MATCHES = [
    (
        "Harrowby beat Lostock in the league",
        "Harrowby beat Lostock two goals to one in the league on a wet evening, with a "
        "late header from their captain after the visitors had missed a penalty.",
    ),
    (
        "Pellow draw with Ansty in the league",
        "Pellow and Ansty drew one goal each in the league, the home side equalising "
        "with a header in stoppage time after the visitors had led since the break.",
    ),
    (
        "Tarrant lose at home to Colby in the league",
        "Tarrant lost at home to Colby in the league, two goals to nil, and the visitors "
        "could have scored more after a penalty was saved in the second half.",
    ),
]


def test_undated_stories_fetched_together_are_not_one_event() -> None:
    stories = [
        item(f"m{n}", title, body, f"Sports Desk {n}", 0, dated=False)
        for n, (title, body) in enumerate(MATCHES)
    ]
    assert partition(stories) == apart(stories)


def test_an_undated_story_finds_its_event_beyond_the_dated_window() -> None:
    title, body = EVENTS[4]
    dated = item("lorry-dated", title, body, "Kessick Gazette", -24 * 9)
    undated = item(
        "lorry-undated", "Timber lorry closes Kessick bypass", body, "Valley Radio", 0, False
    )
    assert ClusterConfig().window < timedelta(days=9)
    assert partition([dated, undated]) == {frozenset({"lorry-dated", "lorry-undated"})}
    dated_again = replace(undated, dated=True)
    assert len(partition([dated, dated_again])) == 2  # a dated story keeps the short window


# ----- short bodies -----------------------------------------------------------------


def test_an_empty_body_does_not_join_on_two_shared_words() -> None:
    article = item("article", *EVENTS[3], "Valley Herald", 0)
    empty = item("empty", "Caddon Mill bakery closes", "", "Riverside Courier", 1)
    # Two shared words ("caddon", "mill"), whatever the name "Caddon Mill" adds.
    assert partition([article, empty]) == apart([article, empty])


def test_a_short_summary_does_not_join_an_article_on_a_topics_words() -> None:
    title, body = EVENTS[0]
    article = item("ferry", title, body, "Valley Herald", 0)
    short = item(
        "strike",
        "Ferry crews at Dunmore pier to strike",
        "Ferry crews plan a strike at Dunmore pier over morning rotas.",
        "Riverside Courier",
        1,
    )
    plain = replace(ClusterConfig(), small_desk_margin=0.0)  # as in a desk of many
    assert partition([article, short], plain) == apart([article, short])
    ungated = replace(plain, short_bar=0.0)
    assert len(partition([article, short], ungated)) == 1  # the gate keeps them apart


def test_two_outlets_teasers_of_one_event_join_when_their_headlines_agree() -> None:
    plain = replace(ClusterConfig(), small_desk_margin=0.0)  # as in a desk of many
    gunman = item(
        "gunman",
        "Gunman kills four at Harlow Cross rail station",
        "A gunman opened fire at Harlow Cross rail station on Tuesday morning, killing "
        "four commuters before police arrived.",
        "Valley Herald",
        0,
    )
    dead = item(
        "dead",
        "Four dead in Harlow Cross rail station shooting",
        "Witnesses described panic on the platforms as a man fired into the crowd. "
        "Ambulances queued outside the ticket hall, trains were halted across the county "
        "and an inquiry has begun into how the attacker reached the concourse.",
        "Riverside Courier",
        2,
    )
    assert partition([gunman, dead], plain) == {frozenset({"gunman", "dead"})}
    # Without the headlines, two teasers this short stay apart (the short-text bar).
    unheaded = replace(plain, headline_words=0)
    assert partition([gunman, dead], unheaded) == apart([gunman, dead])
    # The same headlines two days apart are two developments, not one report.
    later = replace(dead, published=T0 + timedelta(hours=50))
    assert partition([gunman, later], plain) == apart([gunman, later])


def test_headlines_sharing_a_place_and_a_topic_do_not_agree() -> None:
    plain = replace(ClusterConfig(), small_desk_margin=0.0)
    shooting = item(
        "shooting",
        "Gunman kills four at Harlow Cross rail station",
        "A gunman opened fire at Harlow Cross rail station on Tuesday morning, killing "
        "four commuters before police arrived.",
        "Valley Herald",
        0,
    )
    timetable = item(
        "timetable",
        "New timetable for Harlow Cross rail commuters",
        "Later evening trains, fewer weekend services and extra carriages at peak hours "
        "start in June, the operator said.",
        "Riverside Courier",
        3,
    )
    assert partition([shooting, timetable], plain) == apart([shooting, timetable])
    # Three words of nine in common is a place, not an event: it is the share that
    # keeps them apart.
    loose = replace(plain, headline_share=0.2)
    assert len(partition([shooting, timetable], loose)) == 1


# ----- determinism ------------------------------------------------------------------

OUTLETS = ["Valley Herald", "Riverside Courier", "Kessick Gazette", "Ostrel Post"]


def _feed(outlet: str, number: int, dated: bool) -> str:
    host = "".join(c for c in outlet.lower() if c.isalnum())
    entries = []
    for n, (title, body) in enumerate(EVENTS + MATCHES):
        if (n + number) % 3 == 0:
            continue  # each outlet carries most events, not all
        when = (T0 + timedelta(hours=n * 5 + number)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        date = f"<pubDate>{when}</pubDate>" if dated else ""
        lead = f"{outlet} reports. " if number % 2 else ""
        entries.append(
            f"<item><title>{escape(title)}</title>"
            f"<link>https://{host}.example/{n}</link>{date}"
            f"<description>{escape(lead + body)}</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
        f"<link>https://{host}.example/</link>{''.join(entries)}</channel></rss>"
    )


def _write_corpus(folder: Path) -> list[str]:
    folder.mkdir()
    paths = []
    for number, outlet in enumerate(OUTLETS):
        path = folder / f"feed{number}.xml"
        path.write_text(_feed(outlet, number, dated=number != 3), encoding="utf-8")
        paths.append(str(path))
    return paths


def _ingest(path: Path, sources: list[str]) -> set[frozenset[str]]:
    desk = Desk(path)
    try:
        desk.ingest(sources)
        return {frozenset(m.story_id for m in c.members) for c in desk.clusters.clusters()}
    finally:
        desk.close()


def test_two_ingests_of_one_corpus_give_one_partition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = _write_corpus(tmp_path / "feeds")
    # In this process, fetched all in one second.
    monkeypatch.setattr(worker, "PARALLEL_MIN_STORIES", 10**9)
    monkeypatch.setattr(worker, "FOLLOW_MIN_STORIES", 10**9)
    monkeypatch.setattr(pipeline, "utc_now", lambda: datetime(2032, 1, 1, 23, 59, 58, tzinfo=UTC))
    first = _ingest(tmp_path / "one", sources)
    assert any(len(group) > 1 for group in first)

    # In this process again, a slow fetch (seconds apart) and small analysis batches.
    clock = iter(range(10_000))
    monkeypatch.setattr(
        pipeline,
        "utc_now",
        lambda: datetime(2032, 1, 1, 0, 0, tzinfo=UTC) + timedelta(seconds=next(clock) * 7),
    )
    run = analyser_module.Analyser.run
    monkeypatch.setattr(analyser_module.Analyser, "run", lambda self, batch=3: run(self, batch))
    assert _ingest(tmp_path / "two", sources) == first

    # In the analysis child process (on another day: the feeds' dates stay in the past).
    monkeypatch.undo()
    monkeypatch.setattr(worker, "PARALLEL_MIN_STORIES", 1)
    monkeypatch.setattr(worker, "FOLLOW_MIN_STORIES", 1)
    monkeypatch.setattr(pipeline, "utc_now", lambda: datetime(2032, 1, 3, 12, tzinfo=UTC))
    assert _ingest(tmp_path / "three", sources) == first
