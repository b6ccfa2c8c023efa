/* OPCAT dashboard: reads the gateway's JSON API and its live stream.
   Plain JavaScript, no library, nothing fetched from elsewhere; the
   charts are SVG drawn here.  Every value is put into the page with
   textContent, never as HTML.  The page's words come from I18N
   (i18n.js) in the language chosen. */
'use strict';

const REGION_KEYS = ['africa', 'asia_pacific', 'eastern_europe', 'latin_america_caribbean', 'weog'];
/* the UN's names of its regional groups, in each language */
const REGION_NAMES = {
  en: {
    africa: 'African States', asia_pacific: 'Asia-Pacific States',
    eastern_europe: 'Eastern European States',
    latin_america_caribbean: 'Latin American and Caribbean States',
    weog: 'Western European and other States',
  },
  fr: {
    africa: 'États d\u2019Afrique', asia_pacific: 'États d\u2019Asie et du Pacifique',
    eastern_europe: 'États d\u2019Europe orientale',
    latin_america_caribbean: 'États d\u2019Amérique latine et des Caraïbes',
    weog: 'États d\u2019Europe occidentale et autres États',
  },
  es: {
    africa: 'Estados de África', asia_pacific: 'Estados de Asia y el Pacífico',
    eastern_europe: 'Estados de Europa Oriental',
    latin_america_caribbean: 'Estados de América Latina y el Caribe',
    weog: 'Estados de Europa Occidental y otros Estados',
  },
  zh: {
    africa: '非洲国家', asia_pacific: '亚洲－太平洋国家', eastern_europe: '东欧国家',
    latin_america_caribbean: '拉丁美洲和加勒比国家', weog: '西欧和其他国家',
  },
  ar: {
    africa: 'الدول الأفريقية', asia_pacific: 'دول آسيا والمحيط الهادئ',
    eastern_europe: 'دول أوروبا الشرقية',
    latin_america_caribbean: 'دول أمريكا اللاتينية ومنطقة البحر الكاريبي',
    weog: 'دول أوروبا الغربية ودول أخرى',
  },
};
const REGION_COLOURS = {
  africa: '#0072b2', asia_pacific: '#d55e00', eastern_europe: '#009e73',
  latin_america_caribbean: '#cc79a7', weog: '#6a5acd',
};
const RULE_KEYS = ['art12.state_reply', 'art12.npm_reply', 'art17.npm_designation',
  'art16.publication', 'visit.upcoming'];
const LANGS = ['en', 'fr', 'es', 'zh', 'ar'];
/* the locale that formats dates and numbers: British English ("30 June
   2026"), and Western digits in Arabic as UN documents print them */
const LOCALES = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES', zh: 'zh-CN', ar: 'ar-u-nu-latn' };
const FEED_MAX = 200;
const LIST_MAX = 12;
const TOP_MAX = 6;
const ANNOUNCE_EVERY_MS = 5000;

const $ = (id) => document.getElementById(id);
const state = {
  lang: 'en', today: null, rows: [], names: {}, local: { lang: null, names: {} },
  reminders: null, years: null,
  stats: null, openState: null, refreshTimer: null, allRows: false,
  pending: [], announceTimer: null, announcedAt: 0,
};

/* ------------------------------------------------------------ words */

function locale() {
  return LOCALES[state.lang] || state.lang;
}

function words() {
  return (typeof I18N !== 'undefined' && I18N[state.lang]) || {};
}

/* The text of 'key' with {name} replaced by vars[name]; a plural entry
   is chosen on vars.n.  Falls back to English, then to the key. */
function template(key, vars) {
  let s = words()[key];
  if (s === undefined && typeof I18N !== 'undefined') s = I18N.en[key];
  if (s === undefined) return key;
  if (typeof s === 'object') {
    const form = new Intl.PluralRules(locale()).select((vars && vars.n) || 0);
    s = s[form] || s.other;
  }
  return s;
}

function t(key, vars) {
  return template(key, vars).replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] !== undefined ? String(vars[k]) : m));
}

/* The text of 'key' as nodes: {state} becomes a link that opens the
   State, {date} (and {late}) a piece that never breaks over lines; a
   value that is a node (a phrase made by datedPhrase) goes in as it is. */
function phrase(key, vars, code) {
  const span = el('span');
  for (const part of template(key, vars).split(/(\{\w+\})/)) {
    const m = /^\{(\w+)\}$/.exec(part);
    if (!m) span.append(part);
    else if (m[1] === 'state') span.append(stateLink(code));
    else if (m[1] === 'date' || m[1] === 'late') span.append(dateSpan(vars[m[1]]));
    else if (vars && vars[m[1]] instanceof Node) span.append(vars[m[1]]);
    else span.append(vars && vars[m[1]] !== undefined ? String(vars[m[1]]) : part);
  }
  return span;
}

/* The phrase 'key' about obj[field], a date at its precision: a language
   may word a day, a month or year and an upper bound differently
   ("signé le 2 mai 2010", "signé en 2010", "signé au plus tard le ..."):
   key_year (for a month or a year) and key_not_after when it has them. */
function datedPhrase(key, obj, field) {
  const p = obj[field + '_precision'];
  const variant = key + '_' + (p === 'month' ? 'year' : p);
  const has = (k) => words()[k] !== undefined;
  return phrase(p && has(variant) ? variant : key, { date: dateAt(obj, field) });
}

/* "due on D", or "due by D at the latest" when D is an upper bound. */
function duePhrase(date, upperBound) {
  const has = words().due_not_after !== undefined;
  return phrase(upperBound && has ? 'due_not_after' : 'due', { date: dueText(date, upperBound) });
}

/* A list item of the sentence 'key' about the State 'code'. */
function sentence(key, vars, code) {
  return el('li', { dataset: { state: code || '' } }, ...phrase(key, vars, code).childNodes);
}

/* The State's name in the page's language (/api/names), else in English
   (the States rows), else its code. */
function stateName(code) {
  const local = state.local.lang === state.lang ? state.local.names[code] : undefined;
  return local || state.names[code] || code || '';
}

/* Orders names as the page's language does ("Égypte" among the E in
   French, Chinese by its own order). */
function nameCollator() {
  return new Intl.Collator(locale());
}

/* Fetches the States' names in the page's language; once they are in
   (and the page still speaks it), redraws what names States.  On
   failure the names stay English. */
async function loadNames() {
  const lang = state.lang;
  try {
    const answer = await api('/api/names?lang=' + encodeURIComponent(lang));
    if (lang !== state.lang) return;
    state.local = { lang, names: answer.names || {} };
    document.documentElement.dataset.names = lang;
    redraw();
  } catch (e) {
    console.warn('names in ' + lang + ': ' + e.message);
  }
}

function stateLink(code) {
  const a = el('a', { href: '#state=' + code, class: 'state-link', dataset: { state: code } }, stateName(code));
  a.addEventListener('click', (e) => {
    e.preventDefault();
    openState(code, true);
  });
  return a;
}

function regionName(key) {
  const names = REGION_NAMES[state.lang] || REGION_NAMES.en;
  return names[key] || REGION_NAMES.en[key] || key;
}

function num(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

/* Whether stats path 'path' is in 'incomplete' (the stats' or a year
   row's list): the figure itself, a figure it is part of ("fund.x" of
   "fund"), or one of its parts (a sum with an addend not recorded). */
function notRecorded(incomplete, path) {
  return (incomplete || []).some((k) => k === path || path.startsWith(k + '.') || k.startsWith(path + '.'));
}

/* "not recorded", marked for the eye and for the tests (data-incomplete). */
function notRecordedSpan(cls) {
  return el('span', { class: (cls ? cls + ' ' : '') + 'not-recorded', dataset: { incomplete: 'true' } },
    t('not_recorded'));
}

function amount(value, currency) {
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(Number(value));
  } catch (_) {
    return num(Number(value)) + ' ' + currency;
  }
}

function amounts(totals) {
  const keys = Object.keys(totals || {});
  return keys.length ? keys.map((c) => amount(totals[c], c)).join(t('list_sep')) : t('none');
}

/* One date format per language: "30 June 2026", at the precision known. */
function fmtDate(date, precision) {
  if (!date) return '';
  const d = new Date(date + 'T00:00:00Z');
  const o = { timeZone: 'UTC', year: 'numeric' };
  if (precision !== 'year') o.month = 'long';
  if (precision !== 'year' && precision !== 'month') o.day = 'numeric';
  const text = new Intl.DateTimeFormat(locale(), o).format(d);
  return precision === 'not_after' ? t('by_date', { date: text }) : text;
}

function dateAt(obj, key) {
  return obj && obj[key] ? fmtDate(obj[key], obj[key + '_precision']) : '';
}

function dueText(date, upperBound) {
  const text = fmtDate(date);
  return upperBound ? t('at_the_latest', { date: text }) : text;
}

/* "12 years", "5 months", "20 days": how late, in the largest unit. */
function lateness(days) {
  if (days >= 365) return t('years_n', { n: Math.floor(days / 365.25) || 1 });
  if (days >= 60) return t('months_n', { n: Math.floor(days / 30.44) });
  return t('days_n', { n: days });
}

function dateSpan(text) {
  return el('span', { class: 'date' }, text);
}

/* ---------------------------------------------------------- helpers */

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function tag(text, cls) {
  return el('span', { class: 'tag ' + cls }, text);
}

function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const e = body.error || {};
    throw new Error((e.parameter ? e.parameter + ': ' : '') +
      (e.message || response.status + ' ' + response.statusText));
  }
  return body;
}

/* Shows why a section failed, with a button that loads it again. */
function showError(id, error, retry) {
  const p = clear($(id));
  p.hidden = !error;
  if (!error) return;
  p.append(t('error_load', { message: error.message }) + ' ');
  if (retry) {
    const b = el('button', { type: 'button', class: 'button retry' }, t('retry'));
    b.addEventListener('click', () => retry());
    p.append(b);
  }
}

function addDays(date, days) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/* Links to the CSV and JSON of the tables 'tables' ([name, label, path]),
   straight from the API: what is downloaded is what the API says. */
function downloads(id, ...tables) {
  const holder = clear($(id));
  for (const [name, label, path] of tables) {
    const sep = path.includes('?') ? '&' : '?';
    holder.append(el('span', { class: 'download' }, t('download') + ' ' + label + ': ',
      el('a', { href: path + sep + 'format=csv', download: 'opcat-' + name + '.csv', class: 'csv',
        dataset: { table: name } }, t('csv')),
      ' \u00b7 ',
      el('a', { href: path, download: 'opcat-' + name + '.json', class: 'json', dataset: { table: name } },
        t('json'))));
  }
}

/* ------------------------------------------------------- deadlines */

function reportYear(m) {
  const y = /-(\d{4})-/.exec(m.subject || '');
  return y ? y[1] : (m.opened_on || '').slice(0, 4);
}

/* A deadline as a sentence naming its State. */
function deadlineSentence(m) {
  const late = m.stage === 'overdue' && m.days_late > 0;
  const vars = {
    year: reportYear(m), date: dueText(m.due_on, m.due_upper_bound),
    late: late ? lateness(m.days_late) : '', rule: ruleName(m.rule),
  };
  let key;
  switch (m.rule) {
    case 'art12.state_reply':
      key = m.stage === 'unknown' ? 'r_state_reply_unknown' : late ? 'r_state_reply_late' : 'r_state_reply_due';
      break;
    case 'art12.npm_reply': key = late ? 'r_npm_reply_late' : 'r_npm_reply_due'; break;
    case 'art17.npm_designation': key = late ? 'r_npm_late' : 'r_npm_due'; break;
    case 'art16.publication': key = 'r_publication'; break;
    case 'visit.upcoming': key = 'r_visit'; break;
    default: key = 'r_other';
  }
  const li = sentence(key, vars, m.state);
  li.dataset.rule = m.rule;
  li.dataset.stage = m.stage;
  if (late) li.classList.add('late');
  return li;
}

function ruleName(rule) {
  return t('rule_' + rule.replace('.', '_'));
}

function fillList(list, items, make) {
  clear(list);
  for (const m of items.slice(0, LIST_MAX)) list.append(make(m));
  if (items.length > LIST_MAX) {
    const rest = items.length - LIST_MAX;
    const button = el('button', { type: 'button', class: 'button' }, t('show_all', { n: rest }));
    const li = el('li', { class: 'more' }, button);
    button.addEventListener('click', () => {
      li.remove();
      for (const m of items.slice(LIST_MAX)) list.append(make(m));
    });
    list.append(li);
  }
  if (!items.length) list.append(el('li', { class: 'note' }, t('nothing')));
}

function overdueOf(answer) {
  return answer.reminders.filter((m) => m.stage === 'overdue')
    .sort((a, b) => b.days_late - a.days_late || (a.state < b.state ? -1 : 1));
}

function upcomingOf(answer) {
  const horizon = addDays(answer.as_of, 90);
  return answer.reminders.filter((m) => m.stage !== 'overdue' && m.stage !== 'unknown' &&
    m.due_on >= answer.as_of && m.due_on <= horizon)
    .sort((a, b) => (a.due_on < b.due_on ? -1 : a.due_on > b.due_on ? 1 : 0));
}

function renderReminders() {
  const answer = state.reminders;
  if (!answer) return;
  const rule = $('filter-rule').value;
  const pick = (m) => !rule || m.rule === rule;
  const overdue = overdueOf(answer).filter(pick);
  $('overdue-count').textContent = '(' + num(overdue.length) + ')';
  fillList($('upcoming-list'), upcomingOf(answer).filter(pick), deadlineSentence);
  fillList($('overdue-list'), overdue, deadlineSentence);
  const enc = (answer.encouragements || []).filter((m) => pick(m) && m.stage !== 'pending');
  fillList($('encouragements-list'), enc, deadlineSentence);
  renderToday();
}

async function loadReminders() {
  const asOf = $('states-as-of').value;
  if (!asOf) return;
  const path = '/api/reminders?as_of=' + encodeURIComponent(asOf);
  downloads('dl-deadlines', ['deadlines', t('dl_deadlines'), path]);
  try {
    state.reminders = await api(path);
    showError('reminders-error', null);
    showError('today-error', null);
    renderReminders();
    renderLateChart();
  } catch (e) {
    showError('reminders-error', e, loadReminders);
    showError('today-error', e, loadReminders);
  }
}

/* ---------------------------------------------------- the first screen */

/* A tile of the first screen; 'value' null: not recorded. */
function tile(label, value, note, key) {
  const shown = value === null ?
    el('p', { class: 'tile-value not-recorded', dataset: { tile: key, value: '', incomplete: 'true' } },
      t('not_recorded')) :
    el('p', { class: 'tile-value', dataset: { tile: key, value: String(value) } }, num(value));
  return el('div', { class: 'tile' }, shown,
    el('p', { class: 'tile-label' }, label),
    note ? el('p', { class: 'note' }, note) : null);
}

function renderToday() {
  $('today-h').textContent = t('today_h', { date: fmtDate(state.today) });
  const answer = state.reminders;
  if (answer) {
    const overdue = overdueOf(answer);
    $('overdue-lead').textContent = overdue.length ? t('overdue_lead', { n: overdue.length }) : t('overdue_none');
    $('overdue-lead').dataset.count = String(overdue.length);
    // which kinds: "12 Designation of a national preventive mechanism, 2 ..."
    const kinds = {};
    for (const m of overdue) kinds[m.rule] = (kinds[m.rule] || 0) + 1;
    $('overdue-kinds').textContent = Object.entries(kinds).sort((a, b) => b[1] - a[1])
      .map(([rule, n]) => t('kind_count', { n: num(n), kind: ruleName(rule) })).join(t('list_sep'));
    fillTop($('overdue-top'), overdue);
    fillTop($('next-top'), upcomingOf(answer), t('next_none'));
  }
  const rows = state.rows;
  if (!rows.length) return;
  const parties = rows.filter((r) => r.status === 'party');
  const designated = parties.filter((r) => r.npm.designated_on).length;
  const year = (state.today || '').slice(0, 4);
  // visits this year: the same number as the chart's last bar
  const thisYear = state.years && state.years.years.find((y) => String(y.year) === year);
  const visits = !thisYear ? 0 : notRecorded(thisYear.incomplete, 'visits_completed') ? null :
    thisYear.visits_completed;
  const planned = rows.reduce((a, r) => a + r.visits.planned, 0);
  // the same count as the overdue list beside it
  const repliesLate = answer ? overdueOf(answer).filter((m) => m.rule.startsWith('art12.')).length : 0;
  clear($('tiles')).append(
    tile(t('tile_parties'), parties.length, t('tile_parties_note', { n: rows.length - parties.length }), 'parties'),
    tile(t('tile_npm'), designated, t('tile_npm_note', { n: designated, total: parties.length }), 'npm_designated'),
    tile(t('tile_visits', { year }), visits, t('tile_visits_note', { n: planned }), 'visits'),
    tile(t('tile_replies'), repliesLate, t('tile_replies_note'), 'replies_overdue'));
}

function fillTop(list, items, empty) {
  clear(list);
  for (const m of items.slice(0, TOP_MAX)) list.append(deadlineSentence(m));
  if (!items.length && empty) list.append(el('li', { class: 'note' }, empty));
}

/* ------------------------------------------------------------ charts */

/* A chart: its title, the SVG and, beside it, a table of its numbers. */
function chartFigure(id, title, drawing, table) {
  const fig = clear($(id));
  const cap = el('figcaption', { id: id + '-cap' }, title);
  drawing.setAttribute('role', 'img');
  drawing.setAttribute('aria-labelledby', id + '-cap');
  const wrap = el('div', { class: 'chart-table', tabindex: '0', role: 'region',
    'aria-label': t('numbers_of', { title }) }, table);
  fig.append(cap, el('div', { class: 'chart-body' }, el('div', { class: 'chart-svg' }, drawing), wrap));
}

function niceMax(v) {
  if (v <= 5) return 5;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/* Vertical bars, stacked by 'keys', one group per item of 'bars'
   ({label, values: {key: n}, missing}); every rect carries its number.
   A bar 'missing' (not recorded) is no bar of 0: a dashed mark at the
   base line, titled "not recorded". */
function barChart(bars, keys, colours, opts) {
  const W = opts.width || 560;
  const H = opts.height || 240;
  const L = 36;
  const B = 24;
  const T = 8;
  const max = niceMax(Math.max(1, ...bars.map((b) => keys.reduce((a, k) => a + (b.values[k] || 0), 0))));
  const step = (W - L - 4) / bars.length;
  const bw = Math.max(4, step * 0.72);
  const y = (v) => H - B - (v / max) * (H - B - T);
  const g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'bars', preserveAspectRatio: 'xMidYMid meet' });
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    g.append(svg('line', { x1: L, x2: W, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: L - 4, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, num(v)));
  }
  bars.forEach((b, i) => {
    let base = 0;
    const x = L + i * step + (step - bw) / 2;
    if (b.missing) {
      g.append(svg('line', { x1: x, x2: x + bw, y1: y(0) - 2, y2: y(0) - 2, class: 'not-recorded',
        dataset: { bar: b.label, incomplete: 'true' } }, svg('title', null, b.label + ', ' + t('not_recorded'))));
    }
    for (const k of b.missing ? [] : keys) {
      const v = b.values[k] || 0;
      if (v > 0) {
        g.append(svg('rect', {
          x, width: bw, y: y(base + v), height: y(base) - y(base + v), fill: colours[k],
          dataset: { bar: b.label, key: k, value: String(v) },
        }, svg('title', null, b.label + ', ' + (opts.keyName ? opts.keyName(k) + ': ' : '') + num(v))));
      }
      base += v;
    }
    const every = Math.ceil(bars.length / (W / 50));
    if (i % every === 0 || i === bars.length - 1) {
      g.append(svg('text', { x: x + bw / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle' }, b.short || b.label));
    }
  });
  return g;
}

/* Horizontal bars, one per item ({key, label, value, colour}). */
function hbarChart(items) {
  const W = 400;
  const row = 34;
  const H = items.length * row + 8;
  const L = 150;
  const max = niceMax(Math.max(1, ...items.map((i) => i.value)));
  const g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'bars' });
  items.forEach((it, i) => {
    const w = (it.value / max) * (W - L - 50);
    const yy = 4 + i * row;
    g.append(svg('text', { x: L - 8, y: yy + 20, class: 'label', 'text-anchor': 'end' }, it.label),
      svg('rect', { x: L, y: yy + 4, width: Math.max(w, 1), height: row - 10, fill: it.colour,
        dataset: { bar: it.key, key: it.key, value: String(it.value) } }),
      svg('text', { x: L + w + 6, y: yy + 20, class: 'value' }, num(it.value)));
  });
  return g;
}

/* A cell of numTable: {key, value}, or {key, missing: true} (not
   recorded: no number, data-value empty). */
function numCell(c) {
  if (c.missing) {
    return el('td', { class: 'num not-recorded', dataset: { key: c.key, value: '', incomplete: 'true' } },
      t('not_recorded'));
  }
  return el('td', { class: 'num', dataset: { key: c.key, value: String(c.value) } }, num(c.value));
}

function numTable(head, rows) {
  const table = el('table', { class: 'numbers' });
  table.append(el('thead', null, el('tr', null, ...head.map((h, i) =>
    el('th', { scope: 'col', class: i ? 'num' : null }, h)))));
  const body = el('tbody');
  for (const r of rows) {
    body.append(el('tr', { dataset: { row: r.key } },
      el('th', { scope: 'row' }, r.label),
      ...r.cells.map(numCell)));
  }
  table.append(body);
  return table;
}

function renderYearCharts() {
  const ys = state.years;
  if (!ys) return;
  const last = ys.years[ys.years.length - 1];
  const title = t('chart_parties', { year: last ? last.year : '' });
  const off = (y, key) => notRecorded(y.incomplete, key);
  const bars = ys.years.map((y) => ({ label: String(y.year), short: "'" + String(y.year).slice(2), values: y.by_region,
    missing: off(y, 'by_region') }));
  chartFigure('chart-parties', title,
    barChart(bars, REGION_KEYS, REGION_COLOURS, { keyName: regionName }),
    numTable([t('col_year'), ...REGION_KEYS.map((k) => t('short_' + k)), t('col_total')],
      ys.years.map((y) => ({
        key: String(y.year), label: String(y.year),
        cells: [...REGION_KEYS.map((k) => ({ key: k, value: y.by_region[k] || 0, missing: off(y, 'by_region') })),
          { key: 'total', value: y.states_parties, missing: off(y, 'states_parties') }],
      }))));
  $('chart-parties').querySelector('.chart-svg')
    .append(legend(REGION_KEYS.map((k) => [regionName(k), REGION_COLOURS[k]])));
  const vbars = ys.years.map((y) => ({ label: String(y.year), short: "'" + String(y.year).slice(2),
    values: { completed: y.visits_completed }, missing: off(y, 'visits_completed') }));
  chartFigure('chart-visits', t('chart_visits'),
    barChart(vbars, ['completed'], { completed: '#0072b2' }, { width: 400, height: 220 }),
    numTable([t('col_year'), t('col_visits'), t('col_postponed')],
      ys.years.map((y) => ({
        key: String(y.year), label: String(y.year),
        cells: [{ key: 'visits_completed', value: y.visits_completed, missing: off(y, 'visits_completed') },
          { key: 'visits_postponed', value: y.visits_postponed, missing: off(y, 'visits_postponed') }],
      }))));
}

/* The colours' key (the table beside says the same to a screen reader).
   The colour is set through the CSSOM: the policy forbids style
   attributes. */
function legend(items) {
  return el('ul', { class: 'legend', 'aria-hidden': 'true' },
    ...items.map(([label, colour]) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.backgroundColor = colour;
      return el('li', null, swatch, label);
    }));
}

function renderNpmChart() {
  const parties = state.rows.filter((r) => r.status === 'party');
  if (!parties.length) return;
  const count = { designated: 0, not_due: 0, overdue: 0, listed: 0 };
  for (const r of parties) {
    if (r.npm.designated_on) count.designated++;
    else if (r.npm.on_art17_list) count.listed++;
    else if (r.npm.overdue) count.overdue++;
    else count.not_due++;
  }
  const items = [
    { key: 'designated', label: t('npm_designated'), value: count.designated, colour: '#009e73' },
    { key: 'not_due', label: t('npm_not_due'), value: count.not_due, colour: '#56b4e9' },
    { key: 'overdue', label: t('npm_overdue'), value: count.overdue, colour: '#e69f00' },
    { key: 'listed', label: t('npm_listed'), value: count.listed, colour: '#b3261e' },
  ];
  chartFigure('chart-npm', t('chart_npm'), hbarChart(items),
    numTable([t('col_status'), t('col_count')],
      items.map((i) => ({ key: i.key, label: i.label, cells: [{ key: i.key, value: i.value }] }))));
}

const LATE_BUCKETS = [['lt1', 0, 365], ['1_2', 365, 730], ['2_5', 730, 1826],
  ['5_10', 1826, 3652], ['10', 3652, Infinity]];

function renderLateChart() {
  if (!state.reminders) return;
  const overdue = overdueOf(state.reminders);
  const colours = ['#f0c05a', '#e69f00', '#d55e00', '#b3261e', '#7a1b14'];
  const items = LATE_BUCKETS.map(([k, lo, hi], i) => ({
    key: k, label: t('late_' + k), colour: colours[i],
    value: overdue.filter((m) => m.days_late >= lo && m.days_late < hi).length,
  }));
  chartFigure('chart-late', t('chart_late'), hbarChart(items),
    numTable([t('col_lateness'), t('col_deadlines')],
      items.map((i) => ({ key: i.key, label: i.label, cells: [{ key: i.key, value: i.value }] }))));
}

async function loadYears() {
  downloads('dl-years', ['years', t('dl_years'), '/api/years']);
  try {
    state.years = await api('/api/years');
    showError('charts-error', null);
    renderYearCharts();
    renderToday();
    $('charts').dataset.asOf = state.years.as_of;
  } catch (e) {
    showError('charts-error', e, loadYears);
  }
}

/* ---------------------------------------------------- headline figures */

/* A figure the browser test compares with the stats 's': 'key' is its
   path in the stats object; '#count' means a list's size.  The number
   as the stats give it is in data-value; the text is formatted.  A
   figure the stats mark incomplete is no count: "not recorded", no
   number, data-value empty and data-incomplete set. */
function figure(s, value, key, cls) {
  if (notRecorded(s.incomplete, key.split('#')[0])) {
    return el('span', { class: (cls ? cls + ' ' : '') + 'not-recorded',
      dataset: { figure: key, value: '', incomplete: 'true' } }, t('not_recorded'));
  }
  return el('span', { class: cls, dataset: { figure: key, value: String(value) } },
    typeof value === 'number' ? num(value) : value);
}

/* A card of the stats 's': its title, its big figure and rows [label,
   value, key] (a figure) or [label, text, null, path] (a text, "not
   recorded" if the stats mark 'path' incomplete). */
function card(s, title, big, bigKey, rows, detail) {
  const dl = el('dl');
  for (const [label, value, key, path] of rows || []) {
    const shown = key ? figure(s, value, key) : path && notRecorded(s.incomplete, path) ? notRecordedSpan() : value;
    dl.append(el('dt', null, label), el('dd', null, shown));
  }
  return el('div', { class: 'card' },
    el('h3', null, title),
    el('p', { class: 'big' }, figure(s, big, bigKey)),
    rows && rows.length ? dl : null,
    detail ? el('p', { class: 'detail' }, detail) : null);
}

/* The States of the list at stats path 'path', by name; when the stats
   mark it incomplete, "not recorded" and those recorded, never "none". */
function names(s, path) {
  const list = path.split('.').reduce((o, k) => (o ? o[k] : undefined), s);
  const text = list && list.length ? list.map(stateName).join(t('list_sep')) : '';
  if (notRecorded(s.incomplete, path)) return text ? t('recorded_only', { list: text }) : t('not_recorded');
  return text || t('none');
}

function regionRows(byRegion, prefix) {
  return Object.keys(byRegion).map((r) => [regionName(r), byRegion[r], prefix + '.by_region.' + r]);
}

function figureCards(s) {
  const places = s.visits.places_in_period || {};
  const placeTotal = Object.values(places).reduce((a, b) => a + b, 0);
  const grants = s.fund.grants_in_period || {};
  return [
    card(s, t('card_parties'), s.states_parties.total, 'states_parties.total',
      regionRows(s.states_parties.by_region, 'states_parties'),
      t('joined_in_period', { list: names(s, 'states_parties.joined_in_period') })),
    card(s, t('card_signatories'), s.signatories.total, 'signatories.total',
      regionRows(s.signatories.by_region, 'signatories'), names(s, 'signatories.states')),
    card(s, t('card_visits'), s.visits.completed_in_period.length, 'visits.completed_in_period#count', [
      [t('postponed'), s.visits.postponed_in_period.length, 'visits.postponed_in_period#count'],
      [t('places_visited'), placeTotal, 'visits.places_in_period#sum'],
      [t('interviews'), s.visits.interviews_in_period, 'visits.interviews_in_period'],
    ], names(s, 'visits.completed_in_period')),
    card(s, t('card_reports'), s.reports.transmitted_total, 'reports.transmitted_total', [
      [t('transmitted_in_period'), s.reports.transmitted_in_period.length, 'reports.transmitted_in_period#count'],
      [t('published_total'), s.reports.published_total, 'reports.published_total'],
      [t('published_in_period'), s.reports.published_in_period.length, 'reports.published_in_period#count'],
    ]),
    card(s, t('card_replies'), s.replies.overdue.length, 'replies.overdue#count', [
      [t('received_in_period'), s.replies.received_in_period.length, 'replies.received_in_period#count'],
      [t('published_in_period'), s.replies.published_in_period.length, 'replies.published_in_period#count'],
    ], names(s, 'replies.overdue')),
    card(s, t('card_art17'), s.npm.art17_list.length, 'npm.art17_list#count', [
      [t('npm_overdue_computed'), s.npm.art17_overdue_computed.length, 'npm.art17_overdue_computed#count'],
      [t('npm_designated_in_period'), s.npm.designated_in_period.length, 'npm.designated_in_period#count'],
    ], names(s, 'npm.art17_list')),
    card(s, t('card_dialogues'),
      s.followup_dialogues_in_period.state.length + s.followup_dialogues_in_period.npm.length,
      'followup_dialogues_in_period#count', [
        [t('with_states'), s.followup_dialogues_in_period.state.length, 'followup_dialogues_in_period.state#count'],
        [t('with_npms'), s.followup_dialogues_in_period.npm.length, 'followup_dialogues_in_period.npm#count'],
      ]),
    card(s, t('card_fund'), grants.count || 0, 'fund.grants_in_period.count', [
      [t('fund_states'), grants.states || 0, 'fund.grants_in_period.states'],
      [t('fund_total'), amounts(grants.total), null, 'fund.grants_in_period.total'],
      [t('fund_contributions'), amounts(s.fund.contributions_in_period), null, 'fund.contributions_in_period'],
    ], t('fund_note')),
  ];
}

async function loadFigures() {
  const asOf = $('figures-as-of').value;
  if (!asOf) return;
  const q = '?as_of=' + encodeURIComponent(asOf);
  $('report-en').href = '/api/report' + q + '&lang=en';
  $('report-zh').href = '/api/report' + q + '&lang=zh';
  loadReport();
  try {
    const s = await api('/api/stats' + q);
    state.stats = s;
    showError('figures-error', null);
    $('figures-period').textContent = t('period', { from: fmtDate(s.period.from), to: fmtDate(s.period.to) });
    clear($('cards')).append(...figureCards(s));
    $('cards').dataset.asOf = s.as_of;
  } catch (e) {
    showError('figures-error', e, loadFigures);
  }
}

/* ------------------------------------------------------- the report */

/* What the gateway's HTML report (common/report/report_html.c) is made
   of: only these elements and attributes are copied into the page.  The
   converter escapes every text already; this keeps anything else out
   even if an answer were not what the converter wrote. */
const REPORT_TAGS = ['article', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'table', 'thead', 'tbody',
  'tr', 'th', 'td', 'ul', 'ol', 'li', 'sup', 'a', 'section', 'hr'];
const REPORT_ATTRS = {
  class: /^(report|align-(left|right|center)|fnref|footnotes)$/,
  lang: /^(ar|zh|en|fr|ru|es)$/,
  dir: /^(ltr|rtl)$/,
  id: /^report-fn-[A-Za-z0-9_-]+$/,
  href: /^#report-fn-[A-Za-z0-9_-]+$/,
};

/* A copy of the parsed report's 'node' made of the allowed elements and
   attributes; an element not allowed leaves its text (scripts and styles
   nothing).  The report's headings go two levels down, under the
   section's h2. */
function reportCopy(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE || /^(script|style|template)$/.test(node.localName)) return null;
  const known = REPORT_TAGS.includes(node.localName);
  const level = /^h([1-6])$/.exec(node.localName);
  const copy = !known ? document.createDocumentFragment() :
    document.createElement(level ? 'h' + Math.min(6, Number(level[1]) + 2) : node.localName);
  for (const a of known ? node.attributes : []) {
    if (REPORT_ATTRS[a.name] && REPORT_ATTRS[a.name].test(a.value)) copy.setAttribute(a.name, a.value);
  }
  for (const c of node.childNodes) {
    const x = reportCopy(c);
    if (x) copy.append(x);
  }
  return copy;
}

/* Shows the report of the figures' date in #report-lang's language, and
   the DOCX link if the gateway serves DOCX (X-Report-Formats).  An
   answer that arrives after a newer request is dropped. */
async function loadReport() {
  const asOf = $('figures-as-of').value;
  const lang = $('report-lang').value;
  if (!asOf) return;
  const q = '/api/report?as_of=' + encodeURIComponent(asOf) + '&lang=' + encodeURIComponent(lang);
  const seq = state.reportSeq = (state.reportSeq || 0) + 1;
  try {
    const response = await fetch(q + '&format=html');
    if (!response.ok) {
      const e = ((await response.json().catch(() => ({}))).error) || {};
      throw new Error(e.message || response.status + ' ' + response.statusText);
    }
    const text = await response.text();
    if (seq !== state.reportSeq) return;
    const article = new DOMParser().parseFromString(text, 'text/html').body.firstElementChild;
    if (!article || article.localName !== 'article') throw new Error(t('report_bad'));
    clear($('report-view')).append(reportCopy(article));
    Object.assign($('report-view').dataset, { asOf, lang });
    const docx = $('report-docx');
    docx.hidden = !(response.headers.get('X-Report-Formats') || '').split(/,\s*/).includes('docx');
    docx.href = q + '&format=docx';
    docx.download = 'opcat-report-' + lang + '.docx';
    docx.hreflang = lang;
    showError('report-error', null);
  } catch (e) {
    if (seq === state.reportSeq) showError('report-error', e, loadReport);
  }
}

/* The report follows the page's language (the page has five of the
   report's six: Russian is chosen in #report-lang only). */
function followReportLanguage() {
  const select = $('report-lang');
  if (select.value === state.lang) return;
  select.value = state.lang;
  select.dispatchEvent(new Event('change'));
}

/* --------------------------------------------------------- States table */

function npmCell(r) {
  const n = r.npm;
  if (r.status !== 'party') return '';
  if (n.designated_on) return tag(datedPhrase('designated', n, 'designated_on'), 'ok');
  if (n.overdue) return tag(phrase('npm_late', { late: lateness(n.days_overdue) }), 'late');
  if (n.due) return tag(duePhrase(n.due, n.due_upper_bound), 'soon');
  return '';
}

function replyCell(r) {
  const p = r.reports;
  if (p.replies_overdue) {
    return tag(p.replies_overdue > 1 ? t('replies_overdue', { n: p.replies_overdue }) :
      phrase('overdue_since', { date: fmtDate(p.oldest_reply_overdue_since) }), 'late');
  }
  if (p.next_reply_due) return tag(phrase('due', { date: fmtDate(p.next_reply_due) }), 'soon');
  return '';
}

function matches(r, region, status, text) {
  if (region && r.region !== region) return false;
  if (text) {
    const q = text.toLowerCase();
    const found = [stateName(r.state), r.name || '', r.state].some((n) => n.toLowerCase().includes(q));
    if (!found) return false;
  }
  switch (status) {
    case '': return true;
    case 'party': case 'signatory': return r.status === status;
    case 'npm_overdue': return r.npm.overdue;
    case 'art17': return r.npm.on_art17_list;
    case 'reply_overdue': return r.reports.replies_overdue > 0;
    case 'reply_due': return !!r.reports.next_reply_due;
    default: return true;
  }
}

/* A cell that shows its column's name when the table becomes cards. */
function cell(labelKey, content, cls) {
  return el('td', { class: cls || null, 'data-label': t(labelKey) }, content);
}

function stateRow(r) {
  const v = r.visits;
  const extra = [v.planned ? t('visits_planned', { n: v.planned }) : '',
    v.postponed ? t('visits_postponed', { n: v.postponed }) : ''].filter(Boolean).join(t('list_sep'));
  const button = el('button', { type: 'button', class: 'row-button', 'aria-label': t('open_state', { name: stateName(r.state) }) },
    stateName(r.state));
  const tr = el('tr', { class: 'row', dataset: { state: r.state, region: r.region } },
    el('th', { scope: 'row', class: 'state-cell' }, button, el('span', { class: 'code' }, r.state)),
    cell('th_status', r.status === 'party' ? tag(t('party'), 'ok') : tag(t('signatory'), 'none')),
    cell('th_party_since', r.party_since ? dateSpan(dateAt(r, 'party_since')) :
      r.signed_on ? datedPhrase('signed', r, 'signed_on') : ''),
    cell('th_npm', npmCell(r)),
    cell('th_art17', r.npm.on_art17_list ? tag(t('listed'), 'late') : ''),
    cell('th_visits', num(v.completed) + (extra ? ' (' + extra + ')' : ''),
      v.completed || extra ? 'num' : 'num zero'),
    cell('th_reports', num(r.reports.transmitted) + ' / ' + num(r.reports.published),
      r.reports.transmitted || r.reports.published ? 'num' : 'num zero'),
    cell('th_reply', replyCell(r)));
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    openState(r.state, true);
  });
  tr.addEventListener('click', () => openState(r.state, true));
  return tr;
}

/* On a phone, the list starts with PHONE_ROWS States (all of them once
   asked, or when a filter narrows it): 107 cards are a long scroll. */
const PHONE_ROWS = 20;

/* The rows in the API's order of regions, each region's States by their
   names in the page's language. */
function byRegionThenName(rows) {
  const regions = [...new Set(rows.map((r) => r.region))];
  const collator = nameCollator();
  return rows.slice().sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region) ||
    collator.compare(stateName(a.state), stateName(b.state)));
}

function renderStates() {
  const region = $('filter-region').value;
  const status = $('filter-status').value;
  const text = $('filter-text').value.trim();
  const body = clear($('states-body'));
  const rows = byRegionThenName(state.rows.filter((r) => matches(r, region, status, text)));
  const phone = window.matchMedia('(max-width: 760px)').matches;
  const limit = phone && !state.allRows && !region && !status && !text ? PHONE_ROWS : Infinity;
  let current = null;
  for (const r of rows.slice(0, limit)) {
    if (r.region !== current) {
      current = r.region;
      body.append(el('tr', { class: 'region' },
        el('th', { colspan: '8', scope: 'rowgroup' }, regionName(current))));
    }
    body.append(stateRow(r));
  }
  if (rows.length > limit) {
    const button = el('button', { type: 'button', class: 'button', id: 'states-more' },
      t('show_all', { n: rows.length - limit }));
    button.addEventListener('click', () => {
      state.allRows = true;
      renderStates();
    });
    body.append(el('tr', { class: 'more' }, el('td', { colspan: '8' }, button)));
  }
  $('states-count').textContent = t('count_states', { shown: num(rows.length), total: num(state.rows.length) });
}

async function loadStates() {
  const asOf = $('states-as-of').value;
  if (!asOf) return;
  const q = '?as_of=' + encodeURIComponent(asOf);
  downloads('dl-states', ['states', t('dl_states'), '/api/states' + q],
    ['visits', t('dl_visits'), '/api/visits' + q]);
  try {
    const answer = await api('/api/states' + q);
    state.rows = answer.states;
    for (const r of state.rows) state.names[r.state] = r.name || r.state;
    showError('states-error', null);
    renderStates();
    renderNpmChart();
    renderToday();
    renderReminders();
    // the figures name States: now with their names
    if (state.stats) clear($('cards')).append(...figureCards(state.stats));
  } catch (e) {
    showError('states-error', e, loadStates);
  }
}

/* ------------------------------------------------------------ one State */

function timelineItems(s) {
  const items = [];
  const add = (date, text, cls, shown) => { if (date) items.push({ date, text, cls, shown: shown || fmtDate(date) }); };
  add(s.signed_on, t('ev_signed'), null, dateAt(s, 'signed_on'));
  add(s.party_since, t('ev_party', { instrument: t('instrument_' + (s.instrument || 'ratification')) }), null,
    dateAt(s, 'party_since'));
  add(s.entry_into_force, t('ev_entry'));
  const n = s.npm || {};
  if (n.due && !n.designated_on) {
    add(n.due, n.art24_part_iv_years ? t('ev_npm_due_art24', { years: t('years_n', { n: n.art24_part_iv_years }) }) :
      t('ev_npm_due'), n.overdue ? 'late' : 'future', dueText(n.due, n.due_upper_bound));
  }
  add(n.designated_on, t('ev_npm', { body: n.body || '' }), null, dateAt(n, 'designated_on'));
  for (const v of s.visits || []) {
    add(v.planned_on, t('ev_visit_planned'));
    if (v.start && v.start !== v.completed_on) add(v.start, t('ev_visit_begins'), v.start > s.as_of ? 'future' : '');
    add(v.completed_on, t('ev_visit_completed'), null, dateAt(v, 'completed_on'));
    add(v.postponed_on, t('ev_visit_postponed'));
  }
  for (const r of s.reports || []) {
    add(r.transmitted_on, t(r.recipient === 'npm' ? 'ev_report_npm' : 'ev_report_state', { id: r.report_id }),
      null, dateAt(r, 'transmitted_on'));
    if (!r.reply_received_on) {
      add(r.reply_due, t(r.reply_status === 'unknown' ? 'ev_reply_unknown' : 'ev_reply_due', { id: r.report_id }),
        r.reply_overdue ? 'late' : r.reply_status === 'unknown' ? null : 'future',
        dueText(r.reply_due, r.reply_due_upper_bound));
    }
    add(r.reply_received_on, t('ev_reply_received', { id: r.report_id }), null, dateAt(r, 'reply_received_on'));
    add(r.published_on, t('ev_report_published', { id: r.symbol || r.report_id }));
    add(r.reply_published_on, t('ev_reply_published') + (r.reply_symbol ? ' (' + r.reply_symbol + ')' : ''));
  }
  const d = s.followup_dialogues || {};
  for (const date of d.state || []) add(date, t('ev_dialogue_state'));
  for (const date of d.npm || []) add(date, t('ev_dialogue_npm'));
  for (const x of d.state_not_to_the_day || [])
    add(x.on, t('ev_dialogue_state'), null, dateAt({ on: x.on, on_precision: x.precision }, 'on'));
  for (const x of d.npm_not_to_the_day || [])
    add(x.on, t('ev_dialogue_npm'), null, dateAt({ on: x.on, on_precision: x.precision }, 'on'));
  items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return items;
}

function summaryItem(label, value) {
  return [el('dt', null, label), el('dd', null, value || '\u2014')];
}

function summaryDate(text) {
  return text ? dateSpan(text) : '';
}

function renderState(s) {
  const r = s.summary;
  state.names[s.state] = s.name || s.state;
  $('state-h').textContent = stateName(s.state) + ' (' + s.state + ')';
  const npm = s.npm.designated_on ? datedPhrase('designated', s.npm, 'designated_on') :
    s.npm.overdue ? el('span', null, phrase('npm_late', { late: lateness(r.npm.days_overdue) }), ' \u2014 ',
      phrase('due', { date: fmtDate(s.npm.due) })) :
      s.npm.due ? duePhrase(s.npm.due, s.npm.due_upper_bound) : '';
  clear($('state-summary')).append(el('dl', null,
    ...summaryItem(t('s_region'), regionName(s.region)),
    ...summaryItem(t('s_status'), s.status === 'party' ? t('party') : t('signatory')),
    ...summaryItem(t('s_party_since'), summaryDate(dateAt(s, 'party_since'))),
    ...summaryItem(t('s_entry'), summaryDate(fmtDate(s.entry_into_force))),
    ...summaryItem(t('s_npm'), npm),
    ...summaryItem(t('s_art17'), s.npm.on_art17_list ? t('yes') : t('no')),
    ...summaryItem(t('s_visits'), num(r.visits.completed)),
    ...summaryItem(t('s_reports'), num(r.reports.transmitted) + ' / ' + num(r.reports.published)),
    ...summaryItem(t('as_of'), summaryDate(fmtDate(s.as_of)))));
  const list = clear($('state-timeline'));
  for (const item of timelineItems(s)) {
    list.append(el('li', { class: item.cls || null },
      el('time', { datetime: item.date }, item.shown), ' ', el('span', null, item.text)));
  }
  if (!list.children.length) list.append(el('li', null, t('no_event')));
  const rem = clear($('state-reminders'));
  for (const m of s.reminders_open || []) rem.append(deadlineSentence(m));
  if (s.reminders_error) rem.append(el('li', null, t('deadlines_unavailable', { message: s.reminders_error })));
  else if (!rem.children.length) rem.append(el('li', { class: 'note' }, t('nothing')));
  const enc = clear($('state-encouragements'));
  for (const m of s.encouragements_open || []) enc.append(deadlineSentence(m));
  if (!s.reminders_error && !enc.children.length) enc.append(el('li', { class: 'note' }, t('nothing')));
}

async function openState(code, focus) {
  state.openState = code;
  const panel = $('state');
  for (const tr of document.querySelectorAll('#states-body tr.selected')) tr.classList.remove('selected');
  const row = document.querySelector('#states-body tr[data-state="' + code + '"]');
  if (row) row.classList.add('selected');
  try {
    const s = await api('/api/states/' + encodeURIComponent(code) + '?as_of=' +
      encodeURIComponent($('states-as-of').value));
    renderState(s);
    panel.dataset.state = code;
  } catch (e) {
    $('state-h').textContent = stateName(code);
    const retry = el('button', { type: 'button', class: 'button retry' }, t('retry'));
    retry.addEventListener('click', () => openState(code, true));
    clear($('state-summary')).append(el('p', { class: 'error' }, t('error_load', { message: e.message }), ' ', retry));
    clear($('state-timeline'));
    clear($('state-reminders'));
    clear($('state-encouragements'));
  }
  panel.hidden = false;
  $('master-detail').classList.add('open');
  document.body.classList.add('panel-open');
  if (location.hash !== '#state=' + code) history.replaceState(null, '', '#state=' + code);
  if (focus) {
    $('state-h').focus({ preventScroll: true });
    panel.scrollIntoView({ block: 'nearest' });
    if (!row || window.matchMedia('(max-width: 760px)').matches) panel.scrollTop = 0;
  }
}

function closeState() {
  const code = state.openState;
  state.openState = null;
  $('state').hidden = true;
  $('master-detail').classList.remove('open');
  document.body.classList.remove('panel-open');
  history.replaceState(null, '', location.pathname + location.search);
  const button = code && document.querySelector('#states-body tr[data-state="' + code + '"] button');
  if (button) button.focus();
}

/* ------------------------------------------------------------ live feed */

/* When event 'e' happened, as the language says it at the precision
   known: "on 5 May 2024", "in May 2024", "in 2024", "by 31 December
   2024" (the key on_date and its variants on_date_year and
   on_date_not_after). */
function onDate(e) {
  return datedPhrase('on_date', { on: e.occurred_on, on_precision: e.precision }, 'on');
}

function feedSentence(e) {
  const date = fmtDate(e.occurred_on, e.precision);
  const amountText = e.amount ? amount(e.amount, e.currency || 'USD') : '';
  if (e.type === 'reminder.issued') {
    const late = e.stage === 'overdue' && e.due_on ?
      Math.round((Date.parse(e.occurred_on) - Date.parse(e.due_on)) / 86400000) : 0;
    return deadlineSentence({ rule: e.rule, state: e.state, subject: e.subject, due_on: e.due_on,
      stage: e.stage, days_late: late, opened_on: e.occurred_on });
  }
  let key = e.type === 'state.declared_art24' ? 'f_declared_art24' : 'f_' + e.type.replace('.', '_');
  if (typeof I18N === 'undefined' || I18N.en[key] === undefined) key = 'f_other';
  // an event of no State (a session, a donor not named): its own words
  if (!e.state && I18N.en[key + '_nostate'] !== undefined) key += '_nostate';
  return sentence(key, { date, on_date: onDate(e), amount: amountText }, e.state || '');
}

function onEvent(message) {
  let e;
  try { e = JSON.parse(message.data); } catch (_) { return; }
  $('feed-empty').hidden = true;
  const list = $('feed-list');
  const item = feedSentence(e);
  item.classList.add('new');
  Object.assign(item.dataset, { sequence: String(e.sequence), type: e.type, state: e.state || '' });
  list.prepend(item);
  while (list.children.length > FEED_MAX) list.lastChild.remove();
  $('updated').textContent = t('updated', { time: new Date().toLocaleTimeString(locale(),
    { hour: '2-digit', minute: '2-digit' }) });
  state.pending.push(item.textContent);
  announce();
  scheduleRefresh();
}

/* One summary for screen readers at most every ANNOUNCE_EVERY_MS: a
   burst of events is said once, not read out one by one. */
function announce() {
  if (state.announceTimer) return;
  const wait = Math.max(0, state.announcedAt + ANNOUNCE_EVERY_MS - Date.now());
  state.announceTimer = setTimeout(() => {
    const n = state.pending.length;
    const last = state.pending[n - 1] || '';
    state.pending = [];
    state.announceTimer = null;
    state.announcedAt = Date.now();
    $('announce').textContent = t('announce', { n, last });
  }, wait);
}

/* New events change the figures: reload them once the burst is over. */
function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => {
    loadFigures();
    loadStates();
    loadReminders();
    loadYears();
    if (state.openState) openState(state.openState, false);
  }, 1500);
}

function connect() {
  const source = new EventSource('/api/stream');
  source.addEventListener('open', () => {
    $('conn').className = 'dot on';
    $('conn-text').textContent = t('live');
    $('conn-text').dataset.i18n = 'live';
  });
  source.addEventListener('error', () => {
    $('conn').className = 'dot off';
    $('conn-text').textContent = t('live_off');
    $('conn-text').dataset.i18n = 'live_off';
  });
  source.addEventListener('message', onEvent);
}

/* ------------------------------------------------------------ language */

/* Puts the page's fixed words in the language of 'lang' and redraws
   what the data made. */
function applyLanguage(lang) {
  state.lang = LANGS.includes(lang) && typeof I18N !== 'undefined' && I18N[lang] ? lang : 'en';
  document.documentElement.lang = state.lang;
  document.documentElement.dir = t('dir');
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('filter-text').placeholder = t('find_placeholder');
  const rules = $('filter-rule');
  const chosen = rules.value;
  clear(rules).append(el('option', { value: '' }, t('all_rules')),
    ...RULE_KEYS.map((k) => el('option', { value: k }, ruleName(k))));
  rules.value = chosen;
  const regions = $('filter-region');
  const region = regions.value;
  clear(regions).append(el('option', { value: '' }, t('all_regions')),
    ...REGION_KEYS.map((k) => el('option', { value: k }, regionName(k))));
  regions.value = region;
}

function redraw() {
  renderToday();
  renderStates();
  renderReminders();
  renderYearCharts();
  renderNpmChart();
  renderLateChart();
  if (state.stats) {
    clear($('cards')).append(...figureCards(state.stats));
    $('figures-period').textContent = t('period', { from: fmtDate(state.stats.period.from), to: fmtDate(state.stats.period.to) });
  }
  if (state.openState) openState(state.openState, false);
  const q = '?as_of=' + encodeURIComponent($('states-as-of').value);
  downloads('dl-states', ['states', t('dl_states'), '/api/states' + q],
    ['visits', t('dl_visits'), '/api/visits' + q]);
  downloads('dl-deadlines', ['deadlines', t('dl_deadlines'), '/api/reminders' + q]);
  downloads('dl-years', ['years', t('dl_years'), '/api/years']);
}

function setupLanguages(initial) {
  const select = $('lang');
  clear(select);
  for (const l of LANGS) {
    if (typeof I18N === 'undefined' || !I18N[l]) continue;
    select.append(el('option', { value: l, lang: l }, I18N[l].language));
  }
  select.value = initial;
  select.addEventListener('change', () => {
    applyLanguage(select.value);
    try { localStorage.setItem('opcat-lang', state.lang); } catch (_) { /* private mode */ }
    const params = new URLSearchParams(location.search);
    params.set('lang', state.lang);
    history.replaceState(null, '', location.pathname + '?' + params + location.hash);
    redraw();
    loadNames();
    followReportLanguage();
  });
}

/* ------------------------------------------------------------------ start */

async function start() {
  const params = new URLSearchParams(location.search);
  let stored = null;
  try { stored = localStorage.getItem('opcat-lang'); } catch (_) { /* private mode */ }
  const lang = params.get('lang') || stored || 'en';
  applyLanguage(lang);
  setupLanguages(state.lang);
  let today = new Date().toISOString().slice(0, 10);
  /* a degraded gateway answers 503 with the same body: read it anyway */
  const health = await fetch('/healthz').then((r) => r.json()).catch(() => null);
  if (health && health.today) today = health.today;
  state.today = today;
  $('figures-as-of').value = params.get('figures') || (Number(today.slice(0, 4)) - 1) + '-12-31';
  $('states-as-of').value = params.get('as_of') || today;
  $('figures-as-of').addEventListener('change', loadFigures);
  $('report-lang').value = state.lang;
  $('report-lang').dispatchEvent(new Event('change'));
  $('report-lang').addEventListener('change', loadReport);
  $('states-as-of').addEventListener('change', () => {
    loadStates();
    loadReminders();
    if (state.openState) openState(state.openState, false);
  });
  $('filter-rule').addEventListener('change', renderReminders);
  for (const id of ['filter-region', 'filter-status']) $(id).addEventListener('change', renderStates);
  $('filter-text').addEventListener('input', renderStates);
  for (const id of ['figures-form', 'states-form', 'reminders-form']) $(id).addEventListener('submit', (e) => e.preventDefault());
  $('print').addEventListener('click', () => window.print());
  $('state-close').addEventListener('click', closeState);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.openState) closeState(); });
  renderToday();
  connect();
  await Promise.all([loadNames(), loadStates(), loadReminders(), loadYears(), loadFigures()]);
  const m = /^#state=([A-Z]{3})$/.exec(location.hash);
  if (m) await openState(m[1], false);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', start);
