"""Word lists the quote extractor relies on: cue verbs, titles, pronouns.

Kept apart from the logic so that the lists can grow without touching the rules,
and so that every rule stays general (nothing here names a person or an outlet).
"""

from __future__ import annotations

import re

_CUE_LEMMAS = (
    "say tell add write insist warn tweet post state note explain argue ask reply claim "
    "declare announce continue report respond recall conclude vow pledge promise suggest "
    "acknowledge admit concede confirm emphasize emphasise stress urge describe chant "
    "exclaim shout yell joke quip observe comment remark predict caution boast complain "
    "counter testify caption muse answer agree lament opine blast slam tout proclaim "
    "recount reiterate assert contend maintain charge deny allege mention affirm "
    "whisper scream cry plead demand retort interject reason estimate assure concur "
    "disclose divulge reveal inform order instruct advise wonder mock scoff sneer find "
    "accuse threaten thunder fume rage gush marvel call label praise criticize criticise "
    "dismiss deride brand hail remember sing question demur elaborate echo react"
).split()

_IRREGULAR = {
    "say": ("said", "says", "saying", "say"),
    "tell": ("told", "tells", "telling", "tell"),
    "write": ("wrote", "writes", "writing", "written", "write"),
    "find": ("found", "finds", "finding"),
    "sing": ("sang", "sings", "singing", "sung"),
    "read": ("read", "reads"),
    "speak": ("spoke", "speaks", "speaking"),
    "put": ("put", "puts"),
    "admit": ("admitted", "admits", "admitting", "admit"),
    "concur": ("concurred", "concurs", "concurring"),
    "demur": ("demurred", "demurs", "demurring"),
    "marvel": ("marveled", "marvelled", "marvels", "marveling", "marvelling"),
    "label": ("labeled", "labelled", "labels", "labeling", "labelling"),
}


def _inflect(lemma: str) -> set[str]:
    """Return the regular inflections of a cue verb (base, -s, -ed, -ing)."""
    if lemma in _IRREGULAR:
        return set(_IRREGULAR[lemma])
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("sh", "ch", "s", "x")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
        # "admit" -> "admitted"; "qu" is a consonant sound ("quip" -> "quipped")
        if re.fullmatch(r"(?:.*[^aeiou]|qu)[aeiou][bdglmnpt]", lemma) and len(lemma) <= 4:
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


_BASE_FORM_CUES = frozenset(
    "say tell write ask add warn insist argue explain agree predict admit acknowledge".split()
)

CUE_WORDS: frozenset[str] = frozenset(
    {
        form
        for lemma in _CUE_LEMMAS
        for form in _inflect(lemma)
        if form != lemma or lemma in _BASE_FORM_CUES
    }
    | {form for forms in _IRREGULAR.values() for form in forms}
)
"""Every inflected form of a verb that can introduce or close a quotation."""

REPORTING_CUES: frozenset[str] = frozenset(
    form
    for lemma in (
        "say tell write add report claim argue note insist warn state announce explain "
        "confirm acknowledge admit allege contend assert maintain reveal recall testify"
    ).split()
    for form in _inflect(lemma)
    if not form.endswith("ing")
) | {"according"}
"""Verbs that report what someone else said ("A said B called it …"): the outer source."""

NOUN_LIKE_CUES: frozenset[str] = frozenset(
    (
        "remarks comments claims reports notes answers calls demands posts tweets replies "
        "estimates orders charges promises pledges vows boasts captions jokes cries pleas "
        "counters reasons questions"
    ).split()
)
"""Cue forms that are more often plural nouns; they need a name or pronoun before them."""

PHRASAL_CUES: frozenset[tuple[str, str]] = (
    frozenset(
        (verb, particle)
        for verb in (
            "shot",
            "fired",
            "hit",
            "pushed",
            "snapped",
            "shoots",
            "fires",
            "hits",
            "pushes",
        )
        for particle in ("back",)
    )
    | frozenset(
        {("went", "on"), ("goes", "on"), ("chimed", "in"), ("weighed", "in"), ("opened", "up")}
    )
    | frozenset((verb, "out") for verb in ("pointed", "points", "pointing"))
)
"""Two-word cues ("shot back", "went on", "pointed out") whose verb alone is not a speech verb."""

CALL_WORDS: frozenset[str] = frozenset({"called", "calls", "calling", "call", "dubbed", "labeled"})
"""Verbs that usually frame a short label ("called it “a disaster”") rather than speech."""

PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she"})
OTHER_PRONOUNS: frozenset[str] = frozenset(
    {"they", "i", "we", "it", "you", "who", "which", "this", "that", "one", "some", "others"}
)

TITLE_WORDS: frozenset[str] = frozenset(
    (
        "president vice prime minister secretary senator sen sen. rep rep. representative "
        "gov gov. governor mayor judge justice chancellor dr dr. mr mr. mrs mrs. ms ms. "
        "gen gen. general col col. lt lt. sgt sgt. capt capt. adm adm. admiral commander "
        "chief director chairman chairwoman chair speaker leader spokesman spokeswoman "
        "spokesperson ambassador attorney pope king queen prince princess sheikh rev rev. "
        "father sister professor prof prof. coach candidate nominee congressman "
        "congresswoman councilman councilwoman commissioner superintendent sheriff "
        "officer deputy head founder ceo cfo executive analyst adviser advisor aide "
        "official lawmaker strategist correspondent editor reporter columnist "
        "economist pollster activist host anchor author writer former acting senior "
        "st st. saint lord lady dame sir field marshal councillor councilor rector treasurer "
        "engineer farmer ranger master lawyer doctor nurse teacher student resident worker "
        "manager owner businessman businesswoman delegate voter supporter organizer "
        "detective inspector sergeant constable captain lieutenant colonel "
        "organiser researcher scientist expert professor historian physician surgeon "
        "pensioner retiree grandmother grandfather widow widower shopper commuter tenant "
        "landlord landlady"
    ).split()
)
"""Words that, before a name, belong to the speaker's role rather than the name."""

ORG_WORDS: frozenset[str] = frozenset(
    (
        "ministry department institute university party news times post journal "
        "region oblast army forces force committee council house senate court agency "
        "administration office union republic kingdom states state network channel "
        "tv radio press associated reuters group company corporation inc corp bank "
        "foundation center centre campaign commission board bureau service guard "
        "navy police fund organization organisation association coalition club league "
        "federation assembly parliament congress government staff magazine daily "
        "tribune herald gazette telegraph review report review city county district "
        "street avenue river sea ocean mountains church school college hospital"
    ).split()
)
"""Words that mark a capitalised run as an organisation or place, not a person."""

NON_NAME_CAPITALS: frozenset[str] = frozenset(
    (
        "the a an but and or so yet on in at for from to of by with when while after "
        "before as if meanwhile however also then this that these those it he she they "
        "we i his her their our my its some many according unless although though "
        "because since until during later earlier still now today yesterday tomorrow "
        "monday tuesday wednesday thursday friday saturday sunday january february "
        "march april may june july august september october november december "
        "mon tue wed thu fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec "
        "here there what why how who where which yes no not nor even just only both "
        "all every each any most more last next first asked update read alongside amid "
        "among despite within without across against around toward towards under over "
        "through throughout beyond behind besides inside outside near like unlike upon "
        "instead perhaps indeed yet again once twice already never always"
    ).split()
)
"""Capitalised words that start sentences or name dates rather than speakers."""

AUXILIARIES: frozenset[str] = frozenset(
    (
        "is was were are be been has have had would will could should may might must "
        "also later then previously once again recently repeatedly reportedly further "
        "had has reportedly publicly privately flatly simply did does do not never "
        "often always quickly angrily famously bluntly since now already just first still "
        "initially finally separately subsequently"
    ).split()
)
"""Words allowed between a speaker and the cue verb ("has also said")."""

CLAUSE_STOPS: frozenset[str] = frozenset(
    (
        "in on at during after before to when while who which that as about of "
        "for from with via through into onto over under because since by"
    ).split()
)
"""Lower-case words that end a noun phrase found after a cue ("said X in ...")."""
