"""Height of the reader pages in Debian's Chromium (Playwright), desktop and phone.

    python bench/page_height.py http://127.0.0.1:8000 /events/crocus-city-hall-attack/

Prints one line per page and viewport: the document's scroll height in CSS pixels. The
numbers for the Crocus event page are kept in docs/pages.md ("Page height").
"""

import argparse
import os

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the served site, e.g. http://127.0.0.1:8000")
    parser.add_argument("paths", nargs="+", help="page paths to measure")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for name, (width, height) in VIEWPORTS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for path in args.paths:
                page.goto(args.base.rstrip("/") + path, wait_until="load")
                total = page.evaluate("document.documentElement.scrollHeight")
                print(f"{path}\t{name} {width}x{height}\t{total} px")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
