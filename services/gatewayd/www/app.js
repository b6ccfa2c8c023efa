/* OPCAT dashboard: reads the gateway's JSON API and its live stream.
   Plain JavaScript, no library, nothing fetched from elsewhere.  Every
   value is put into the page with textContent, never as HTML. */
'use strict';

const REGIONS = {
  africa: 'African States',
  asia_pacific: 'Asia-Pacific States',
  eastern_europe: 'Eastern European States',
  latin_america_caribbean: 'Latin American and Caribbean States',
  weog: 'Western European and other States',
  unknown: 'Region unknown',
};
const REGIONS_SHORT = {
  africa: 'Africa', asia_pacific: 'Asia-Pacific', eastern_europe: 'Eastern Europe',
  latin_america_caribbean: 'Latin America, Caribbean', weog: 'Western Europe, other',
};
const RULES = {
  'art12.state_reply': 'Reply to a visit report (six months: SPT practice under art. 12(d))',
  'art12.npm_reply': 'NPM reply to a report (six months: SPT practice under art. 12(d))',
  'art17.npm_designation': 'NPM designation (art. 17)',
  'art16.publication': 'Publication of a report encouraged (art. 16(2))',
  'visit.upcoming': 'Upcoming visit',
};
const PLACES = {
  prison: 'prisons', women_detention: "women's detention", police: 'police',
  child_detention: 'child detention', psychiatric: 'psychiatric',
  immigration: 'immigration', drug_rehabilitation: 'drug rehabilitation',
  court_cells: 'court cells', elderly_care: 'elderly care', other: 'other',
};
const FEED_MAX = 200;
const LIST_MAX = 15;

const $ = (id) => document.getElementById(id);
const state = {
  today: null, rows: [], reminders: null, openState: null, refreshTimer: null,
};

/* ------------------------------------------------------------ helpers */

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

function tag(text, cls) {
  return el('span', { class: 'tag ' + cls }, text);
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

function showError(id, error) {
  const p = $(id);
  p.hidden = !error;
  p.textContent = error ? 'Could not load: ' + error.message : '';
}

function addDays(date, days) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from, to) {
  return Math.round((Date.parse(to + 'T00:00:00Z') -
    Date.parse(from + 'T00:00:00Z')) / 86400000);
}

function humanDate(date) {
  if (!date) return '';
  const d = new Date(date + 'T00:00:00Z');
  return d.toLocaleDateString('en-GB',
    { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}

function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/* ---------------------------------------------------- headline figures */

/* A figure the browser test can compare with `opcatctl stats --json`:
   'key' is its path in the stats object; '#count' means a list's size. */
function figure(value, key, cls) {
  return el('span', { class: cls, dataset: { figure: key } }, value);
}

function card(title, big, bigKey, rows, detail) {
  const dl = el('dl');
  for (const [label, value, key] of rows || []) {
    dl.append(el('dt', null, label), el('dd', null, key ? figure(value, key) : value));
  }
  return el('div', { class: 'card' },
    el('h4', null, title),
    el('div', { class: 'big' }, figure(big, bigKey)),
    rows && rows.length ? dl : null,
    detail ? el('div', { class: 'detail' }, detail) : null);
}

function codes(list) {
  return list && list.length ? list.join(', ') : 'none';
}

function regionRows(byRegion, prefix) {
  return Object.keys(byRegion).map((r) =>
    [REGIONS_SHORT[r] || r, byRegion[r], prefix + '.by_region.' + r]);
}

function money(totals) {
  const keys = Object.keys(totals || {});
  return keys.length ? keys.map((c) => totals[c] + ' ' + c).join('; ') : 'none';
}

function figureCards(s) {
  const places = s.visits.places_in_period || {};
  const placeTotal = Object.values(places).reduce((a, b) => a + b, 0);
  const grants = s.fund.grants_in_period || {};
  return [
    card('States parties', s.states_parties.total, 'states_parties.total',
      regionRows(s.states_parties.by_region, 'states_parties'),
      'Joined in the period: ' + codes(s.states_parties.joined_in_period)),
    card('Signatories', s.signatories.total, 'signatories.total',
      regionRows(s.signatories.by_region, 'signatories'), codes(s.signatories.states)),
    card('Visits completed in the period', s.visits.completed_in_period.length,
      'visits.completed_in_period#count', [
        ['postponed', s.visits.postponed_in_period.length, 'visits.postponed_in_period#count'],
        ['places visited', placeTotal, 'visits.places_in_period#sum'],
        ['interviews', s.visits.interviews_in_period, 'visits.interviews_in_period'],
      ], 'Completed: ' + codes(s.visits.completed_in_period) +
        '. Postponed: ' + codes(s.visits.postponed_in_period) + '. Places: ' +
        (Object.keys(places).map((k) => places[k] + ' ' + (PLACES[k] || k)).join(', ') || 'none')),
    card('Visit reports transmitted (total)', s.reports.transmitted_total,
      'reports.transmitted_total', [
        ['transmitted in the period', s.reports.transmitted_in_period.length, 'reports.transmitted_in_period#count'],
        ['published (total)', s.reports.published_total, 'reports.published_total'],
        ['published in the period', s.reports.published_in_period.length, 'reports.published_in_period#count'],
      ], 'Published in the period: ' + codes(s.reports.published_in_period)),
    card('Replies overdue', s.replies.overdue.length, 'replies.overdue#count', [
      ['received in the period', s.replies.received_in_period.length, 'replies.received_in_period#count'],
      ['published in the period', s.replies.published_in_period.length, 'replies.published_in_period#count'],
    ], 'Overdue: ' + codes(s.replies.overdue)),
    card('On the art. 17 list', s.npm.art17_list.length, 'npm.art17_list#count', [
      ['NPM overdue (computed)', s.npm.art17_overdue_computed.length, 'npm.art17_overdue_computed#count'],
      ['NPMs designated in the period', s.npm.designated_in_period.length, 'npm.designated_in_period#count'],
    ], 'List: ' + codes(s.npm.art17_list)),
    card('Follow-up dialogues in the period',
      s.followup_dialogues_in_period.state.length + s.followup_dialogues_in_period.npm.length,
      'followup_dialogues_in_period#count', [
        ['with States', s.followup_dialogues_in_period.state.length, 'followup_dialogues_in_period.state#count'],
        ['with NPMs', s.followup_dialogues_in_period.npm.length, 'followup_dialogues_in_period.npm#count'],
      ]),
    card('Special Fund grants in the period', grants.count || 0, 'fund.grants_in_period.count', [
      ['States', grants.states || 0, 'fund.grants_in_period.states'],
      ['total', money(grants.total)],
      ['contributions', money(s.fund.contributions_in_period)],
    ], 'Amounts per currency, never converted.'),
  ];
}

async function loadFigures() {
  const asOf = $('figures-as-of').value;
  if (!asOf) return;
  const q = '?as_of=' + encodeURIComponent(asOf);
  $('report-en').href = '/api/report' + q + '&lang=en';
  $('report-zh').href = '/api/report' + q + '&lang=zh';
  try {
    const s = await api('/api/stats' + q);
    showError('figures-error', null);
    $('figures-period').textContent = 'period ' + humanDate(s.period.from) +
      ' – ' + humanDate(s.period.to);
    clear($('cards')).append(...figureCards(s));
    $('cards').dataset.asOf = s.as_of;
  } catch (e) {
    showError('figures-error', e);
  }
}

/* ------------------------------------------------ dates at their precision */

// The date at obj[key] as it is known: obj[key + '_precision'] (absent:
// to the day) "month" → "2024-05", "year" → "2024", "not_after" →
// "by 2024-12-31" (DOMAIN.md, "What is known, and how well").
function dateAt(obj, key) {
  const d = obj && obj[key];
  if (!d) return '';
  switch (obj[key + '_precision']) {
    case 'month': return d.slice(0, 7);
    case 'year': return d.slice(0, 4);
    case 'not_after': return 'by ' + d;
    default: return d;
  }
}

// A due day computed from a day not known: an upper bound, said so.
function dueText(date, upperBound) {
  return upperBound ? date + ' at the latest' : date;
}

/* --------------------------------------------------------- States table */

function npmCell(r) {
  const n = r.npm;
  if (r.status !== 'party') return '';
  if (n.designated_on) return tag('designated ' + dateAt(n, 'designated_on'), 'ok');
  if (n.overdue) return tag(plural(n.days_overdue, 'day') + ' overdue', 'late');
  if (n.due) return tag('due ' + dueText(n.due, n.due_upper_bound), 'soon');
  return '';
}

function replyCell(r) {
  const p = r.reports;
  if (p.replies_overdue) {
    return tag(p.replies_overdue > 1 ? p.replies_overdue + ' overdue' :
      'overdue since ' + p.oldest_reply_overdue_since, 'late');
  }
  if (p.next_reply_due) return tag('due ' + p.next_reply_due, 'soon');
  return '';
}

function statusCell(r) {
  if (r.status === 'party') return tag('party', 'ok');
  if (r.status === 'signatory') return tag('signatory', 'none');
  return r.status;
}

function matches(r, region, status, text) {
  if (region && r.region !== region) return false;
  if (text) {
    const t = text.toLowerCase();
    if (!(r.name || '').toLowerCase().includes(t) && !r.state.toLowerCase().includes(t)) return false;
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

function stateRow(r) {
  const v = r.visits;
  const visits = v.completed + (v.planned || v.postponed ?
    ' (' + [v.planned ? v.planned + ' planned' : '', v.postponed ? v.postponed + ' postponed' : '']
      .filter(Boolean).join(', ') + ')' : '');
  const tr = el('tr', { class: 'row', tabindex: '0', dataset: { state: r.state, region: r.region } },
    el('td', null, r.name || r.state, el('span', { class: 'code' }, r.state)),
    el('td', null, statusCell(r)),
    el('td', null, dateAt(r, 'party_since') || (r.signed_on ? 'signed ' + dateAt(r, 'signed_on') : '')),
    el('td', null, npmCell(r)),
    el('td', null, r.npm.on_art17_list ? tag('listed', 'late') : ''),
    el('td', { class: 'num' }, visits),
    el('td', { class: 'num' }, r.reports.transmitted + ' / ' + r.reports.published),
    el('td', null, replyCell(r)));
  tr.addEventListener('click', () => openState(r.state));
  tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') openState(r.state); });
  return tr;
}

function renderStates() {
  const region = $('filter-region').value;
  const status = $('filter-status').value;
  const text = $('filter-text').value.trim();
  const body = clear($('states-body'));
  let shown = 0;
  let current = null;
  for (const r of state.rows) {
    if (!matches(r, region, status, text)) continue;
    if (r.region !== current) {
      current = r.region;
      body.append(el('tr', { class: 'region' },
        el('th', { colspan: '8', scope: 'rowgroup' }, REGIONS[current] || current)));
    }
    body.append(stateRow(r));
    shown++;
  }
  $('states-count').textContent = shown + ' of ' + state.rows.length + ' States';
}

async function loadStates() {
  const asOf = $('states-as-of').value;
  if (!asOf) return;
  try {
    const answer = await api('/api/states?as_of=' + encodeURIComponent(asOf));
    state.rows = answer.states;
    showError('states-error', null);
    renderStates();
  } catch (e) {
    showError('states-error', e);
  }
}

/* ------------------------------------------------------------ one State */

function timelineItems(s) {
  const asOf = s.as_of;
  const items = [];
  // 'shown': the date as it is known, when not to the day
  const add = (date, text, cls, shown) => { if (date) items.push({ date, text, cls, shown }); };
  add(s.signed_on, 'Signed the Optional Protocol', null, dateAt(s, 'signed_on'));
  add(s.party_since, 'Became a State party (' + (s.instrument || 'ratification') + ')', null,
    dateAt(s, 'party_since'));
  add(s.entry_into_force, 'The Protocol entered into force for it');
  const n = s.npm || {};
  if (n.due && !n.designated_on) {
    add(n.due, 'NPM designation due' + (n.art24_part_iv_years ?
      ' (art. 24 postponement: ' + plural(n.art24_part_iv_years, 'year') + ')' : ''),
      n.overdue ? 'late' : 'future', dueText(n.due, n.due_upper_bound));
  }
  add(n.designated_on, 'NPM designated' + (n.body ? ': ' + n.body : '') + (n.model ? ' (' + n.model + ')' : ''),
    null, dateAt(n, 'designated_on'));
  for (const v of s.visits || []) {
    const kind = v.kind ? v.kind.replace('_', ' ') + ' ' : '';
    add(v.planned_on, 'SPT ' + kind + 'visit planned (' + v.visit_id + ')');
    if (v.start && v.start !== v.completed_on) add(v.start, 'SPT ' + kind + 'visit begins (' + v.visit_id + ')', v.start > asOf ? 'future' : '');
    add(v.completed_on, 'SPT ' + kind + 'visit completed (' + v.visit_id + ')');
    add(v.postponed_on, 'SPT visit postponed (' + v.visit_id + ')');
  }
  for (const r of s.reports || []) {
    const who = r.recipient === 'npm' ? 'the NPM' : 'the State';
    add(r.transmitted_on, 'Visit report ' + r.report_id + ' transmitted to ' + who + ' (confidential)',
      null, dateAt(r, 'transmitted_on'));
    if (!r.reply_received_on) {
      add(r.reply_due, 'Reply to ' + r.report_id + ' due' +
        (r.reply_status === 'unknown' ? ' (not known whether answered)' : ''),
      r.reply_overdue ? 'late' : r.reply_status === 'unknown' ? null : 'future',
      dueText(r.reply_due, r.reply_due_upper_bound));
    }
    add(r.reply_received_on, 'Reply to ' + r.report_id + ' received', null,
      dateAt(r, 'reply_received_on'));
    add(r.published_on, 'Report ' + r.report_id + ' published' + (r.symbol ? ' (' + r.symbol + ')' : ''));
    add(r.reply_published_on, 'Reply published' + (r.reply_symbol ? ' (' + r.reply_symbol + ')' : ''));
  }
  const d = s.followup_dialogues || {};
  for (const date of d.state || []) add(date, 'Follow-up dialogue with the State');
  for (const date of d.npm || []) add(date, 'Follow-up dialogue with the NPM');
  items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return items;
}

function summaryItem(label, value) {
  return el('div', null, el('span', null, label + ': '), value || '—');
}

function renderState(s) {
  const r = s.summary;
  $('state-h').textContent = (s.name || s.state) + ' (' + s.state + ')';
  clear($('state-summary')).append(
    summaryItem('Region', REGIONS[s.region] || s.region),
    summaryItem('Status', s.status === 'party' ? 'State party' : s.status),
    summaryItem('Party since', dateAt(s, 'party_since')),
    summaryItem('Entry into force', s.entry_into_force),
    summaryItem('NPM', s.npm.designated_on ? 'designated ' + dateAt(s.npm, 'designated_on') :
      s.npm.overdue ? 'overdue by ' + plural(r.npm.days_overdue, 'day') + ' (due ' + s.npm.due + ')' :
        s.npm.due ? 'due ' + dueText(s.npm.due, s.npm.due_upper_bound) : ''),
    summaryItem('On the art. 17 list', s.npm.on_art17_list ? 'yes' : 'no'),
    summaryItem('Visits completed', String(r.visits.completed)),
    summaryItem('Reports transmitted / published', r.reports.transmitted + ' / ' + r.reports.published),
    summaryItem('As of', s.as_of));
  const list = clear($('state-timeline'));
  for (const item of timelineItems(s)) {
    list.append(el('li', { class: item.cls || null },
      el('time', { datetime: item.date }, item.shown || item.date), item.text));
  }
  if (!list.children.length) list.append(el('li', null, 'No event recorded.'));
  const rem = clear($('state-reminders'));
  for (const m of s.reminders_open || []) {
    rem.append(el('li', null, dueText(m.due_on, m.due_upper_bound) + ' — ' + (RULES[m.rule] || m.rule) + ', ' +
      m.subject + ' ',
      tag(m.stage + (m.days_late ? ', ' + plural(m.days_late, 'day') + ' late' : ''),
        m.stage === 'overdue' ? 'late' : m.stage === 'pending' || m.stage === 'unknown' ? 'none' : 'soon')));
  }
  if (s.reminders_error) rem.append(el('li', null, 'Deadlines unavailable: ' + s.reminders_error));
  else if (!rem.children.length) rem.append(el('li', null, 'None.'));
  const enc = clear($('state-encouragements'));
  for (const m of s.encouragements_open || []) {
    enc.append(el('li', null, m.due_on + ' — ' + (RULES[m.rule] || m.rule) + ', ' + m.subject + ' ',
      tag(m.stage, m.stage === 'pending' ? 'none' : 'soon')));
  }
  if (!s.reminders_error && !enc.children.length) enc.append(el('li', null, 'None.'));
}

async function openState(code, scroll = true) {
  state.openState = code;
  const section = $('state');
  try {
    const s = await api('/api/states/' + encodeURIComponent(code) + '?as_of=' +
      encodeURIComponent($('states-as-of').value));
    renderState(s);
    section.hidden = false;
    section.dataset.state = code;
    if (location.hash !== '#state=' + code) history.replaceState(null, '', '#state=' + code);
    if (scroll) section.scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (e) {
    section.hidden = false;
    $('state-h').textContent = code;
    clear($('state-summary')).append(el('p', { class: 'error' }, 'Could not load: ' + e.message));
    clear($('state-timeline'));
    clear($('state-reminders'));
  }
}

function closeState() {
  const code = state.openState;
  state.openState = null;
  $('state').hidden = true;
  history.replaceState(null, '', location.pathname + location.search);
  const row = code && document.querySelector('#states-body tr[data-state="' + code + '"]');
  if (row) {
    row.scrollIntoView({ block: 'center' });
    row.focus();
  }
}

/* ------------------------------------------------------------ reminders */

function reminderRow(m, last) {
  return el('tr', { dataset: { rule: m.rule, state: m.state } },
    el('td', null, dueText(m.due_on, m.due_upper_bound)),
    el('td', null, m.state),
    el('td', null, RULES[m.rule] || m.rule),
    el('td', null, m.subject === m.state ? '' : m.subject),
    last);
}

function fillList(body, items, makeRow) {
  clear(body);
  const shown = items.slice(0, LIST_MAX);
  for (const m of shown) body.append(makeRow(m));
  if (items.length > LIST_MAX) {
    const button = el('button', { type: 'button', class: 'button' }, 'Show all');
    const row = el('tr', null, el('td', { colspan: '5', class: 'note' },
      'Showing ' + LIST_MAX + ' of ' + items.length + ' ', button));
    button.addEventListener('click', () => {
      row.remove();
      for (const m of items.slice(LIST_MAX)) body.append(makeRow(m));
    });
    body.append(row);
  }
  if (!items.length) body.append(el('tr', null, el('td', { colspan: '5', class: 'note' }, 'None.')));
}

function renderReminders() {
  const answer = state.reminders;
  if (!answer) return;
  const asOf = answer.as_of;
  const rule = $('filter-rule').value;
  const all = answer.reminders.filter((m) => !rule || m.rule === rule);
  const horizon = addDays(asOf, 90);
  const upcoming = all.filter((m) => m.stage !== 'overdue' &&
    m.due_on >= asOf && m.due_on <= horizon);
  const overdue = all.filter((m) => m.stage === 'overdue')
    .sort((a, b) => b.days_late - a.days_late || (a.state < b.state ? -1 : 1));
  $('reminders-as-of').textContent = 'as of ' + humanDate(asOf);
  $('overdue-count').textContent = '(' + overdue.length + ')';
  fillList($('upcoming-body'), upcoming, (m) => reminderRow(m,
    el('td', null, tag(m.stage, m.stage === 'due' ? 'late' : m.stage === 'upcoming' ? 'soon' : 'none'))));
  fillList($('overdue-body'), overdue, (m) => reminderRow(m,
    el('td', { class: 'num' }, String(m.days_late))));
  // encouragements: listed apart, never overdue (no treaty deadline)
  const encouragements = (answer.encouragements || [])
    .filter((m) => (!rule || m.rule === rule) && m.stage !== 'pending');
  fillList($('encouragements-body'), encouragements, (m) => reminderRow(m,
    el('td', null, tag(m.stage, 'soon'))));
}

async function loadReminders() {
  const asOf = $('states-as-of').value;
  if (!asOf) return;
  try {
    state.reminders = await api('/api/reminders?as_of=' + encodeURIComponent(asOf));
    showError('reminders-error', null);
    renderReminders();
  } catch (e) {
    showError('reminders-error', e);
  }
}

/* ------------------------------------------------------------ live feed */

function describe(e) {
  const parts = [];
  for (const k of ['report_id', 'visit_id', 'symbol', 'body', 'rule', 'subject', 'stage', 'due_on', 'instrument']) {
    if (e[k]) parts.push(k.replace('_', ' ') + ' ' + e[k]);
  }
  if (e.amount) parts.push(e.amount + ' ' + (e.currency || ''));
  return parts.join(', ');
}

function onEvent(message) {
  let e;
  try { e = JSON.parse(message.data); } catch (_) { return; }
  $('feed-empty').hidden = true;
  const list = $('feed-list');
  const item = el('li', { class: 'new', dataset: { sequence: String(e.sequence), type: e.type, state: e.state || '' } },
    el('span', { class: 'seq' }, '#' + e.sequence),
    el('span', { class: 'type' }, e.type),
    e.state ? ' ' + e.state : '',
    ' · ' + e.occurred_on,
    describe(e) ? el('div', { class: 'note' }, describe(e)) : null);
  list.prepend(item);
  while (list.children.length > FEED_MAX) list.lastChild.remove();
  $('store-head').textContent = 'store head #' + e.sequence;
  scheduleRefresh();
}

/* New events change the figures: reload them once the burst is over. */
function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => {
    loadFigures();
    loadStates();
    loadReminders();
    if (state.openState) openState(state.openState, false);
  }, 1500);
}

function connect() {
  const source = new EventSource('/api/stream');
  source.addEventListener('open', () => {
    $('conn').className = 'dot on';
    $('conn-text').textContent = 'live';
  });
  source.addEventListener('error', () => {
    $('conn').className = 'dot off';
    $('conn-text').textContent = 'reconnecting…';
  });
  source.addEventListener('message', onEvent);
}

/* ------------------------------------------------------------------ start */

async function start() {
  const select = $('filter-region');
  for (const [k, v] of Object.entries(REGIONS)) {
    if (k !== 'unknown') select.append(el('option', { value: k }, v));
  }
  let today = new Date().toISOString().slice(0, 10);
  /* a degraded gateway answers 503 with the same body: read it anyway */
  const health = await fetch('/healthz').then((r) => r.json()).catch(() => null);
  if (health && health.today) today = health.today;
  if (health && health.store && health.store.head !== undefined) {
    $('store-head').textContent = 'store head #' + health.store.head;
  }
  state.today = today;
  const params = new URLSearchParams(location.search);
  $('figures-as-of').value = params.get('figures') || (Number(today.slice(0, 4)) - 1) + '-12-31';
  $('states-as-of').value = params.get('as_of') || today;
  $('figures-as-of').addEventListener('change', loadFigures);
  $('states-as-of').addEventListener('change', () => {
    loadStates();
    loadReminders();
    if (state.openState) openState(state.openState, false);
  });
  for (const [k, v] of Object.entries(RULES)) $('filter-rule').append(el('option', { value: k }, v));
  $('filter-rule').addEventListener('change', renderReminders);
  for (const id of ['filter-region', 'filter-status']) $(id).addEventListener('change', renderStates);
  $('filter-text').addEventListener('input', renderStates);
  for (const id of ['figures-form', 'states-form', 'reminders-form']) $(id).addEventListener('submit', (e) => e.preventDefault());
  $('print').addEventListener('click', () => window.print());
  $('state-close').addEventListener('click', closeState);
  connect();
  await Promise.all([loadFigures(), loadStates(), loadReminders()]);
  const m = /^#state=([A-Z]{3})$/.exec(location.hash);
  if (m) openState(m[1]);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', start);
