"""File names people gave, made safe to show and to send back in Content-Disposition."""
import re
import unicodedata

from django.utils.translation import gettext as _

# Characters no file system or download dialogue should meet; path separators go with the path.
RESERVED = re.compile(r'[<>:"/\\|?*]')
# Unicode categories removed: controls, format characters (bidi overrides such as U+202E, zero-width
# joiners, BOM), surrogates, private use, unassigned, and line/paragraph separators.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MAX_LENGTH = 100


def _stem(name):
    name = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return name


def safe_filename(raw, extension):
    """The name a file is shown and downloaded under: the last part of what the browser sent (no
    directories), NFC-normalised, without control, bidi or other invisible characters and characters
    file systems reserve, at most 100 characters, ending in `extension` (the type the content has, not
    the one the name claimed). An empty result becomes 佐证材料<extension>."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in REMOVED_CATEGORIES)
    name = RESERVED.sub("_", name)
    name = re.sub(r"\s+", " ", name)
    stem = _stem(name).strip(" .")
    stem = stem[: MAX_LENGTH - len(extension)].strip(" .")
    return f"{stem or _('佐证材料')}{extension}"
