#!/usr/bin/env python3
"""Refreshes resources/translations/socwb_en.ts, the English plural forms of every tr("... %n ...").

Qt writes a count with tr("%n channel(s)", nullptr, n); without a translation the text shows as
"1 channel(s)". The English "translation" gives each such string its singular and plural. This runs
Qt's lupdate over app/, models/ and views/ (plural strings only; forms already written are kept) and
fills each new string whose words mark the plural as "(s)" or "(es)" (a string moved to another class
keeps the forms lupdate carries over). A new string written another
way ("Change %n channels") is left unfinished: write its two forms in the .ts by hand (or in Qt
Linguist). tst_plural_forms fails while any form is missing and names the string.

usage: packaging/plurals.py [LUPDATE]   (default: /usr/lib/qt6/bin/lupdate)
"""
import html
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "socwb_en.ts"


def escape(text):
    return html.escape(text, quote=False).replace("'", "&apos;").replace('"', "&quot;")


def fill(match):
    source = html.unescape(match.group(1))
    if "(s)" not in source and "(es)" not in source:
        return match.group(0)
    one = source.replace("(s)", "").replace("(es)", "")
    many = source.replace("(s)", "s").replace("(es)", "es")
    return (
        "<source>%s</source>\n        <translation>\n            <numerusform>%s</numerusform>\n"
        "            <numerusform>%s</numerusform>\n        </translation>"
        % (match.group(1), escape(one), escape(many))
    )


def main():
    lupdate = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/qt6/bin/lupdate"
    subprocess.run(
        [lupdate, "-silent", "-pluralonly", "-no-obsolete", "-locations", "none", "-target-language", "en",
         "app", "models", "views", "-ts", str(TS)],
        cwd=ROOT, check=True)
    text = TS.read_text(encoding="utf-8")
    unfinished = (r'<source>([^<]*)</source>\s*<translation type="unfinished">\s*'
                  r'<numerusform></numerusform>\s*<numerusform></numerusform>\s*</translation>')
    text, _ = re.subn(unfinished, fill, text, flags=re.S)
    # lupdate fills a moved string (same text, new class) from the old one but marks it unfinished.
    guessed = r'<translation type="unfinished">((?:\s*<numerusform>[^<]+</numerusform>){2}\s*</translation>)'
    text = re.sub(guessed, r"<translation>\1", text)
    TS.write_text(text, encoding="utf-8")
    left = re.findall(r'<source>([^<]*)</source>\s*<translation type="unfinished">', text, flags=re.S)
    for source in left:
        print("write both forms by hand: " + html.unescape(source), file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
