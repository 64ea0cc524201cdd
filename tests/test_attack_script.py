"""scripts/attack.py (the manual live attack run, not part of make test): its case list and its verdicts."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "attack.py"


def load():
    spec = importlib.util.spec_from_file_location("attack_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_case_list_covers_issue_12():
    names = [name for name, _case in load().CASES]

    assert len(names) == len(set(names)) == 13
    for words in ("superuser cannot fill", "admin cannot fill", "superuser cannot forward", "admin cannot forward",
                  "superuser cannot approve", "admin cannot approve", "sysadmin cannot reset",
                  "secadmin cannot grant itself", "lockout is per username + address", "/verify/ rate limit",
                  "workbook bomb", "cross-department", "TOTP"):
        assert any(words in name for name in names), words


def test_a_failing_or_crashing_case_is_counted_and_the_run_goes_on(capsys):
    attack = load()

    def refused(world):
        attack.expect(False, "HTTP 500")

    failed = attack.run_cases(None, [("passes", lambda world: "ok"), ("fails", refused), ("crashes", lambda world: 1 / 0)])

    assert failed == 2
    assert capsys.readouterr().out.splitlines() == [
        "PASS  passes: ok", "FAIL  fails: HTTP 500", "FAIL  crashes: ZeroDivisionError: division by zero"]
