// node screenshot.js URL OUT.png [--print] [--element=SELECTOR] [--click=SELECTOR]
// A screenshot of the dashboard once it has loaded: the full page, or one
// element; --print renders with the print stylesheet; --click clicks an
// element first (e.g. a State's row) and waits for the page to settle.
'use strict';
const { launch } = require('./browser');

(async () => {
  const args = process.argv.slice(2);
  const [url, out] = args.filter((a) => !a.startsWith('--'));
  const opt = (name) => (args.find((a) => a.startsWith('--' + name + '=')) || '').split('=').slice(1).join('=');
  if (!url || !out) {
    console.error('usage: node screenshot.js URL OUT.png [--print] [--element=SEL] [--click=SEL]');
    process.exit(1);
  }
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    if (args.includes('--print')) await page.emulateMedia({ media: 'print' });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    if (opt('click')) {
      await page.click(opt('click'));
      await page.waitForTimeout(1500);
    }
    await page.waitForTimeout(500);
    if (opt('element')) await page.locator(opt('element')).screenshot({ path: out });
    else await page.screenshot({ path: out, fullPage: true });
  } finally {
    await close();
  }
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
