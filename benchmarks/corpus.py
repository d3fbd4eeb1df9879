"""A synthetic newsroom corpus for the performance benchmark.

Every word, name and outlet is invented here (word lists, syllables and templates),
so the corpus can be regenerated anywhere from a seed and never quotes real text.
It imitates what matters for speed: 300–900-word stories with a Zipf-like word
distribution, a few hundred outlets over 30 days, events covered by several
outlets with their own words, named people quoted with cue verbs, and ~10% rewrites
of earlier stories that reuse their paragraphs and quotations.

Usage::

    python benchmarks/corpus.py 1000 OUT_DIR     # writes OUT_DIR/<outlet>.xml feeds
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

END = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
"""The newest publication time; the corpus spans :data:`DAYS` days before it."""

DAYS = 30
REWRITE_SHARE = 0.10
VOCABULARY_SIZE = 20_000

_COMMON = """the of and to a in that is was for on it with as he be at by this had not
are but from or have an they which one you were her all she there would their we him
been has when who will more no if out so said what up its about into than them can only
other new some could time these two may then do first any my now such like our over man
me even most made after also did many before must through back years where much your way
well down should because each just those people how too little state good very make world
still own see men work long get here between both life being under never day same another
know while last might us great old year off come since against go came right used take
three city council plan vote budget police court minister report water school road market
price company workers union strike fire storm flood river bridge station hospital health
doctor patient law bill party election mayor officials residents families children
government agency board members week month night morning evening official public local
national region district center project program service services support system cost
costs plans million percent rise fall rose fell growth rate rates tax taxes trade energy
power housing homes rent land farm farmers food prices fuel transport rail bus airport
flight flights port ship ships border security army soldiers talks deal agreement
meeting summit leaders statement decision case trial judge jury evidence charges arrest
investigation inquiry review study data figures survey result results team season match
game club players coach league cup final win lost won record history museum festival
film music art book artists""".split()

_SYLLABLES = """ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu
ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to
tu va ve vi vo za ze zi zo bra dre gri klo pru sta tre vlo nor mar len tis gan dor vel
rin kas hol wen""".split()

_CUES = ("said", "told reporters", "added", "warned", "explained", "insisted", "noted")
_ROLES = (
    "a spokeswoman for the council",
    "the regional director",
    "a local resident",
    "the chief executive",
    "an analyst",
    "the deputy mayor",
    "a union organiser",
    "the head of the agency",
    "a senior official",
    "the committee chair",
)
_PLACE_KINDS = ("Council", "Ministry", "Authority", "Institute", "Foundation", "Bank")
_OUTLET_KINDS = (
    "Herald",
    "Courier",
    "Post",
    "Gazette",
    "Observer",
    "Times",
    "Ledger",
    "Tribune",
    "Journal",
    "Chronicle",
    "Dispatch",
    "Record",
)


def _pseudo_words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(*syllables)))
        if word not in seen and len(word) > 3:
            seen.add(word)
            words.append(word)
    return words


@dataclass(slots=True)
class Lexicon:
    """The invented language of the corpus: words by frequency, names, outlets."""

    words: list[str]
    cum_weights: list[float]
    first_names: list[str]
    last_names: list[str]
    places: list[str]
    outlets: list[str]

    @classmethod
    def build(cls, seed: int = 7, outlets: int = 300) -> Lexicon:
        """Build the lexicon; the same seed always gives the same language."""
        rng = random.Random(seed)
        invented = _pseudo_words(rng, VOCABULARY_SIZE - len(_COMMON), (2, 4))
        words = list(dict.fromkeys(_COMMON)) + invented
        weights = [1.0 / (rank + 2.7) for rank in range(len(words))]
        names = [w.capitalize() for w in _pseudo_words(rng, 1600, (2, 3))]
        places = [w.capitalize() for w in _pseudo_words(rng, 400, (2, 3))]
        outlet_names = [f"The {p} {rng.choice(_OUTLET_KINDS)}" for p in places[:outlets]]
        return cls(
            words=words,
            cum_weights=list(itertools.accumulate(weights)),
            first_names=names[:600],
            last_names=names[600:],
            places=places,
            outlets=outlet_names,
        )

    def prose(self, rng: random.Random, count: int) -> list[str]:
        """``count`` words drawn by frequency."""
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def rare_words(self, rng: random.Random, count: int) -> list[str]:
        """Mid-frequency words that make an event recognisable."""
        return rng.sample(self.words[400:6000], count)


@dataclass(frozen=True, slots=True)
class Speaker:
    """A quoted person."""

    first: str
    last: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class Event:
    """What several stories are about: its words, people, place and quotations."""

    words: list[str]
    speakers: list[Speaker]
    place: str
    organisation: str
    number: int
    quotes: list[str]
    time: datetime


@dataclass(slots=True)
class SynthStory:
    """One generated story, as a feed item."""

    link: str
    guid: str
    title: str
    paragraphs: list[str]
    outlet: str
    author: str
    published: datetime
    rewrite_of: str | None = None
    quotes: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


class CorpusWriter:
    """Generates stories from a lexicon, deterministically from a seed."""

    def __init__(
        self, seed: int = 1, lexicon: Lexicon | None = None, outlets: int = 300, end: datetime = END
    ) -> None:
        self.rng = random.Random(seed)
        self.lex = lexicon or Lexicon.build(outlets=outlets)
        self.outlets = self.lex.outlets[:outlets]
        self.end = end
        self.count = 0

    def _sentence(self, event: Event, low: int = 8, high: int = 22) -> str:
        rng = self.rng
        words = self.lex.prose(rng, rng.randint(low, high))
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(event.words))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), f"in {event.place}")
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words) + 1), f"{event.number:,}")
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _quote_paragraph(self, event: Event, quote: str, speaker: Speaker) -> str:
        rng = self.rng
        cue = rng.choice(_CUES)
        style = rng.randrange(3)
        if style == 0:
            return f"\u201c{quote},\u201d {cue} {speaker.name}, {speaker.role}."
        if style == 1:
            return f"{speaker.name}, {speaker.role}, said: \u201c{quote}.\u201d"
        return (
            f"{self._sentence(event, 6, 12)} \u201c{quote},\u201d {speaker.last} {cue}."
            f" {self._sentence(event)}"
        )

    def new_event(self, when: datetime) -> Event:
        """An event with its own words, people and quotations."""
        rng, lex = self.rng, self.lex
        speakers = [
            Speaker(rng.choice(lex.first_names), rng.choice(lex.last_names), rng.choice(_ROLES))
            for _ in range(rng.randint(1, 3))
        ]
        quotes = []
        for _ in range(rng.randint(2, 4)):
            text = " ".join(lex.prose(rng, rng.randint(8, 18)))
            quotes.append(text[0].upper() + text[1:])
        place = rng.choice(lex.places)
        return Event(
            words=lex.rare_words(rng, 8),
            speakers=speakers,
            place=place,
            organisation=f"{place} {rng.choice(_PLACE_KINDS)}",
            number=rng.randint(2, 90_000),
            quotes=quotes,
            time=when,
        )

    def story(self, event: Event, outlet: str, published: datetime) -> SynthStory:
        """A fresh story about ``event`` in ``outlet``'s own words."""
        rng = self.rng
        target = rng.randint(300, 900)
        paragraphs: list[str] = []
        used_quotes: list[str] = []
        words = 0
        quote_order = rng.sample(event.quotes, len(event.quotes))
        while words < target:
            if quote_order and rng.random() < 0.3:
                quote = quote_order.pop()
                used_quotes.append(quote)
                paragraph = self._quote_paragraph(event, quote, rng.choice(event.speakers))
            else:
                paragraph = " ".join(self._sentence(event) for _ in range(rng.randint(2, 4)))
            paragraphs.append(paragraph)
            words += paragraph.count(" ") + 1
        title_words = [*rng.sample(event.words, 2), *self.lex.prose(rng, rng.randint(3, 6))]
        rng.shuffle(title_words)
        title = f"{event.organisation}: " + " ".join(title_words).capitalize()
        return self._finish(title, paragraphs, outlet, published, used_quotes)

    def rewrite(self, original: SynthStory, outlet: str, published: datetime) -> SynthStory:
        """A later story that copies most of ``original``, its quotations included."""
        rng = self.rng
        kept = [p for p in original.paragraphs if rng.random() < 0.8] or original.paragraphs[:1]
        intro = " ".join(self.lex.prose(rng, rng.randint(15, 30))).capitalize() + "."
        title = (
            original.title.split(": ", 1)[0] + ": " + " ".join(self.lex.prose(rng, 5)).capitalize()
        )
        story = self._finish(title, [intro, *kept], outlet, published, list(original.quotes))
        story.rewrite_of = original.guid
        return story

    def _finish(
        self, title: str, paragraphs: list[str], outlet: str, published: datetime, quotes: list[str]
    ) -> SynthStory:
        self.count += 1
        slug = _slug(outlet.removeprefix("The "))
        link = f"https://{slug}.example/{published:%Y/%m/%d}/story-{self.count}"
        author = f"{self.rng.choice(self.lex.first_names)} {self.rng.choice(self.lex.last_names)}"
        return SynthStory(
            link=link,
            guid=link,
            title=title,
            paragraphs=paragraphs,
            outlet=outlet,
            author=author,
            published=published,
            quotes=quotes,
        )

    def stories(
        self, count: int, start: datetime | None = None, days: int = DAYS
    ) -> list[SynthStory]:
        """``count`` stories over ``days`` days ending at ``self.end``, oldest first.

        Events get 1–3 independent stories from different outlets within a day;
        about :data:`REWRITE_SHARE` of all stories rewrite an earlier one.
        """
        rng = self.rng
        begin = start or self.end - timedelta(days=days)
        span = (self.end - begin).total_seconds()
        times = sorted(begin + timedelta(seconds=rng.random() * span) for _ in range(count))
        made: list[SynthStory] = []
        event: Event | None = None
        left_in_event = 0
        for when in times:
            outlet = rng.choice(self.outlets)
            if made and rng.random() < REWRITE_SHARE:
                recent = made[max(0, len(made) - 200) :]
                made.append(self.rewrite(rng.choice(recent), outlet, when))
                continue
            if event is None or left_in_event <= 0:
                event = self.new_event(when)
                left_in_event = rng.choice((1, 1, 1, 2, 2, 3))
            left_in_event -= 1
            made.append(self.story(event, outlet, when))
        return made


def story_html(story: SynthStory) -> str:
    """The item body as feed HTML (one ``<p>`` per paragraph)."""
    return "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)


def rss(outlet: str, items: list[SynthStory]) -> bytes:
    """An RSS 2.0 feed with full text in ``content:encoded``."""
    slug = _slug(outlet.removeprefix("The "))
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{escape(outlet)}</title><link>https://{slug}.example/</link>",
        f"<description>News from {escape(outlet)}</description>",
    ]
    for item in items:
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="true">{escape(item.guid)}</guid>'
            f"<pubDate>{format_datetime(item.published)}</pubDate>"
            f"<dc:creator>{escape(item.author)}</dc:creator>"
            f"<description>{escape(item.paragraphs[0])}</description>"
            f"<content:encoded>{escape(story_html(item))}</content:encoded></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def by_outlet(stories: list[SynthStory]) -> dict[str, list[SynthStory]]:
    """Stories grouped by outlet, newest first within each (as feeds list them)."""
    grouped: dict[str, list[SynthStory]] = {}
    for story in stories:
        grouped.setdefault(story.outlet, []).append(story)
    for items in grouped.values():
        items.sort(key=lambda s: s.published, reverse=True)
    return grouped


def write_feeds(stories: list[SynthStory], directory: Path, per_file: int = 200) -> list[Path]:
    """Write one or more RSS files per outlet (at most ``per_file`` items each)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for outlet, items in sorted(by_outlet(stories).items()):
        for part in range(0, len(items), per_file):
            path = directory / f"{_slug(outlet)}-{part // per_file:03d}.xml"
            path.write_bytes(rss(outlet, items[part : part + per_file]))
            paths.append(path)
    return paths


def outlets_for(size: int) -> int:
    """A few hundred outlets for a big desk, fewer for a small one."""
    return max(20, min(300, size // 30))


def generate(size: int, seed: int = 1) -> list[SynthStory]:
    """The benchmark corpus of ``size`` stories (deterministic for a seed)."""
    return CorpusWriter(seed=seed, outlets=outlets_for(size)).stories(size)


def pick_terms(
    stories: list[SynthStory], rng: random.Random, count: int, band: tuple[float, float]
) -> list[str]:
    """Words whose document frequency lies in ``band`` (fractions of the corpus)."""
    lexicon = Lexicon.build()
    sample = stories[:: max(1, len(stories) // 400)]
    frequency: dict[str, int] = {}
    for story in sample:
        for word in set(story.body.lower().split()):
            frequency[word] = frequency.get(word, 0) + 1
    known = set(lexicon.words[100:])
    low, high = band[0] * len(sample), band[1] * len(sample)
    fitting = sorted(w for w, n in frequency.items() if low <= n <= high and w in known)
    return rng.sample(fitting, min(count, len(fitting)))


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_feeds(generate(args.size, args.seed), args.out)
    print(f"{len(paths)} feed files in {args.out}")


if __name__ == "__main__":
    _main()
