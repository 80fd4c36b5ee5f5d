"""The README's two commands stay true: CI runs the same test command, the app command starts the app."""

from __future__ import annotations

from tests.conftest import ROOT


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    command = ci[-1].strip()
    assert command.endswith("python -m pytest -n 2 --dist loadgroup")
    assert command in readme()


def test_readme_run_command_starts_the_app_on_the_embedded_default() -> None:
    text = readme()
    assert "pip install -r requirements.txt" in text
    assert "streamlit run streamlit_app.py" in text
    assert "--browser.gatherUsageStats false" in text


def test_every_requirement_is_pinned_and_explained() -> None:
    text = readme()
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("-r"):
                continue
            package, _, version = line.partition("==")
            assert version, f"{line} is not pinned exactly"
            assert f"`{package}`" in text, f"README does not say why {package} is needed"
