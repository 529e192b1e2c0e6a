"""The pages and feeds as real clients read them: extruct (JSON-LD, OpenGraph), feedparser,
and the Nu HTML checker (vnu.jar from npm's vnu-jar, installed by `make tools` / .ci/run).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import extruct
import feedparser
import pytest

from events import models as m

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def vnu_jar() -> Path:
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    found = sorted((ROOT / ".venv").glob("vnu-*/node_modules/vnu-jar/build/dist/vnu.jar"))
    if not found:
        pytest.fail("vnu.jar is not installed: run `make tools` (npm's vnu-jar into .venv).")
    return found[-1]


def page_urls(crocus) -> dict[str, str]:
    claim = crocus.claims.filter(status="published").exclude(sources=None).first()
    article = m.Article.objects.filter(status="published").first()
    place = crocus.location
    actor = m.Actor.objects.get(slug="volodymyr-zelensky")
    return {
        "home": "/",
        "events": "/events/",
        "event": crocus.get_absolute_url(),
        "event_as_of": crocus.get_absolute_url() + "?as_of=2024-03-23",
        "detention": "/events/crocus-gunmen-detained/",
        "actor": actor.get_absolute_url(),
        "location": place.get_absolute_url(),
        "region": place.parent.parent.get_absolute_url(),
        "claim": claim.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": "/search/?q=Zelenski",
        "not_found": "/events/no-such-event/",
    }


def things(data):
    """Every schema.org object in extruct's JSON-LD, nested ones included."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "@type" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def test_json_ld_has_the_types_and_properties_search_engines_require(client, crocus):
    urls = page_urls(crocus)
    seen = set()
    for name in ("event", "detention", "claim", "article", "actor", "location"):
        html = client.get(urls[name]).content.decode()
        data = extruct.extract(
            html, base_url="http://testserver" + urls[name], syntaxes=["json-ld", "opengraph"]
        )
        assert data["json-ld"], name
        og = dict(data["opengraph"][0]["properties"])
        assert og["og:title"] and og["og:image"].startswith("http"), name
        for thing in things(data["json-ld"]):
            kind = thing["@type"]
            seen.add(kind)
            if kind == "NewsArticle":
                assert thing.get("headline") and thing.get("datePublished"), thing
                assert thing.get("author") or thing.get("publisher"), thing
                assert not thing.get("url", "").startswith("http://testserver"), thing
            elif kind == "Event" and "startDate" in thing and thing is data["json-ld"][0]:
                assert thing["name"] and thing["location"]["geo"]["latitude"], name
            elif kind == "Claim":
                assert thing["author"]["name"] and thing["appearance"], thing
            elif kind == "WebPage":
                assert thing["publisher"]["name"] == "newsbase"
    assert {"Event", "NewsArticle", "Claim", "WebPage", "Place"} <= seen


def test_feeds_parse_cleanly_with_the_elements_rfc_4287_requires(client, crocus):
    atom = feedparser.parse(client.get("/feeds/events.atom").content)
    rss = feedparser.parse(client.get("/feeds/events.rss").content)
    assert not atom.bozo and not rss.bozo
    assert atom.version == "atom10" and rss.version.startswith("rss")
    assert atom.feed.id and atom.feed.title and atom.feed.updated
    assert atom.entries and len(atom.entries) == len(rss.entries)
    for entry in atom.entries:
        assert entry.id and entry.title and entry.updated and entry.link and entry.author


def test_pages_are_valid_html_to_the_nu_checker(client, crocus, tmp_path):
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (Debian's default-jre-headless)"
    files = []
    for name, url in page_urls(crocus).items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == [], json.dumps(messages, indent=1, ensure_ascii=False)[:4000]
