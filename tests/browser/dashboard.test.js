// The dashboard in headless chromium, against a gateway that run.sh
// started on the embedded dataset with OPCAT_NOW fixed.  At 1400 px:
//   1. the headline figures shown equal `opcatctl stats --json` for the
//      date shown (every element marked data-figure), and a figure the
//      stats mark incomplete says "not recorded" with no number (the
//      visits as of 2010-12-31, in English and in French; 7 in 2019),
//      and so do the region rows of a total marked incomplete (the
//      signatories as of 2010-12-31, in the page's five languages);
//   2. the charts' numbers (their bars and the tables beside them)
//      equal /api/stats for the years they show; a year whose visits
//      are not recorded has no bar and a cell that says so;
//   3. the States table lists every party and signatory; filtering by a
//      region leaves that region's States only;
//   4. opening a State shows its panel beside the list, with its status,
//      timeline and deadlines as sentences; in French, Chinese and
//      Arabic the table and the panel name a State in that language
//      (/api/names), each region's States in that language's order;
//   5. the States CSV downloaded from the page equals the API's CSV and
//      says what the API's JSON says, cell by cell;
//   6. an event imported with opcatctl appears in the live feed as a
//      sentence linking to its State; a session known only to its month
//      is said by its month; events known to the day, the month, the
//      year or as an upper bound are said so in each of its languages,
//      naming the State in that language;
//   7. a section that fails to load offers a retry that loads it;
//   8. axe-core finds no serious or critical WCAG 2.1 A/AA violation;
//   9. the print stylesheet hides the controls and the feed;
//  10. a browser path that does not exist answers an HTML 404 page;
//  11. the report's view, opened, follows the page's language (French,
//      then Arabic right to left), holds the figures of /api/stats, its
//      Markdown and DOCX links follow the language, and axe finds no
//      serious violation with it open.
// At 420 px: no sideways scrolling, the States as cards, the panel over
// the page, axe again; in Arabic, the page is right to left.
// Screenshots go to BROWSER_OUT.
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
const AXE = require.resolve('axe-core/axe.min.js');

function opcatctl(...args) {
  return execFileSync(path.join(BIN, 'opcatctl'), args, { encoding: 'utf8' });
}

function stats(asOf) {
  return JSON.parse(opcatctl('stats', '--as-of', asOf, '--json'));
}

async function get(p) {
  const r = await fetch(GW + p);
  assert.strictEqual(r.status, 200, p + ': ' + r.status);
  return r;
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

/* Whether the stats 's' mark figure 'key' incomplete: its path (without
   '#count' or '#sum'), a figure it is part of, or one of its parts. */
function markedIn(s, key) {
  const p = key.split('#')[0];
  return (s.incomplete || []).some((k) => k === p || p.startsWith(k + '.') || k.startsWith(p + '.'));
}

/* RFC 4180: fields, quotes doubled inside quoted fields, CRLF lines. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') {
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/* The CSV cell the gateway writes for a JSON value. */
function cellOf(v) {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ');
  return typeof v === 'string' ? v : JSON.stringify(v);
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
    (els) => els.map((e) => [e.dataset.figure, e.dataset.value, e.textContent.trim(), e.dataset.incomplete]));
  const s = stats(asOf);
  assert.ok(shown.length >= 20, 'only ' + shown.length + ' figures shown');
  let off = 0;
  for (const [key, value, text, incomplete] of shown) {
    assert.strictEqual(incomplete === 'true', markedIn(s, key), 'figure ' + key + ' marked incomplete');
    if (incomplete) {
      // no number at all, not even the part recorded
      assert.strictEqual(value, '', 'figure ' + key + ' not recorded, with a value');
      assert.strictEqual(text, 'not recorded', 'figure ' + key + ' shown as ' + text);
      off++;
      continue;
    }
    assert.strictEqual(value, expected(s, key), 'figure ' + key);
    // the text is the number with the language's separators
    assert.strictEqual(text.replace(/[^0-9]/g, ''), value, 'figure ' + key + ' shown as ' + text);
  }
  step(shown.length + ' figures as of ' + asOf + ' equal opcatctl stats (' + off + ' not recorded)');
  await page.fill('#figures-as-of', '2025-06-30');
  await page.dispatchEvent('#figures-as-of', 'change');
  await page.waitForFunction(() => document.getElementById('cards').dataset.asOf === '2025-06-30');
  const mid = stats('2025-06-30');
  const total = await page.getAttribute('[data-figure="states_parties.total"]', 'data-value');
  assert.strictEqual(total, String(mid.states_parties.total), 'parties as of 2025-06-30');
  step('figures follow the chosen date');
}

/* The figures 'key' of the cards as of 'asOf': [value, text, incomplete]. */
async function figureAt(page, asOf, key) {
  if (await page.inputValue('#figures-as-of') !== asOf) {
    await page.fill('#figures-as-of', asOf);
    await page.dispatchEvent('#figures-as-of', 'change');
    await page.waitForFunction((d) => document.getElementById('cards').dataset.asOf === d, asOf);
  }
  return page.$eval('[data-figure="' + key + '"]',
    (e) => [e.dataset.value, e.textContent.trim(), e.dataset.incomplete || '']);
}

/* Before the coverage of visits (2010) the visits card says "not
   recorded", in English and in French, with no number, and its list of
   States says so too (not "none"); in a covered year (2019) it counts. */
async function checkNotRecorded(page) {
  const before = await page.inputValue('#figures-as-of');
  const visits = 'visits.completed_in_period#count';
  assert.ok(markedIn(stats('2010-12-31'), visits), 'the stats of 2010 mark the visits incomplete');
  assert.deepStrictEqual(await figureAt(page, '2010-12-31', visits), ['', 'not recorded', 'true'],
    'visits as of 2010-12-31');
  assert.deepStrictEqual(await figureAt(page, '2010-12-31', 'visits.interviews_in_period'),
    ['', 'not recorded', 'true'], 'interviews as of 2010-12-31');
  const card = page.locator('.card', { has: page.locator('[data-figure="' + visits + '"]') });
  assert.strictEqual((await card.locator('.detail').textContent()).trim(), 'not recorded',
    'the visits\' States as of 2010-12-31');
  await page.selectOption('#lang', 'fr');
  await page.waitForFunction(() => document.documentElement.lang === 'fr');
  assert.deepStrictEqual(await figureAt(page, '2010-12-31', visits), ['', 'non consigné', 'true'],
    'visits as of 2010-12-31 in French');
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const s = stats('2019-12-31');
  assert.ok(!markedIn(s, visits), 'the stats of 2019 mark the visits incomplete');
  assert.strictEqual(s.visits.completed_in_period.length, 7, 'visits in 2019');
  assert.deepStrictEqual(await figureAt(page, '2019-12-31', visits), ['7', '7', ''], 'visits as of 2019-12-31');
  await figureAt(page, before, visits);
  step('visits as of 2010-12-31: not recorded (English, French); as of 2019-12-31: 7');
}

/* A total the stats mark incomplete (the signatories as of 2010-12-31:
   signatures are recorded only from later) has no count by region
   either: each region row of its card says "not recorded" in every
   language of the page, as the stats mark its breakdown; the parties,
   recorded, keep their counts by region. */
async function checkRegionRows(page) {
  const before = await page.inputValue('#figures-as-of');
  const s = stats('2010-12-31');
  assert.ok(markedIn(s, 'signatories.total'), 'the stats of 2010 mark the signatories incomplete');
  assert.ok((s.incomplete || []).includes('signatories.by_region'),
    'the stats of 2010 mark the signatories by region incomplete');
  const regions = Object.keys(s.signatories.by_region);
  assert.strictEqual(regions.length, 5, 'five regions');
  for (const lang of ['en', 'fr', 'es', 'zh', 'ar']) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    const word = await page.evaluate((l) => I18N[l].not_recorded, lang);
    assert.ok(word && !/[0-9]/.test(word), lang + ': "not recorded" is ' + word);
    for (const r of regions) {
      assert.deepStrictEqual(await figureAt(page, '2010-12-31', 'signatories.by_region.' + r),
        ['', word, 'true'], 'signatories in ' + r + ' as of 2010-12-31 (' + lang + ')');
    }
  }
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.deepStrictEqual(await figureAt(page, '2010-12-31', 'states_parties.by_region.africa'),
    [String(s.states_parties.by_region.africa), String(s.states_parties.by_region.africa), ''],
    'parties in africa as of 2010-12-31');
  await figureAt(page, before, 'states_parties.total');
  step('signatories by region as of 2010-12-31: not recorded (' + regions.length + ' regions, 5 languages)');
}

/* The report's view in French and in Arabic, chosen with the page's
   language switch: the language and direction, the parties by region in
   its first table and their total in its text (from /api/stats), the
   download links, axe. */
async function checkReport(page) {
  const asOf = await page.inputValue('#figures-as-of');
  const s = await (await get('/api/stats?as_of=' + asOf)).json();
  const formats = (await get('/api/report?as_of=' + asOf)).headers.get('x-report-formats') || '';
  await page.click('#report-read summary');
  for (const [lang, dir] of [['fr', 'ltr'], ['ar', 'rtl']]) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction(([l, d]) => {
      const v = document.getElementById('report-view');
      return v.dataset.lang === l && v.dataset.asOf === d;
    }, [lang, asOf]);
    const article = page.locator('#report-view article');
    assert.strictEqual(await article.getAttribute('lang'), lang, 'the report\'s language');
    assert.strictEqual(await article.getAttribute('dir'), dir, 'the report\'s direction in ' + lang);
    assert.ok(await article.isVisible(), 'the report is not shown');
    const cells = await page.$$eval('#report-view table:first-of-type td', (tds) => tds.map((td) => td.textContent.trim()));
    for (const [region, n] of Object.entries(s.states_parties.by_region)) {
      assert.ok(cells.includes(String(n)), lang + ': ' + region + ' ' + n + ' not in ' + cells.join('|'));
    }
    assert.ok((await article.textContent()).includes(String(s.states_parties.total)),
      lang + ': the total of States parties is not in the report');
    assert.strictEqual(await page.locator('#report-view h3').count(), 1, 'the report\'s title is not one h3');
    assert.strictEqual(await page.locator('#report-view script, #report-view [style]').count(), 0);
    assert.ok((await page.getAttribute('#report-en', 'href')).includes('lang=' + lang), 'the Markdown link');
    const docx = page.locator('#report-docx');
    assert.strictEqual(await docx.isVisible(), formats.includes('docx'), 'the DOCX link against ' + formats);
    if (formats.includes('docx')) {
      const href = await docx.getAttribute('href');
      assert.ok(href.includes('lang=' + lang) && href.includes('format=docx'), 'the DOCX link: ' + href);
      const bytes = Buffer.from(await (await get(href)).arrayBuffer());
      assert.strictEqual(bytes.subarray(0, 2).toString(), 'PK', 'the DOCX is not a zip');
    }
    await page.screenshot({ path: path.join(OUT, 'report-' + lang + '.png') });
    await checkAxe(page, 'the report in ' + lang);
  }
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.getElementById('report-view').dataset.lang === 'en');
  step('the report follows the page\'s language (French, Arabic right to left), with the figures of /api/stats' +
    (formats.includes('docx') ? ' and a DOCX' : ''));
}

/* The numbers of chart 'id': {row: {key: value}} from its table, and
   the same from its SVG bars. */
async function chartNumbers(page, id) {
  return page.evaluate((sel) => {
    const table = {};
    for (const td of document.querySelectorAll(sel + ' table td[data-key]')) {
      const row = td.closest('tr').dataset.row;
      (table[row] = table[row] || {})[td.dataset.key] = td.dataset.incomplete ? null : Number(td.dataset.value);
    }
    const missing = Array.from(document.querySelectorAll(sel + ' svg line[data-incomplete]'), (l) => l.dataset.bar);
    const bars = {};
    for (const r of document.querySelectorAll(sel + ' svg rect[data-bar]')) {
      (bars[r.dataset.bar] = bars[r.dataset.bar] || {})[r.dataset.key] = Number(r.dataset.value);
    }
    return { table, bars, missing };
  }, '#' + id);
}

async function checkCharts(page) {
  await page.waitForSelector('#chart-parties svg rect');
  const parties = await chartNumbers(page, 'chart-parties');
  const visits = await chartNumbers(page, 'chart-visits');
  const thisYear = TODAY.slice(0, 4);
  const years = Object.keys(parties.table);
  assert.strictEqual(years[0], '2006', 'the parties chart starts in 2006');
  assert.strictEqual(years[years.length - 1], thisYear, 'the parties chart ends this year');
  for (const y of ['2006', '2010', '2012', '2019', '2025', thisYear]) {
    const asOf = y === thisYear ? TODAY : y + '-12-31';
    const s = await (await get('/api/stats?as_of=' + asOf + '&from=' + y + '-01-01')).json();
    for (const [region, n] of Object.entries(s.states_parties.by_region)) {
      assert.strictEqual(parties.table[y][region], n, y + ' ' + region + ' in the table');
      assert.strictEqual(parties.bars[y][region] || 0, n, y + ' ' + region + ' in the chart');
    }
    assert.strictEqual(parties.table[y].total, s.states_parties.total, y + ' total');
    const completed = s.visits.completed_in_period.length;
    if (markedIn(s, 'visits.completed_in_period')) {
      // not recorded: no number in the table, no bar, a mark instead
      assert.strictEqual(visits.table[y].visits_completed, null, y + ' visits in the table, not recorded');
      assert.strictEqual(visits.bars[y], undefined, y + ' a bar of visits not recorded');
      assert.ok(visits.missing.includes(y), y + ' visits not recorded, not marked in the chart');
      continue;
    }
    assert.strictEqual(visits.table[y].visits_completed, completed, y + ' visits in the table');
    assert.strictEqual((visits.bars[y] || {}).completed || 0, completed, y + ' visits in the chart');
    assert.ok(!visits.missing.includes(y), y + ' visits marked not recorded');
  }
  assert.strictEqual(visits.table['2010'].visits_completed, null, 'visits of 2010 not recorded');
  assert.strictEqual(await page.textContent('#chart-visits tr[data-row="2010"] td[data-key="visits_completed"]'),
    'not recorded', 'the cell of 2010\'s visits');
  assert.strictEqual(visits.table['2019'].visits_completed, 7, 'visits of 2019');
  const now = stats(TODAY);
  const npm = await chartNumbers(page, 'chart-npm');
  const npmSum = Object.values(npm.table).reduce((a, r) => a + Object.values(r)[0], 0);
  assert.strictEqual(npmSum, now.states_parties.total, 'NPM chart: every State party once');
  const rem = await (await get('/api/reminders?as_of=' + TODAY)).json();
  const late = await chartNumbers(page, 'chart-late');
  const lateSum = Object.values(late.table).reduce((a, r) => a + Object.values(r)[0], 0);
  const overdue = rem.reminders.filter((m) => m.stage === 'overdue').length;
  assert.strictEqual(lateSum, overdue, 'lateness chart: every overdue deadline once');
  const lead = await page.getAttribute('#overdue-lead', 'data-count');
  assert.strictEqual(lead, String(overdue), 'the first screen\'s overdue count');
  const tile = (k) => page.getAttribute('[data-tile="' + k + '"]', 'data-value');
  assert.strictEqual(await tile('parties'), String(now.states_parties.total), 'parties on the first screen');
  assert.strictEqual(await tile('visits'), String(now.visits.completed_in_period.length),
    'visits this year on the first screen');
  step('charts equal /api/stats for 2006, 2010, 2012, 2019, 2025 and ' + thisYear + ' (visits not recorded in ' +
    visits.missing.length + ' years); ' + overdue + ' overdue');
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
  await page.selectOption('#filter-status', 'signatory');
  const sig = await page.locator('#states-body tr.row').count();
  assert.strictEqual(sig, s.signatories.by_region.weog, 'weog signatories');
  await page.selectOption('#filter-status', '');
  await page.selectOption('#filter-region', '');
  // each State opens from a real button, announced as one
  const role = await page.locator('#states-body tr[data-state="PER"] button').evaluate((b) => b.tagName);
  assert.strictEqual(role, 'BUTTON', 'the State\'s name is a button');
  step('table: ' + all + ' States, ' + weog + ' in weog after filtering');
}

async function checkState(page) {
  const per = JSON.parse(opcatctl('state', 'PER', '--as-of', TODAY, '--json'));
  await page.click('#states-body tr[data-state="PER"] button');
  await page.waitForFunction(() => document.getElementById('state').dataset.state === 'PER');
  const heading = await page.textContent('#state-h');
  assert.ok(heading.includes(per.name), 'heading: ' + heading);
  // beside the list, not below it
  const panel = await page.locator('#state').boundingBox();
  const list = await page.locator('#states-table').boundingBox();
  assert.ok(panel.x >= list.x + list.width - 1, 'the panel is not beside the list');
  assert.ok(panel.y < list.y + list.height, 'the panel is below the list');
  assert.strictEqual(await page.evaluate(() => document.activeElement.id), 'state-h', 'focus on the panel');
  const timeline = await page.textContent('#state-timeline');
  assert.ok(timeline.includes('14 September 2006') && timeline.includes('Became a State party'),
    'timeline: ' + timeline);
  for (const r of per.reports) {
    assert.ok(timeline.includes(r.report_id), 'report ' + r.report_id + ' not in the timeline');
  }
  const deadlines = await page.textContent('#state-reminders');
  assert.ok(/Peru.s reply to the 2025 visit report is due on 30\u00a0?\s?June 2026/.test(deadlines),
    'deadline sentence: ' + deadlines);
  const encouragements = await page.textContent('#state-encouragements');
  for (const m of per.encouragements_open) {
    assert.ok(encouragements.includes(m.subject.replace(/^\w+-(\d{4})-.*/, '$1')), 'encouragement ' + m.subject);
  }
  assert.ok(!/overdue|late/.test(encouragements), 'an encouragement shown late: ' + encouragements);
  await page.screenshot({ path: path.join(OUT, 'state-1400.png') });
  // a date not known to the day is shown as it is known: TCD's
  // signature is only known to be "not after" a day
  const tcd = JSON.parse(opcatctl('state', 'TCD', '--as-of', TODAY, '--json'));
  assert.strictEqual(tcd.signed_on_precision, 'not_after', 'TCD signature precision');
  const by = 'by ' + new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric',
    timeZone: 'UTC' }).format(new Date(tcd.signed_on + 'T00:00:00Z'));
  await page.click('#states-body tr[data-state="TCD"] button');
  await page.waitForFunction(() => document.getElementById('state').dataset.state === 'TCD');
  const signed = await page.locator('#state-timeline li', { hasText: 'Signed' }).textContent();
  assert.ok(signed.startsWith(by), 'TCD signature: ' + signed + ', not ' + by);
  const row = await page.textContent('#states-body tr[data-state="TCD"]');
  assert.ok(row.includes('signed ' + by), 'TCD row: ' + row);
  await page.click('#state-close');
  assert.ok(await page.locator('#state').isHidden(), 'the panel closes');
  step('State PER beside the list; TCD signed ' + signed.slice(0, 15));
}

/* Waits until the page names States in 'lang' (/api/names answered). */
async function namesIn(page, lang) {
  await page.waitForFunction((l) => document.documentElement.dataset.names === l, lang);
}

/* A page in French, Chinese or Arabic names a State by its UN short name
   in that language (data/state-names.tsv), in the States table and its
   panel, and orders each region's States as that language does. */
const NAMES_SAID = { fr: 'Tchad', zh: '乍得', ar: 'تشاد' };

async function checkStateNames(page) {
  for (const [lang, tcd] of Object.entries(NAMES_SAID)) {
    await page.selectOption('#lang', lang);
    await namesIn(page, lang);
    const button = page.locator('#states-body tr[data-state="TCD"] button');
    assert.strictEqual(await button.textContent(), tcd, lang + ': TCD in the States table');
    await button.click();
    await page.waitForFunction(() => document.getElementById('state').dataset.state === 'TCD');
    await page.waitForFunction((n) => document.getElementById('state-h').textContent.startsWith(n), tcd);
    await page.click('#state-close');
    const africa = await page.$$eval('#states-body tr.row[data-region="africa"] button', (b) => b.map((x) => x.textContent));
    const sorted = africa.slice().sort(new Intl.Collator(lang).compare);
    assert.deepStrictEqual(africa, sorted, lang + ': African States not in the order of ' + lang);
    step('States named in ' + lang + ': ' + tcd + ', ' + africa.slice(0, 3).join(', ') + ', ...');
  }
  await page.selectOption('#lang', 'en');
  await namesIn(page, 'en');
}

async function checkCsv(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#dl-states a.csv[data-table="states"]'),
  ]);
  const file = path.join(OUT, 'states.csv');
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  const api = await (await get('/api/states?as_of=' + TODAY + '&format=csv')).text();
  assert.strictEqual(text, api, 'the page\'s CSV differs from the API\'s');
  const json = await (await get('/api/states?as_of=' + TODAY)).json();
  const [head, ...rows] = parseCsv(text);
  assert.strictEqual(rows.length, json.states.length, 'CSV rows');
  rows.forEach((cells, i) => {
    head.forEach((col, j) => {
      const v = col.split('.').reduce((o, k) => (o == null ? undefined : o[k]), json.states[i]);
      assert.strictEqual(cells[j], cellOf(v), 'row ' + i + ' ' + col);
    });
  });
  step('States CSV: ' + rows.length + ' rows x ' + head.length + ' columns equal the JSON');
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
  const item = page.locator('#feed-list li[data-type="visit.planned"][data-state="NZL"]');
  await item.first().waitFor({ timeout: 20000 });
  const text = await item.first().textContent();
  assert.ok(/New Zealand/.test(text) && /1 March 2026/.test(text), 'feed sentence: ' + text);
  assert.strictEqual(await item.first().locator('a.state-link').count(), 1, 'the sentence links to its State');
  assert.ok(!/visit\.planned|#\d/.test(text), 'internal terms in the feed: ' + text);
  await page.waitForFunction(() => document.getElementById('announce').textContent.length > 0, null, { timeout: 15000 });
  step('live feed: ' + text);
  // a session known only to its month: said by its month, not as the
  // first day of the session (occurred_on is the last one, not known)
  fs.writeFileSync(file, JSON.stringify({
    type: 'session.held', occurred_on: TODAY, precision: 'month',
    id: 'BROWSER-SESSION-' + Date.now(), number: 99, place: 'Geneva',
  }) + '\n');
  opcatctl('--timeout', '60000', 'import', file);
  const session = page.locator('#feed-list li[data-type="session.held"]');
  await session.first().waitFor({ timeout: 20000 });
  const said = await session.first().textContent();
  assert.ok(/\(March 2026\)/.test(said) && !/from|1 March/.test(said),
    'session feed sentence: ' + said);
  step('live feed, a session known to the month: ' + said);
}

/* The feed's sentences about events known to the day, the month, the
   year or only as an upper bound, in each language: "on 5 May 2024",
   "in May 2024", "in 2024", "by 31 December 2024", and each language's
   own words for them. The feed keeps the language an event came in, so
   the events are imported again after each change of language. */
const FEED_EVENTS = [
  { precision: 'day', state: 'NZL', occurred_on: '2024-05-05' },
  { precision: 'month', state: 'PER', occurred_on: '2024-05-31' },
  { precision: 'year', state: 'FRA', occurred_on: '2024-12-31' },
  { precision: 'not_after', state: 'TCD', occurred_on: '2024-12-31' },
];
const FEED_SAID = {
  en: ['Follow-up dialogue with New Zealand on 5 May 2024.',
    'Follow-up dialogue with Peru in May 2024.',
    'Follow-up dialogue with France in 2024.',
    'Follow-up dialogue with Chad by 31 December 2024.',
    / to the Special Fund in 2024\.$/],
  fr: ['Dialogue de suivi (Nouvelle-Zélande) le 5 mai 2024.',
    'Dialogue de suivi (Pérou) en mai 2024.',
    'Dialogue de suivi (France) en 2024.',
    'Dialogue de suivi (Tchad) au plus tard le 31 décembre 2024.',
    / au Fonds spécial en 2024\.$/],
  es: ['Diálogo de seguimiento con Nueva Zelandia el 5 de mayo de 2024.',
    'Diálogo de seguimiento con Perú en mayo de 2024.',
    'Diálogo de seguimiento con Francia en 2024.',
    'Diálogo de seguimiento con Chad a más tardar el 31 de diciembre de 2024.',
    / al Fondo Especial en 2024\.$/],
  zh: ['于2024年5月5日与新西兰进行后续对话。',
    '于2024年5月与秘鲁进行后续对话。',
    '于2024年与法国进行后续对话。',
    '不晚于2024年12月31日与乍得进行后续对话。',
    /^于2024年向特别基金捐款 /],
  ar: ['حوار متابعة مع نيوزيلندا في 5 مايو 2024.',
    'حوار متابعة مع بيرو في مايو 2024.',
    'حوار متابعة مع فرنسا في 2024.',
    'حوار متابعة مع تشاد في موعد لا يتجاوز 31 ديسمبر 2024.',
    / في الصندوق الخاص في 2024\.$/],
};

async function checkFeedPrecision(page) {
  const file = path.join(OUT, 'feed-precision.jsonl');
  for (const [lang, said] of Object.entries(FEED_SAID)) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await namesIn(page, lang);
    const before = await page.locator('#feed-list li').count();
    const stamp = lang + '-' + Date.now();
    const events = FEED_EVENTS.map((e) => ({
      type: 'followup.dialogue', with: 'state', id: 'BROWSER-FEED-' + e.precision + '-' + stamp, ...e,
    }));
    events.push({ type: 'fund.contribution', occurred_on: '2024-12-31', precision: 'year',
      id: 'BROWSER-FEED-FUND-' + stamp, amount: '100.00', currency: 'USD' });
    fs.writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    opcatctl('--timeout', '60000', 'import', file);
    await page.waitForFunction((n) => document.querySelectorAll('#feed-list li').length >= n,
      before + events.length, { timeout: 20000 });
    // the newest first: this language's events, whatever their order
    const items = await page.$$eval('#feed-list li', (lis, n) => lis.slice(0, n).map((li) =>
      [li.dataset.type, li.dataset.state, li.textContent]), events.length);
    FEED_EVENTS.forEach((e, i) => {
      const item = items.find(([type, st]) => type === 'followup.dialogue' && st === e.state);
      assert.ok(item, lang + ': no feed sentence for ' + e.state + ' in ' + JSON.stringify(items));
      assert.strictEqual(item[2], said[i], lang + ', a date of precision ' + e.precision);
    });
    const fund = items.find(([type, st]) => type === 'fund.contribution' && st === '');
    assert.ok(fund && said[4].test(fund[2]), lang + ', a contribution of no State in a year: ' + (fund && fund[2]));
    step('live feed in ' + lang + ': ' + items.map((x) => x[2]).join(' | '));
  }
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

async function checkRetry(page) {
  let fail = true;
  await page.route('**/api/years', (route) => (fail ? route.fulfill({
    status: 503, contentType: 'application/json', body: '{"error":{"message":"stats: no answer"}}',
  }) : route.continue()));
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#charts-error:not([hidden]) button.retry');
  assert.strictEqual(await page.locator('#chart-parties svg').count(), 0, 'a chart without its data');
  fail = false;
  await page.click('#charts-error button.retry');
  await page.waitForSelector('#chart-parties svg rect');
  assert.ok(await page.locator('#charts-error').isHidden(), 'the error stays after the retry');
  await page.unroute('**/api/years');
  step('a failed section offers a retry that loads it');
}

async function checkAxe(page, label) {
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const list = bad.map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
  assert.deepStrictEqual(list, [], label + ': axe violations');
  step(label + ': axe ' + result.passes.length + ' rules pass, no serious violation (' +
    result.violations.length + ' minor)');
}

async function checkPrint(page) {
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('#feed').isHidden(), 'the live feed prints');
  assert.ok(await page.locator('#states-table').isVisible(), 'the table does not print');
  assert.ok(await page.locator('#filter-region').isHidden(), 'the filters print');
  assert.ok(await page.locator('#chart-parties table').isVisible(), 'the charts\' numbers do not print');
  await page.screenshot({ path: path.join(OUT, 'print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  step('print stylesheet');
}

async function checkNotFound(page) {
  const response = await page.goto(GW + '/no-such-page');
  assert.strictEqual(response.status(), 404);
  assert.ok(response.headers()['content-type'].startsWith('text/html'), 'the 404 page is not HTML');
  assert.strictEqual(await page.locator('a[href="/"]').count(), 1, 'no way back from the 404 page');
  const api = await fetch(GW + '/api/no-such-endpoint');
  assert.ok(/^application\/problem\+json/.test(api.headers.get('content-type')),
    'the API\'s 404 is not problem details (JSON)');
  step('HTML 404 for a page, JSON for the API');
}

async function checkPhone(page) {
  await page.setViewportSize({ width: 420, height: 860 });
  await page.goto(GW + '/?lang=en');
  await page.waitForSelector('body[data-ready="true"]');
  await page.screenshot({ path: path.join(OUT, 'dashboard-420.png') });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 420, 'sideways scrolling at 420 px: ' + wide);
  const display = await page.locator('#states-body tr.row').first().evaluate((e) => getComputedStyle(e).display);
  assert.notStrictEqual(display, 'table-row', 'the States are still a table at 420 px');
  // a date is never broken over two lines
  const broken = await page.evaluate(() => Array.from(document.querySelectorAll('.date'))
    .filter((d) => d.getClientRects().length > 1 || d.getBoundingClientRect().height > 30).length);
  assert.strictEqual(broken, 0, broken + ' dates broken over lines');
  // the first States, the rest a button away; a search finds one
  assert.strictEqual(await page.locator('#states-more').count(), 1, 'no "show the others" at 420 px');
  await page.fill('#filter-text', 'Peru');
  await page.click('#states-body tr[data-state="PER"] button');
  await page.waitForFunction(() => document.getElementById('state').dataset.state === 'PER');
  const panel = await page.locator('#state').boundingBox();
  assert.ok(panel.x <= 1 && panel.width >= 410, 'the panel does not cover the phone\'s screen');
  await page.screenshot({ path: path.join(OUT, 'state-420.png') });
  await checkAxe(page, '420 px with the panel open');
  await page.click('#state-close');
  step('420 px: cards, no sideways scrolling, the panel over the page');
}

async function checkLanguages(page) {
  // every word in every language (English is the fallback of the rest)
  const missing = await page.evaluate(() => Object.keys(I18N).flatMap((l) => Object.keys(I18N.en)
    .filter((k) => !(k in I18N[l]) && !/^(csv|json)$|_(year|not_after)$/.test(k)).map((k) => l + '.' + k)));
  assert.deepStrictEqual(missing, [], 'words missing');
  assert.deepStrictEqual(await page.$$eval('#lang option', (o) => o.map((x) => x.value)),
    ['en', 'fr', 'es', 'zh', 'ar'], 'the languages offered');
  await page.selectOption('#lang', 'fr');
  await page.waitForFunction(() => document.documentElement.lang === 'fr');
  assert.strictEqual(await page.textContent('#today-h'), 'Aujourd\u2019hui, 1 mars 2026', 'French heading');
  assert.ok((await page.textContent('#overdue-top')).includes('de retard'), 'French sentences');
  assert.ok(page.url().includes('lang=fr'), 'the language is not in the address');
  await page.selectOption('#lang', 'ar');
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.strictEqual(await page.getAttribute('html', 'lang'), 'ar');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 420, 'sideways scrolling in Arabic: ' + wide);
  await page.screenshot({ path: path.join(OUT, 'dashboard-420-ar.png') });
  await checkAxe(page, 'Arabic, 420 px');
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  step('French, then Arabic right to left; no word missing');
}

(async () => {
  assert.ok(GW && BIN && TODAY, 'GW, OPCAT_BIN and OPCAT_NOW must be set');
  const started = Date.now();
  const { context, close } = await launch();
  const errors = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // the 503s checkRetry asks for, and the 404 page's own status
      if (m.type() === 'error' && !/status of (503|404)/.test(m.text())) errors.push(m.text());
    });
    page.setDefaultTimeout(30000);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(GW + '/?lang=en');
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: path.join(OUT, 'dashboard-1400.png') });
    await page.screenshot({ path: path.join(OUT, 'dashboard-1400-full.png'), fullPage: true });
    // the README's picture (docs/dashboard.png): the first screen at 1200 px
    await page.setViewportSize({ width: 1200, height: 820 });
    await page.screenshot({ path: path.join(OUT, 'dashboard-readme.png') });
    await page.setViewportSize({ width: 1400, height: 900 });
    await checkCharts(page);
    await checkFigures(page);
    await checkNotRecorded(page);
    await checkRegionRows(page);
    await checkReport(page);
    await checkTable(page);
    await checkState(page);
    await checkStateNames(page);
    await checkCsv(page);
    await checkLive(page);
    await checkFeedPrecision(page);
    await checkAxe(page, '1400 px');
    await checkPrint(page);
    await checkRetry(page);
    await checkPhone(page);
    await checkLanguages(page);
    await checkNotFound(page);
    assert.deepStrictEqual(errors, [], 'errors in the page');
  } finally {
    await close();
  }
  console.log('browser: ok in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s; screenshots in ' + OUT);
})().catch((e) => {
  console.error('FAIL: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
