"""Text that reaches a file name, a ZIP entry or a header: without invisible characters."""
import unicodedata

# Controls, format characters (bidi embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks
# U+200E/U+200F, zero-width joiners, BOM), surrogates, private use, unassigned, line/paragraph separators.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def visible(text):
    """`text` NFC-normalised without the characters of REMOVED_CATEGORIES (so "‮fdp.exe" cannot pose as a PDF)."""
    text = unicodedata.normalize("NFC", str(text))
    return "".join(ch for ch in text if unicodedata.category(ch) not in REMOVED_CATEGORIES)
