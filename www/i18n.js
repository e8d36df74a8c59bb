// The documentation pages (embed.html, api.html, language.html) in the reader's language:
// `?lang=en|zh`, else the language chosen in the playground, else the browser's. Chinese
// texts come from i18n/zh-CN.pages.txt (`key = text` lines; the text may hold markup) and
// replace the contents of the elements marked `data-i18n="key"`.
const STORED = 'raft-playground.lang';

function pick(tag) {
  const t = String(tag || '').toLowerCase();
  return t.startsWith('zh') ? 'zh' : t.startsWith('en') ? 'en' : null;
}

function choose() {
  let stored = null;
  try { stored = localStorage.getItem(STORED); } catch { /* storage may be off */ }
  const browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  return pick(new URLSearchParams(location.search).get('lang')) || pick(stored) || browser.map(pick).find(Boolean) || 'en';
}

export const lang = choose();
const texts = {};

if (lang === 'zh') {
  try {
    const response = await fetch(new URL('./i18n/zh-CN.pages.txt', import.meta.url));
    if (response.ok) {
      for (const line of (await response.text()).split('\n')) {
        const m = line.match(/^([\w.-]+)\s*=\s*(.*)$/);
        if (m) texts[m[1]] = m[2];
      }
    }
  } catch { /* offline: the page stays in English */ }
  if (Object.keys(texts).length) {
    document.documentElement.lang = 'zh-CN';
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const text = texts[el.dataset.i18n];
      if (text != null) el.innerHTML = text;
    }
  }
}

/** The text of `key` in the page's language (`fallback` in English), blanks `{name}` filled. */
export function t(key, fallback, values = {}) {
  let s = texts[key] ?? fallback;
  for (const [k, v] of Object.entries(values)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}
