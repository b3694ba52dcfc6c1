#!/usr/bin/env python3
"""Merges translations into a UI language file, in en.json's key order.

    scripts/i18n_merge.py LANG FRAGMENT [FRAGMENT...]

A fragment is a text file of `dotted.key|text` lines (blank lines and lines
starting with `#` are skipped); plural forms are `key.one|...`,
`key.other|...`. Texts already in ui/i18n/LANG.json are kept unless a
fragment gives the key again. Plural objects get exactly the categories
Intl.PluralRules uses for LANG (a missing `many` takes the `other` text).
Keys that en.json no longer has are dropped; keys still missing are listed,
and the script exits 1 if there are any.
"""

import collections
import json
import sys
from pathlib import Path

UI = Path(__file__).resolve().parent.parent / "ui" / "i18n"
PLURAL_CATEGORIES = {
    "en": ["one", "other"],
    "ca": ["one", "many", "other"],
    "es": ["one", "many", "other"],
    "id": ["other"],
}
ALL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


def is_plural(value):
    return isinstance(value, dict) and value and set(value) <= ALL_CATEGORIES


def flatten(node, prefix=""):
    for key, value in node.items():
        if isinstance(value, dict) and not is_plural(value):
            yield from flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def read_fragment(path):
    texts = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, text = line.partition("|")
        if not sep:
            sys.exit(f"{path}:{n}: expected key|text")
        texts[key.strip()] = text
    return texts


def main():
    lang, fragments = sys.argv[1], sys.argv[2:]
    en = json.loads((UI / "en.json").read_text(encoding="utf-8"))
    target = UI / f"{lang}.json"
    old = dict(flatten(json.loads(target.read_text(encoding="utf-8")))) if target.exists() else {}
    given = {}
    for fragment in fragments:
        given.update(read_fragment(fragment))
    out = collections.OrderedDict()
    missing = []
    for key, english in flatten(en):
        if is_plural(english):
            forms = dict(old.get(key) or {})
            for category in ALL_CATEGORIES:
                if f"{key}.{category}" in given:
                    forms[category] = given[f"{key}.{category}"]
            if "other" not in forms:
                missing.append(key)
                continue
            value = {c: forms.get(c, forms["other"]) for c in PLURAL_CATEGORIES[lang]}
        elif key in given:
            value = given[key]
        elif isinstance(old.get(key), str):
            value = old[key]
        else:
            missing.append(key)
            continue
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, collections.OrderedDict())
        node[parts[-1]] = value
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key in missing:
        print(f"{lang}: missing {key}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
