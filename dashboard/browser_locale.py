"""The browser's language follows the view's, so the date pickers' calendars speak it and start weeks on Monday.

Streamlit's date picker takes its locale from the browser (``navigator.language``, read again on every redraw of
the app): the names of its months and weekdays, and the first day of its week. An English browser viewing the
Russian dashboard would get an English calendar starting on Sunday. Streamlit has no option for either, so a
small script in the app's own document (``st.html`` with scripts allowed is not iframed) answers
``navigator.language`` with the view's locale: ``ru-RU`` in Russian; in English ``en-US`` with Monday as the first
day (``-u-fw-mon``), because the app's weeks (the trend grains, the scenario periods) run Monday to Sunday in both
languages. ``navigator.languages`` is left alone; tables format their numbers on the server
(``dashboard.i18n.number_formatter``).

The script runs each time Streamlit mounts or redraws its element; the getter is installed once per tab and reads
the locale the latest run left on ``window``. Streamlit reads ``navigator.language`` when it redraws the app, and
the script may run after the last redraw of a run (a cached page arrives at once), so when the locale changed
(a tab's first run, a language switch) the script sends the window a ``resize`` event, on which Streamlit redraws
the app, and with it the date pickers. The browser test (tests/test_meeting_browser.py) checks the first weekday of
the calendar, so a Streamlit upgrade that changed this would be noticed.
"""

from __future__ import annotations

import json

import streamlit as st

LOCALES = {"en": "en-US-u-fw-mon", "ru": "ru-RU"}
KEY = "browser_locale"  # its container is hidden (dashboard/assets/app.css)

SCRIPT = """<script>
(() => {
  const wanted = %s, changed = window.dashboardLocale !== wanted;
  window.dashboardLocale = wanted;
  if (!window.dashboardLocaleGetter) {
    window.dashboardLocaleGetter = true;
    const own = Object.getOwnPropertyDescriptor(Navigator.prototype, "language");
    Object.defineProperty(navigator, "language", {
      configurable: true, get: () => window.dashboardLocale || own.get.call(navigator)});
  }
  if (changed) window.dispatchEvent(new Event("resize"));  // Streamlit redraws, reading the locale again
})();
</script>"""


def follow_view_language(lang: str) -> None:
    """Have the browser report the view's locale to the date pickers (see the module docstring)."""
    st.container(key=KEY).html(SCRIPT % json.dumps(LOCALES.get(lang, LOCALES["en"])), unsafe_allow_javascript=True)
