/* The report's language switch: the six official UN languages (Arabic,
   Chinese, English, French, Russian, Spanish; Arabic right to left).
   Keeps the report link (#report-en, whose date app.js sets) on the
   language chosen in #report-lang, whatever the date; the select is
   written right to left while Arabic is chosen. */
'use strict';

(function () {
  const select = document.getElementById('report-lang');
  const link = document.getElementById('report-en');
  if (!select || !link) return;

  function apply() {
    const lang = select.value;
    const url = new URL(link.getAttribute('href') || '', location.href);
    url.pathname = '/api/report';
    url.searchParams.set('lang', lang);
    link.setAttribute('href', url.pathname + url.search);
    link.setAttribute('hreflang', lang);
    link.setAttribute('download', 'opcat-report-' + lang + '.md');
    select.setAttribute('lang', lang);
    select.setAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
  }

  select.addEventListener('change', apply);
  /* app.js rewrites the link (with lang=en) whenever the date changes */
  new MutationObserver(() => {
    const url = new URL(link.getAttribute('href') || '', location.href);
    if (url.searchParams.get('lang') !== select.value) apply();
  }).observe(link, { attributes: true, attributeFilter: ['href'] });
  apply();
})();
