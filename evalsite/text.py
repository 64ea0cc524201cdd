"""Text that reaches a file name, a ZIP entry or a header: without invisible characters."""
import unicodedata

# Controls, format characters (bidi embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks
# U+200E/U+200F, zero-width joiners, BOM), surrogates, private use, unassigned, line/paragraph separators.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def visible(text):
    """`text` NFC-normalised without the characters of REMOVED_CATEGORIES (so "‮fdp.exe" cannot pose as a PDF)."""
    text = unicodedata.normalize("NFC", str(text))
    return "".join(ch for ch in text if unicodedata.category(ch) not in REMOVED_CATEGORIES)


class VisibleNamesMixin:
    """For models: the text fields named in `visible_fields` lose invisible characters (`visible`) and surrounding
    spaces before validation and again before saving, so every ModelForm (/admin/ included) and every service stores
    names that are safe in file names, ZIP entries, PDFs and workbooks; a name of invisible characters alone is then
    blank and refused as such."""

    visible_fields = ()

    def _make_names_visible(self):
        for name in self.visible_fields:
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, visible(value).strip())

    def clean_fields(self, exclude=None):
        self._make_names_visible()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self._make_names_visible()
        super().save(*args, **kwargs)
