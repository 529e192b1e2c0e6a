"""Names in English, German and other Latin-script text: a deterministic extractor.

No NER model for these languages installs from the package index from a trustworthy
publisher and runs offline (docs/admin.md says what was checked), so this reads the text
the way a sub-editor would:

1. **Name phrases**: runs of capitalised words, joined by name particles (von der, bin, al)
   and, after an organisation's head word, by "of", "for", "and", "the" (Ministry of the
   Interior); a possessive 's is left out; an abbreviation in brackets after a phrase
   ("Islamic State (IS)") is kept as its alias.
2. **Offices**: a phrase that starts with an office ("Interior Minister Herbert Reul",
   "NRW-Innenminister Herbert Reul", "Chancellor Olaf Scholz") is split: the office is the
   title, the rest the person; a place inside the office ("Moscow Mayor") is a place.
3. **Kinds**: a place if the gazetteer knows the phrase (cities, regions, countries in many
   languages); an organisation if it has an organisation's head word (Ministry, Office,
   Court, Party; in German a compound ending -ministerium, -anwaltschaft, -gericht…) or is
   an abbreviation; otherwise a person if it has two to four words.
4. **What is left out**: a capitalised word alone that is none of those (a sentence's first
   word, a German noun, a demonym), unless it is the surname of a person already found
   ("Reul said"). German capitalises every noun, so there a phrase of one word needs the
   gazetteer, an organisation's form or a known surname, and longer phrases need a cue.
"""

from __future__ import annotations

import re

from events import gazetteer

from .types import ExtractedName


def _words(text: str) -> list[str]:
    return text.split()


WORD = re.compile(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]", re.UNICODE)

FUNCTION_WORDS = frozenset(
    _words(
        """
        a an the this that these those it its he she they we i you his her their our my your in
        on at to of for from by with after before during while when where as if but and or not
        no yes there here what which who whom whose why how all some any each every both
        according also however meanwhile yesterday today tomorrow on monday tuesday wednesday
        thursday friday saturday sunday january february march april may june july august
        september october november december police officials authorities witnesses prosecutors
        der die das den dem des ein eine einer eines einem einen bei nach vor mit von zu zum
        zur im am um auf aus für über unter gegen ohne durch es er sie wir ihr ich sich man wie
        was wer wo als wenn dass doch noch auch nur schon am montag dienstag mittwoch
        donnerstag freitag samstag sonntag januar februar märz mai juni juli oktober dezember
        """
    )
)
NAME_PARTICLES = frozenset(
    _words(
        """
        von van de del della di da du le la bin ibn al el
        """
    )
)
# Particles that only continue another ("von der Leyen"): alone, "der" is an article.
SECOND_PARTICLES = frozenset(
    _words(
        """
        der den
        """
    )
)
DETERMINERS = frozenset(
    _words(
        """
        der die das dem den des ein eine einer einem einen ihr ihre ihrem ihren sein seine
        seinem seinen
        """
    )
)
GERMAN_ADJECTIVE = re.compile(r"(isch|ische|ischer|ischen|ischem|isches|ige|iger|igen)$")
VENUE_HEADS = frozenset(
    _words(
        """
        hall arena square stadium airport station centre center church mosque cathedral bridge
        street avenue park palace market theatre theater platz halle bahnhof flughafen markt
        """
    )
)
ORG_NOUNS_AFTER = frozenset(
    _words(
        """
        agency group party militia network channel newspaper
        """
    )
)
ORG_CONNECTORS = frozenset(
    _words(
        """
        of for and the on
        """
    )
)
ORG_HEADS = frozenset(
    _words(
        """
        ministry office agency council committee commission party front army court service
        services police guard bureau department union organisation organization group state
        states government parliament assembly authority directorate command corps brigade
        battalion forces federation association institute university bank company news times
        post press network nations ministerium amt anwaltschaft polizei partei gericht
        regierung behörde verband bund kommission rat staat armee
        """
    )
)
ORG_SUFFIXES = (
    "ministerium",
    "amt",
    "anwaltschaft",
    "bundesanwalt",
    "polizei",
    "partei",
    "gericht",
    "regierung",
    "behörde",
    "verband",
    "dienst",
)
OFFICES = frozenset(
    _words(
        """
        president minister chancellor premier mayor governor secretary prosecutor spokesman
        spokeswoman spokesperson chief director commissioner leader judge general colonel
        senator ambassador king queen prince pope bishop sheikh ayatollah mr mrs ms dr
        präsident minister kanzler bürgermeister oberbürgermeister sprecher sprecherin chef
        ministerpräsident innenminister bundeskanzler bundesinnenministerin innenministerin
        """
    )
)
OFFICE_SUFFIXES = ("minister", "ministerin", "präsident", "kanzler", "bürgermeister", "chef")
OFFICE_MODIFIERS = frozenset(
    _words(
        """
        interior foreign defence defense prime deputy vice federal state police attorney
        finance justice health economy home general chief press
        """
    )
)
CAPITALISED_EVERY_NOUN = frozenset({"de"})
# Where every noun is capitalised, one word is a place only if it is a town this large
# (Solingen, Paderborn) or a region or country: smaller towns' names are common nouns.
SINGLE_WORD_TOWN = 50_000


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= 6 and sum(c.isupper() for c in letters) >= 2 and word[0].isupper()


def _is_office(word: str) -> bool:
    lower = word.casefold()
    tail = lower.rsplit("-", 1)[-1]
    return tail in OFFICES or lower in OFFICES or tail.endswith(OFFICE_SUFFIXES)


def _is_org_word(word: str) -> bool:
    lower = word.casefold().rstrip("'’s")
    return lower in ORG_HEADS or (len(lower) > 6 and lower.endswith(ORG_SUFFIXES))


def _strip_possessive(text: str, start: int, end: int) -> int:
    for suffix in ("'s", "’s"):
        if text[start:end].endswith(suffix):
            return end - len(suffix)
    if text[start:end].endswith(("'", "’")):
        return end - 1
    return end


def _phrases(text: str) -> list[tuple[list[tuple[int, int]], bool]]:
    """Runs of capitalised words: their (start, end) spans and whether a sentence starts."""
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    phrases, current, sentence_start, starts_sentence = [], [], True, True
    for index, (start, end) in enumerate(words):
        word = text[start:end]
        gap = text[words[index - 1][1] : start] if index else ""
        breaks = bool(re.search(r"[.!?:;\"«»“”()\[\]]|\n", gap)) or "," in gap
        if breaks and current:
            phrases.append((current, starts_sentence))
            current = []
        if index == 0 or re.search(r"[.!?:]\s|[\"«“]\s*$|\n", gap):
            sentence_start = True
        lower = word.casefold()
        if _is_capitalised(word):
            if not current:
                starts_sentence = sentence_start
            current.append((start, end))
            if word.endswith(("'s", "’s")) and gazetteer.is_known_place_name(
                text[current[0][0] : end - 2]
            ):  # "Germany's Federal Prosecutor's Office": two names
                phrases.append((current, starts_sentence))
                current = []
        elif current and (
            lower in NAME_PARTICLES
            or (lower in SECOND_PARTICLES and text[slice(*current[-1])] in NAME_PARTICLES)
            or (lower in ORG_CONNECTORS and _is_org_word(text[slice(*current[-1])]))
            or (lower in ORG_CONNECTORS and current and text[slice(*current[-1])] == "the")
        ):
            current.append((start, end))
        elif current:
            phrases.append((current, starts_sentence))
            current = []
        sentence_start = False
    if current:
        phrases.append((current, starts_sentence))
    # A phrase ends on a capitalised word: trailing particles and connectors go.
    trimmed = []
    for spans, first in phrases:
        while spans and not _is_capitalised(text[slice(*spans[-1])]):
            spans = spans[:-1]
        if spans:
            trimmed.append((spans, first))
    return trimmed


def _is_place(phrase: str, *, single_word_population: int = 0) -> bool:
    """Whether the gazetteer knows ``phrase``; one word must be a town of the given size."""
    if phrase.casefold() in FUNCTION_WORDS:
        return False
    population = single_word_population if " " not in phrase else 0
    return gazetteer.is_known_place_name(phrase, min_population=population)


def _is_org_compound(word: str) -> bool:
    lower = word.casefold()
    return len(lower) > 8 and lower.endswith(ORG_SUFFIXES)


def _after_determiner(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].split()
    return bool(before) and before[-1].casefold() in DETERMINERS


def _org_noun_follows(text: str, end: int) -> bool:
    """ "Amaq news agency", "the Wagner group": a lowercase organisation noun follows."""
    following = re.match(r"\s+([a-z]+)(?:\s+([a-z]+))?", text[end:])
    return bool(following) and bool(ORG_NOUNS_AFTER & {following.group(1), following.group(2)})


APPOSITION = re.compile(r",\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?([\w-]+)")


def _venue_apposition_follows(text: str, end: int) -> bool:
    """ "the Fronhof, a square in the city centre": a name glossed as a venue is a place."""
    match = APPOSITION.match(text, end)
    return bool(match) and match.group(1).casefold() in VENUE_HEADS


def _places_in_title(text: str, spans: list[tuple[int, int]]) -> list[ExtractedName]:
    """Places named in an office ("North Rhine-Westphalia Interior Minister", "NRW-Innen…")."""
    words = [text[s:e] for s, e in spans]
    cut = next(
        (i for i, w in enumerate(words) if _is_office(w) or w.casefold() in OFFICE_MODIFIERS),
        len(words),
    )
    if cut and _is_place(text[spans[0][0] : spans[cut - 1][1]]):
        return [
            ExtractedName(
                "place", spans[0][0], spans[cut - 1][1], text[spans[0][0] : spans[cut - 1][1]]
            )
        ]
    found = []
    for start, end in spans[cut:]:
        head = text[start:end].split("-")[0]
        if head != text[start:end] and _is_place(head):
            found.append(ExtractedName("place", start, start + len(head), head))
    return found


def _bracketed_abbreviation(text: str, end: int) -> str:
    match = re.match(r"\s*\(([A-ZÄÖÜА-Я][\w-]{1,7})\)", text[end:])
    return match.group(1) if match and _is_abbreviation(match.group(1)) else ""


def extract_rules(text: str, language: str) -> list[ExtractedName]:
    """People, organisations and places named in ``text`` (see the module's rules)."""
    every_noun = language.split("-")[0] in CAPITALISED_EVERY_NOUN
    names: list[ExtractedName] = []
    surnames: set[str] = set()
    pending_single: list[tuple[int, int, bool]] = []
    for spans, starts_sentence in _phrases(text):
        words = [text[s:e] for s, e in spans]
        # A sentence's first word is dropped when it is a function word ("The", "Bei").
        while words and starts_sentence and words[0].casefold() in FUNCTION_WORDS:
            spans, words, starts_sentence = spans[1:], words[1:], False
        # German: "die Terrormiliz Islamischer Staat" - a noun before the name goes.
        if (
            every_noun
            and len(words) > 1
            and _after_determiner(text, spans[0][0])
            and not GERMAN_ADJECTIVE.search(words[0])
        ):
            spans, words = spans[1:], words[1:]
        if not spans:
            continue
        office_end = None
        for index, word in enumerate(words[:-1]):
            if _is_office(word):
                office_end = index
        if office_end is not None and not _is_org_word(words[-1]):
            names.extend(_places_in_title(text, spans[: office_end + 1]))
            title = text[spans[0][0] : spans[office_end][1]]
            spans, words = spans[office_end + 1 :], words[office_end + 1 :]
            start, end = spans[0][0], _strip_possessive(text, spans[0][0], spans[-1][1])
            names.append(ExtractedName("person", start, end, text[start:end], title=title))
            if len(words) > 1:
                surnames.add(words[-1])
            continue
        start, end = spans[0][0], _strip_possessive(text, spans[0][0], spans[-1][1])
        phrase = text[start:end]
        single = len(spans) == 1
        town = SINGLE_WORD_TOWN if every_noun else 0
        venue = not single and words[-1].casefold() in VENUE_HEADS
        if venue or _is_place(phrase, single_word_population=town):
            names.append(ExtractedName("place", start, end, phrase))
        elif (not single and any(_is_org_word(w) for w in words)) or (
            single and (_is_abbreviation(phrase) or _is_org_compound(phrase))
        ):
            abbreviation = _bracketed_abbreviation(text, spans[-1][1])
            names.append(ExtractedName("organisation", start, end, phrase, abbreviation))
        elif single and _org_noun_follows(text, end):
            names.append(ExtractedName("organisation", start, end, phrase))
        elif single and _venue_apposition_follows(text, end):
            names.append(ExtractedName("place", start, end, phrase))
        elif single:
            pending_single.append((start, end, starts_sentence))
        elif any(c.isdigit() for c in phrase):
            continue  # a dateline ("Aug 24 - A man…") joins words across its numbers
        elif 2 <= len(words) <= 4 and not (every_noun and starts_sentence):
            names.append(ExtractedName("person", start, end, phrase))
            surnames.add(words[-1])
        elif not every_noun and len(words) > 4:
            names.append(ExtractedName("organisation", start, end, phrase))
    # A lone capitalised word is a person only as the surname of one already named.
    for start, end, _starts_sentence in pending_single:
        if text[start:end] in surnames:
            names.append(ExtractedName("person", start, end, text[start:end]))
    bracketed = {n.abbreviation for n in names if n.abbreviation}
    names = [n for n in names if not (n.kind == "organisation" and n.name in bracketed)]
    return sorted(names, key=lambda n: n.start)
