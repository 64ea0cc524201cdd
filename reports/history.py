"""What changed in a report: differences between two interchange documents, and the edit log.

Documents are plain JSON structures (reports.interchange); a change is {"path", "old", "new"} where the
path names the value the way the document does ("income[0].total", "narrative.problems").
"""
from contextlib import contextmanager

from reports.interchange import report_export
from reports.models import ReportEdit


def flatten(document, prefix=""):
    """Map every leaf of a JSON structure to its path ("a.b[2].c")."""
    if isinstance(document, dict):
        items = {}
        for key, value in document.items():
            items.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return items
    if isinstance(document, list):
        items = {}
        for index, value in enumerate(document):
            items.update(flatten(value, f"{prefix}[{index}]"))
        if not document:
            items[prefix] = []
        return items
    return {prefix: document}


EVIDENCE_KEY = "evidence"
EVIDENCE_IDENTITY = ("place", "name", "description", "sha256")


def evidence_diff(old, new):
    """Files added to and removed from the documents' `evidence` lists, one change per file: path
    "evidence.<place>", old/new the entry (None on the side where it is missing). A file is the same when
    its place, name, description and SHA-256 are."""
    def identity(entry):
        return tuple(entry.get(k) for k in EVIDENCE_IDENTITY)

    before = list((old or {}).get(EVIDENCE_KEY) or [])
    after = list((new or {}).get(EVIDENCE_KEY) or [])
    remaining = [identity(e) for e in before]
    changes = []
    for entry in after:
        if identity(entry) in remaining:
            remaining.remove(identity(entry))
        else:
            changes.append({"path": f"{EVIDENCE_KEY}.{entry['place']}", "old": None, "new": entry})
    kept = [identity(e) for e in after]
    for entry in before:
        if identity(entry) in kept:
            kept.remove(identity(entry))
        else:
            changes.append({"path": f"{EVIDENCE_KEY}.{entry['place']}", "old": entry, "new": None})
    return changes


def document_diff(old, new, *, ignore=("derived", "status")):
    """Each value that differs between two documents, in the order of the new one, then removals; the
    files of `evidence` are compared whole (evidence_diff)."""
    ignore = (*ignore, EVIDENCE_KEY)
    old_flat = {k: v for k, v in flatten(old or {}).items() if k.split(".", 1)[0].split("[", 1)[0] not in ignore}
    new_flat = {k: v for k, v in flatten(new or {}).items() if k.split(".", 1)[0].split("[", 1)[0] not in ignore}
    changes = [
        {"path": path, "old": old_flat.get(path), "new": value}
        for path, value in new_flat.items()
        if path not in old_flat or old_flat[path] != value
    ]
    changes += [{"path": path, "old": value, "new": None} for path, value in old_flat.items() if path not in new_flat]
    return changes + evidence_diff(old, new)


def record_edit(*, report, by, section, before, after, revision=None):
    """Write one ReportEdit with the differences between `before` and `after`; nothing when nothing changed.

    `revision` is the report's revision after the save (report.revision by default).
    """
    changes = document_diff(before, after)
    if not changes:
        return None
    revision = report.revision if revision is None else revision
    return ReportEdit.objects.create(report=report, by=by, section=section, revision=revision, changes=changes)


@contextmanager
def edit_recorded(*, report, by, section, revision, parts=None):
    """Record what the enclosed writes change in `report` as one ReportEdit at `revision`.

    Exports the report before and after the block (inside the caller's transaction); nothing is
    recorded when the block raises or changes nothing. `parts`: the only parts of the document the block can
    change (report_export's `parts`), when the caller knows them: only those are read and compared.
    """
    before = report_export(report, parts=parts)
    yield
    record_edit(report=report, by=by, section=section, before=before, after=report_export(report, parts=parts),
                revision=revision)
