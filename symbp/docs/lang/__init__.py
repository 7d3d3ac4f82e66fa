"""Prose of the documents, one module per language with the same keys.

A third language is a new module here (copy ``en.py``, translate the values) and its code in
``LANGUAGES``; no other code changes.
"""
from importlib import import_module

LANGUAGES = ("en", "vi")


def strings(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    return import_module(f".{lang}", __name__).STRINGS
