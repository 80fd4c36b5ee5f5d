"""Settings (one object, documented, README table in sync) and the two interface languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard.i18n import MESSAGES, fmt_date, fmt_money, fmt_number, fmt_pct, fmt_points, t
from connectors.settings import SPECS, Settings, markdown_table
from tests.conftest import ROOT


def test_every_setting_is_documented() -> None:
    assert SPECS
    for spec in SPECS:
        assert len(spec.help) > 15, spec.name


def test_readme_configuration_table_matches_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "regenerate the README table: python -m connectors.settings"


def test_environment_overrides_defaults_and_secrets() -> None:
    s = Settings.from_env({"DASHBOARD_NPS_MIN_ANSWERS": "50", "DASHBOARD_LANGUAGE": "ru"},
                          secrets={"language": "en", "currency": "EUR"})
    assert s.nps_min_answers == 50 and s.language == "ru" and s.currency == "EUR"
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize("env,match", [
    ({"DASHBOARD_NPS_MIN_ANSWERS": "many"}, "DASHBOARD_NPS_MIN_ANSWERS"),
    ({"DASHBOARD_DEMO_SCALE": "huge"}, "DEMO_SCALE"),
    ({"DASHBOARD_LANGUAGE": "fr"}, "LANGUAGE"),
    ({"DASHBOARD_ACTIVE_MONTHS": "30"}, "LOST_MONTHS"),
])
def test_bad_settings_are_named(env, match) -> None:
    with pytest.raises(ValueError, match=match):
        Settings.from_env(env)


def test_every_message_has_both_languages_and_same_placeholders() -> None:
    for key, (en, ru) in MESSAGES.items():
        assert en.strip() and ru.strip(), key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", ru)), key


def test_every_message_key_used_in_code_exists() -> None:
    used = set()
    for path in list((ROOT / "dashboard").rglob("*.py")) + list((ROOT / "pages").rglob("*.py")) + [ROOT / "streamlit_app.py"]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in MESSAGES)
    assert not missing, missing


def test_formats_follow_the_locale() -> None:
    assert fmt_money(12_345_678.0, "en") == "₽12.3M"
    assert fmt_money(12_345_678.0, "ru") == "12,3\u00a0млн\u00a0₽"
    assert fmt_money(-1500.0, "en", compact=False) == "−₽1,500"
    assert fmt_money(9_999.0, "ru", "EUR") == "9\u00a0999\u00a0€"
    assert fmt_number(1234567, "en") == "1,234,567"
    assert fmt_number(1234567, "ru") == "1\u00a0234\u00a0567"
    assert fmt_pct(0.1234, "en") == "12.3%" and fmt_pct(0.1234, "ru") == "12,3%"
    assert fmt_points(-3.25, "en") == "−3.2" or fmt_points(-3.25, "en") == "−3.3"
    assert fmt_points(12.0, "en", signed=True) == "+12.0"
    assert fmt_date(dt.date(2026, 10, 31), "en") == "31 Oct 2026"
    assert fmt_date(dt.date(2026, 10, 31), "ru") == "31 окт. 2026"
    assert fmt_number(None) == "—" and fmt_money(float("nan")) == "—"


def test_message_lookup() -> None:
    assert t("page.sales", "ru") == "Продажи"
    assert t("data.as_of", "en", date="1 Jan") == "Data up to 1 Jan"
    with pytest.raises(KeyError):
        t("no.such.key")
