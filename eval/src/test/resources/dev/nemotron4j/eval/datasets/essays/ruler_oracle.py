#!/usr/bin/python3
"""Writes the expected text of each page fixture as RULER's download_paulgraham_essay.py (NVIDIA/RULER at
c3f5e3b4f87f97e048793bb510a3a6b19a46bf3a) turns a paulgraham.com page into an essay file: the bytes decoded with
"unicode_escape", the first <font> element found by BeautifulSoup's html.parser and re-serialized, html2text with
RULER's options, the file written and read back in text mode (universal newlines). Run by hand, with Debian's
python3-html2text and python3-bs4 (versions printed into VERSIONS); the tests only compare against its output.

    /usr/bin/python3 ruler_oracle.py *.html
"""
import sys, warnings
import bs4, html2text
from bs4 import BeautifulSoup

warnings.simplefilter("ignore")


def ruler_page_text(raw: bytes) -> str:
    h = html2text.HTML2Text()
    h.ignore_images = True
    h.ignore_tables = True
    h.escape_all = True
    h.reference_links = False
    h.mark_code = False
    content = raw.decode("unicode_escape", "utf-8")
    soup = BeautifulSoup(content, 'html.parser')
    specific_tag = soup.find('font')
    parsed = h.handle(str(specific_tag))
    # written with open(..., 'w') and read back with open(..., 'r'): universal newlines on reading
    return parsed.replace("\r\n", "\n").replace("\r", "\n")


for name in sys.argv[1:]:
    stem = name[:-len(".html")]
    with open(name, "rb") as f:
        raw = f.read()
    try:
        text = ruler_page_text(raw)
    except Exception as e:   # RULER's script prints "Fail download" and leaves the essay out
        with open(stem + ".error", "w", encoding="utf-8") as f:
            f.write(type(e).__name__ + "\n")
        continue
    with open(stem + ".expected.md", "w", encoding="utf-8", newline="") as f:
        f.write(text)

with open("VERSIONS", "w") as f:
    f.write("python %s\nhtml2text %s\nbeautifulsoup4 %s\n" % (sys.version.split()[0], ".".join(map(str, html2text.__version__)), bs4.__version__))
