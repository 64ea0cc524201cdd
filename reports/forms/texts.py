"""五、评价报告综述: one text per section of reports.narrative.OUTLINE, numbered as the form prints it."""
import functools

from crispy_forms.layout import HTML, Field, Layout
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import get_language

from reports.fields import LongTextField
from reports.forms.base import EditorForm, editor_helper
from reports.limits import narrative_total_problem, text_limit
from reports.narrative import HEADINGS_ONLY, OUTLINE, TEXT_FIELDS

ROWS = {"overview": 6, "performance": 10, "basic_info": 3}


@functools.lru_cache(maxsize=8)
def _layout(language):
    """The outline's headings (translated here, into `language`) and fields; one layout per language."""
    layout = []
    for key, depth, number, title in OUTLINE:
        if key in HEADINGS_ONLY:
            layout.append(HTML(format_html('<h3 class="h6 mt-3 narrative-heading">{}{}</h3>', number, title)))
        else:
            layout.append(Field(key, wrapper_class=f"narrative-depth-{depth}"))
    return Layout(*layout)


class _NarrativeForm(EditorForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = editor_helper(self, _layout(get_language()))

    def clean(self):
        cleaned = super().clean()
        problem = narrative_total_problem(cleaned.get(key) for key in TEXT_FIELDS)
        if problem:
            self.add_error(None, problem)
        return cleaned


def _narrative_fields():
    fields = {}
    for key, _depth, number, title in OUTLINE:
        if key in TEXT_FIELDS:
            fields[key] = LongTextField(
                label=format_lazy("{}{}", number, title), rows=ROWS.get(key, 4),
                max_length=text_limit("Narrative", key),
            )
    return fields


NarrativeForm = type("NarrativeForm", (_NarrativeForm,), {**_narrative_fields(), "__module__": __name__})
