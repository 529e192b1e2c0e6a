"""Rules a record must keep before anything is loaded: sources a reader can follow, and
attribution that the quoted passages (or the cited report) back.

These run on the parsed record file, so a record that breaks them changes nothing and the
error names the offending row.
"""

from __future__ import annotations

from .sync import RecordError

CITABLE_KINDS = {"report", "official"}


def _names(actor: dict) -> list[str]:
    names = [actor["name"], *(alias["name"] for alias in actor.get("aliases", []))]
    return [name.casefold() for name in names if name.strip()]


def check_sources(data: dict, where: str) -> None:
    """Every cited report names its outlet, its date and its URL (or why it has none); the
    newsroom's own text is never cited as a source."""
    articles = {row["slug"]: row for row in data.get("articles", [])}
    for slug, row in articles.items():
        kind = row.get("kind", "report")
        if kind not in CITABLE_KINDS:
            continue
        missing = [name for name in ("publisher", "published_on") if not row.get(name)]
        if not (row.get("original_headline") or row.get("headline")):
            missing.append("headline")
        if not row.get("url") and not row.get("text_file") and not row.get("provenance_note"):
            missing.append("url (or a provenance_note saying why there is none)")
        if missing and not row.get("text_file"):
            raise RecordError(f"{where}: article “{slug}” lacks {', '.join(missing)}.")
    cited = [
        (f"claim “{claim['key']}”", source["article"])
        for table in ("claims", "figures")
        for claim in data.get(table, [])
        for source in claim.get("sources", [])
    ]
    cited += [
        (f"participation of “{row['actor']}” in “{row['event']}”", row["source"])
        for row in data.get("participations", [])
    ]
    cited += [
        (f"affiliation of “{actor['slug']}”", link["source"])
        for actor in data.get("actors", [])
        for link in actor.get("affiliations", [])
    ]
    for what, slug in cited:
        if articles.get(slug, {}).get("kind", "report") not in CITABLE_KINDS:
            raise RecordError(
                f"{where}: {what} cites “{slug}”, which is not an outlet's report or an "
                "official document (the newsroom's own text is not a source)."
            )


def check_attribution(data: dict, where: str) -> None:
    """A claim names a speaker only when a quoted passage names them, or when a cited report
    with a URL and an outlet attributes it to them (``attributes_speaker = true``). An
    outlet speaks in its own report: a claim whose speaker is the outlet that published a
    cited report (with its URL) is backed by that report."""
    actors = {row["slug"]: row for row in data.get("actors", [])}
    articles = {row["slug"]: row for row in data.get("articles", [])}
    for table in ("claims", "figures"):
        for claim in data.get(table, []):
            key, speaker = claim["key"], actors.get(claim.get("speaker"))
            if speaker is None:
                continue  # the loader reports the unknown slug
            names = _names(speaker)
            backed = False
            for source in claim.get("sources", []):
                article = articles.get(source["article"], {})
                passage = source.get("passage", "").casefold()
                if any(name in passage for name in names):
                    backed = True
                if article.get("url") and article.get("publisher") == claim["speaker"]:
                    backed = True
                if source.get("attributes_speaker"):
                    if not (article.get("url") and article.get("publisher")):
                        raise RecordError(
                            f"{where}: claim “{key}” says “{source['article']}” attributes it "
                            f"to {speaker['name']}, but that report has no URL or outlet."
                        )
                    backed = True
            if not backed:
                raise RecordError(
                    f"{where}: claim “{key}” names {speaker['name']} as its speaker, but none "
                    "of its quoted passages names them and no cited report with a URL is "
                    "marked as attributing it to them (attributes_speaker = true)."
                )


def check_record(data: dict, where: str) -> None:
    check_sources(data, where)
    check_attribution(data, where)
