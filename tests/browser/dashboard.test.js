// The dashboard in headless chromium, against a gateway that run.sh
// started on the embedded dataset with OPCAT_NOW fixed:
//   1. the headline figures shown equal `opcatctl stats --json` for the
//      date shown (every element marked data-figure);
//   2. the States table lists every party and signatory; filtering by a
//      region leaves that region's States only;
//   3. opening a State shows its status and timeline;
//   4. an event imported with opcatctl appears in the live feed;
//   5. the print stylesheet hides the controls and the feed.
// Environment: GW (the gateway's URL), OPCAT_BIN, OPCAT_NOW, BROWSER_OUT.
'use strict';
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { launch } = require('./browser');

const GW = process.env.GW;
const BIN = process.env.OPCAT_BIN;
const OUT = process.env.BROWSER_OUT || '.';
const TODAY = process.env.OPCAT_NOW;

function opcatctl(...args) {
  return execFileSync(path.join(BIN, 'opcatctl'), args, { encoding: 'utf8' });
}

function stats(asOf) {
  return JSON.parse(opcatctl('stats', '--as-of', asOf, '--json'));
}

/* The value of figure 'key' in a stats object: a path, with '#count'
   for a list's length (or the sum of the lengths of an object's lists)
   and '#sum' for the sum of an object's numbers. */
function expected(s, key) {
  const [p, op] = key.split('#');
  let v = p.split('.').reduce((o, k) => (o === undefined ? o : o[k]), s);
  if (op === 'count') {
    v = Array.isArray(v) ? v.length :
      Object.values(v).reduce((a, l) => a + l.length, 0);
  } else if (op === 'sum') {
    v = Object.values(v).reduce((a, b) => a + b, 0);
  }
  assert.notStrictEqual(v, undefined, 'figure ' + key + ' is not in the stats');
  return String(v);
}

function step(name) {
  console.log('browser: ' + name);
}

async function checkFigures(page) {
  const asOf = await page.inputValue('#figures-as-of');
  assert.strictEqual(asOf, (Number(TODAY.slice(0, 4)) - 1) + '-12-31',
    'the figures default to the end of the last year');
  await page.waitForFunction((d) => document.getElementById('cards').dataset.asOf === d, asOf);
  const shown = await page.$$eval('[data-figure]',
    (els) => els.map((e) => [e.dataset.figure, e.textContent.trim()]));
  const s = stats(asOf);
  assert.ok(shown.length >= 20, 'only ' + shown.length + ' figures shown');
  for (const [key, text] of shown) {
    assert.strictEqual(text, expected(s, key), 'figure ' + key);
  }
  step(shown.length + ' figures as of ' + asOf + ' equal opcatctl stats');
  // another date: the figures follow
  await page.fill('#figures-as-of', '2025-06-30');
  await page.dispatchEvent('#figures-as-of', 'change');
  await page.waitForFunction(() => document.getElementById('cards').dataset.asOf === '2025-06-30');
  const mid = stats('2025-06-30');
  const total = await page.textContent('[data-figure="states_parties.total"]');
  assert.strictEqual(total, String(mid.states_parties.total), 'parties as of 2025-06-30');
  const interviews = await page.textContent('[data-figure="visits.interviews_in_period"]');
  assert.strictEqual(interviews, String(mid.visits.interviews_in_period), 'interviews as of 2025-06-30');
  step('figures follow the chosen date');
}

async function checkTable(page) {
  const s = stats(TODAY);
  const all = s.states_parties.total + s.signatories.total;
  await page.waitForFunction((n) => document.querySelectorAll('#states-body tr.row').length === n, all);
  await page.selectOption('#filter-region', 'weog');
  const regions = await page.$$eval('#states-body tr.row', (rows) => rows.map((r) => r.dataset.region));
  const weog = s.states_parties.by_region.weog + s.signatories.by_region.weog;
  assert.strictEqual(regions.length, weog, 'rows in weog');
  assert.ok(regions.every((r) => r === 'weog'), 'a row outside weog: ' + regions.join(','));
  assert.strictEqual(await page.locator('#states-body tr.region').count(), 1, 'region headings');
  step('table: ' + all + ' States, ' + weog + ' in weog after filtering');
  await page.selectOption('#filter-status', 'signatory');
  const sig = await page.locator('#states-body tr.row').count();
  assert.strictEqual(sig, s.signatories.by_region.weog, 'weog signatories');
  await page.selectOption('#filter-status', '');
  await page.selectOption('#filter-region', 'latin_america_caribbean');
}

async function checkState(page) {
  const per = JSON.parse(opcatctl('state', 'PER', '--as-of', TODAY, '--json'));
  await page.click('#states-body tr[data-state="PER"]');
  await page.waitForSelector('#state:not([hidden])');
  await page.waitForFunction(() => document.getElementById('state').dataset.state === 'PER');
  const heading = await page.textContent('#state-h');
  assert.ok(heading.includes(per.name), 'heading: ' + heading);
  const timeline = await page.textContent('#state-timeline');
  assert.ok(timeline.includes(per.party_since) && timeline.includes('Became a State party'),
    'timeline: ' + timeline);
  for (const r of per.reports) {
    assert.ok(timeline.includes(r.report_id), 'report ' + r.report_id + ' not in the timeline');
  }
  const deadlines = await page.locator('#state-reminders li').count();
  assert.ok(deadlines >= 1, 'no open deadline shown for PER');
  // encouragements to publish: apart from the obligations, never overdue
  const obligations = await page.textContent('#state-reminders');
  assert.ok(!obligations.includes('Publication'), 'publication among the obligations: ' + obligations);
  const encouragements = await page.textContent('#state-encouragements');
  assert.ok((per.encouragements_open || []).length >= 1, 'PER has no encouragement open');
  for (const m of per.encouragements_open) {
    assert.ok(encouragements.includes(m.subject), 'encouragement ' + m.subject + ' not shown');
  }
  assert.ok(!/overdue|late/.test(encouragements), 'an encouragement shown late: ' + encouragements);
  await page.locator('#state').screenshot({ path: path.join(OUT, 'state.png') });
  step('State PER: ' + per.reports.length + ' reports, ' + deadlines + ' deadlines shown');
  // a date not known to the day is shown as it is known: TCD's signature
  // is only known to be "not after 2024-06-30"
  await page.selectOption('#filter-region', '');
  await page.click('#states-body tr[data-state="TCD"]');
  await page.waitForFunction(() => document.getElementById('state').dataset.state === 'TCD');
  const signed = await page.locator('#state-timeline li', { hasText: 'Signed' }).textContent();
  assert.ok(signed.startsWith('by 2024-06-30'), 'TCD signature: ' + signed);
  const row = await page.textContent('#states-body tr[data-state="TCD"]');
  assert.ok(row.includes('signed by 2024-06-30'), 'TCD row: ' + row);
  step('State TCD: signature shown as ' + signed);
}

async function checkLive(page) {
  await page.waitForSelector('#conn.on', { timeout: 20000 });
  const id = 'BROWSER-LIVE-' + Date.now();
  const file = path.join(OUT, 'live.jsonl');
  fs.writeFileSync(file, JSON.stringify({
    type: 'visit.planned', occurred_on: TODAY, state: 'NZL', visit_id: id,
    kind: 'follow_up', start: '2026-10-01',
  }) + '\n');
  opcatctl('--timeout', '60000', 'import', file);
  const item = page.locator('#feed-list li', { hasText: id });
  await item.waitFor({ timeout: 20000 });
  const type = await item.getAttribute('data-type');
  assert.strictEqual(type, 'visit.planned', 'live item type');
  step('live feed shows ' + id);
}

async function checkPrint(page) {
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('#feed').isHidden(), 'the live feed prints');
  assert.ok(await page.locator('#states-table').isVisible(), 'the table does not print');
  assert.ok(await page.locator('#filter-region').isHidden(), 'the filters print');
  await page.screenshot({ path: path.join(OUT, 'print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  step('print stylesheet');
}

(async () => {
  assert.ok(GW && BIN && TODAY, 'GW, OPCAT_BIN and OPCAT_NOW must be set');
  const { context, close } = await launch();
  const errors = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.setDefaultTimeout(30000);
    await page.goto(GW + '/');
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: path.join(OUT, 'dashboard.png'), fullPage: true });
    await checkFigures(page);
    await checkTable(page);
    await checkState(page);
    await checkLive(page);
    await checkPrint(page);
    assert.deepStrictEqual(errors, [], 'errors in the page');
  } finally {
    await close();
  }
  console.log('browser: ok; screenshots in ' + OUT);
})().catch((e) => {
  console.error('FAIL: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
