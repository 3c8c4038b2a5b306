"""One catalog per language: a module here with MESSAGES (text by key) and PLACEHOLDERS (argument names in usage
lines). Adding a language is one module and its code in LANGUAGES; the first language is the reference catalog."""

LANGUAGES: tuple[str, ...] = ("de", "en")
