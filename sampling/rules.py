"""Object-level permissions of 抽评 and expert panels (django-rules).

The admin draws samples, assigns re-reviewers and sets up panels; a sheet is the scorer's alone (a
re-reviewer sees only the reports assigned to them, an expert only their own sheet until the panel is
final). Lists go through sampling.selectors, so anything else is a 404.
"""
import rules

from workflow.rules import is_admin


@rules.predicate
def is_scorer(user, sheet):
    return sheet is not None and user.is_authenticated and sheet.scorer_id == user.pk


@rules.predicate
def sheet_open(user, sheet):
    return sheet is not None and sheet.submitted_at is None


@rules.predicate
def panel_final(user, panel):
    return panel is not None and panel.finalised_at is not None


@rules.predicate
def is_panel_expert(user, panel):
    return panel is not None and user.is_authenticated and panel.sheets.filter(scorer=user).exists()


rules.add_perm("sampling.administer", is_admin)
rules.add_perm("sampling.view_sheet", is_scorer)
rules.add_perm("sampling.score_sheet", is_scorer & sheet_open)
# Each expert's score is shown to anyone once every expert has submitted, never before.
rules.add_perm("sampling.view_panel", is_admin | is_panel_expert)
rules.add_perm("sampling.view_panel_scores", (is_admin | is_panel_expert) & panel_final)
