"""Text cleaning for reports as received (scraped pages carry debris)."""

import re

# Lines that are page furniture, not reporting: ad slots (misspelt as scraped), share bars…
DEBRIS_LINES = re.compile(
    r"^\s*(advertis(e)?ment|advertisment|sponsored( content)?|share( this)?( article)?|"
    r"read more|click here to subscribe|subscribe( now)?)\s*$",
    re.IGNORECASE,
)
# A leading dateline the scraper glued to the first paragraph: " date 2024-03-23 Following…".
LEADING_DATE = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\s+")


def clean_report_text(raw: str) -> str:
    """Remove scraped-page debris and keep paragraphs (joined by one blank line).

    Lines inside a paragraph are kept as they are; runs of blank lines collapse to one;
    lines that are only page furniture ("Advertisment") go.
    """
    if not raw:
        return ""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = LEADING_DATE.sub("", text, count=1)
    paragraphs, current = [], []
    for line in text.split("\n"):
        if DEBRIS_LINES.match(line):
            continue
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def leading_date(raw: str) -> str | None:
    """The ISO date of a scraped dateline at the start of the text, if there is one."""
    match = re.match(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", raw or "")
    return match.group(1) if match else None
