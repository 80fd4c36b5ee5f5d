"""What a page's layout must never do, measured in the browser: scroll the whole page sideways, cut a KPI's
number or label, break a word of a heading, label or button over two lines, lay one element over another, or
(``tables=True``) hide a table's columns behind a sideways scroll.

A table wider than the screen scrolls sideways under its first column, which every table pins
(``dashboard.components.pinned_first``); ``tables=True`` is for a screen wide enough to show every column.
"""

from __future__ import annotations

PROBLEMS = """() => {
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const out = {page_scroll: [], cut_numbers: [], broken_words: [], overlaps: [], hidden_columns: []};
  const root = document.scrollingElement;
  if (root.scrollWidth > window.innerWidth + 1) out.page_scroll.push(root.scrollWidth);
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + 1) out.page_scroll.push('main ' + main.scrollWidth + '>' + main.clientWidth);
  for (const e of document.querySelectorAll('[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]'))
    if (e.scrollWidth > e.clientWidth + 1) out.cut_numbers.push(e.innerText);
  const words = 'h1, h2, h3, h4, h5, [data-testid="stMetricLabel"], [data-testid="stMetricValue"], [data-testid="stMetricDelta"], button p, [data-baseweb="tab"] p, label p';
  for (const h of document.querySelectorAll(words)) {
    if (!visible(h)) continue;
    const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const text = n.textContent;
      const re = /[^\\s\\-–—\\/]+/g; let m;
      while ((m = re.exec(text)) !== null) {
        const range = document.createRange();
        range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (rects.length > 1 && Math.abs(rects[0].top - rects[rects.length - 1].top) > 2) out.broken_words.push(m[0]);
      }
    }
  }
  for (const block of document.querySelectorAll('[data-testid="stVerticalBlock"]')) {
    const kids = [...block.children].filter(visible);
    for (let i = 1; i < kids.length; i++) {
      const a = kids[i - 1].getBoundingClientRect(), b = kids[i].getBoundingClientRect();
      if (b.top < a.bottom - 2 && b.left < a.right - 2 && a.left < b.right - 2)
        out.overlaps.push((kids[i - 1].innerText || kids[i-1].className).slice(0, 40) + ' / ' + (kids[i].innerText || kids[i].className).slice(0, 40));
    }
  }
  for (const block of document.querySelectorAll('[data-testid="stHorizontalBlock"]')) {
    const kids = [...block.children].filter(visible);
    for (let i = 1; i < kids.length; i++) {
      const a = kids[i - 1].getBoundingClientRect(), b = kids[i].getBoundingClientRect();
      if (b.left < a.right - 2 && b.top < a.bottom - 2 && a.top < b.bottom - 2)
        out.overlaps.push('cols: ' + (kids[i - 1].innerText || '').slice(0, 30) + ' / ' + (kids[i].innerText || '').slice(0, 30));
    }
  }
  for (const d of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!visible(d)) continue;
    const s = d.querySelector('.dvn-scroller');
    if (s && s.scrollWidth > s.clientWidth + 2) {
      let p = d.closest('[data-testid="stElementContainer"]'); let title = '';
      for (let q = p && p.previousElementSibling; q && !title; q = q.previousElementSibling) title = (q.innerText || '').split('\\n')[0];
      out.hidden_columns.push(title.slice(0, 50) + ' ' + s.scrollWidth + '>' + s.clientWidth);
    }
  }
  return out;
}"""


def layout_problems(page, *, tables: bool) -> dict[str, list]:
    """The page's layout problems by kind (empty lists when none)."""
    found = page.evaluate(PROBLEMS)
    if not tables:
        found["hidden_columns"] = []
    return {kind: items for kind, items in found.items() if items}
