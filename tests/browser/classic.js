// Drives the classic Jupyter Notebook (6.x with the jupyter-js-widgets 2.1
// front end) in headless Chromium: opens a notebook, runs all its cells,
// waits for a slider widget, moves it with the keyboard and waits until the
// Label widget's text changes (the kernel's observer sets it).
// Prints JSON: the label before and after, the slider readout, the cell's
// text output and the page's errors.
//
// Usage: node classic.js URL_OF_NOTEBOOK [CHROMIUM]
'use strict';
const puppeteer = require('puppeteer-core');

async function main() {
  const url = process.argv[2];
  const chromium = process.argv[3] || process.env.CHROMIUM || '/usr/bin/chromium';
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const result = { errors: [] };
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => result.errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') result.errors.push(m.text()); });
    await page.goto(url, { waitUntil: 'load' });
    // The kernel is up and the widget extension has made its manager.
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel &&
      Jupyter.notebook.kernel.is_connected() && Jupyter.WidgetManager !== undefined, { timeout: 60000 });
    await new Promise((r) => setTimeout(r, 1000));
    await page.evaluate(() => Jupyter.notebook.execute_all_cells());
    // jupyter-js-widgets 2.1 shows views in the cell's widget area.
    await page.waitForSelector('.cell .ui-slider-handle', { timeout: 60000 });
    // The Label widget: the first widget label whose text starts with "k =".
    const label = () => page.evaluate(() => {
      const l = [...document.querySelectorAll('.cell .widget-label')].find((e) => e.innerText.startsWith('k ='));
      return l ? l.innerText : null;
    });
    await page.waitForFunction(() => [...document.querySelectorAll('.cell .widget-label')].some((e) => e.innerText.startsWith('k =')), { timeout: 30000 });
    result.before = await label();
    await page.focus('.cell .ui-slider-handle');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('ArrowRight');
    }
    await page.waitForFunction((b) => [...document.querySelectorAll('.cell .widget-label')].some((e) => e.innerText.startsWith('k =') && e.innerText !== b),
      { timeout: 30000 }, result.before);
    // Let the last key's update arrive.
    await new Promise((r) => setTimeout(r, 1500));
    result.after = await label();
    result.readout = await page.evaluate(() => {
      const r = document.querySelector('.cell .widget-readout');
      return r ? (r.innerText || r.value) : null;
    });
  } catch (e) {
    result.exception = String(e);
    try {
      result.outputs = await browser.pages().then((ps) => ps[ps.length - 1].evaluate(() =>
        [...document.querySelectorAll('.cell .widget-area, .cell .output_area')].map((o) => o.innerHTML.slice(0, 600))));
    } catch (e2) { /* the page is gone */ }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((e) => { console.error(e); process.exit(1); });
