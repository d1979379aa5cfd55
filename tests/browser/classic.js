// Drives the classic Jupyter Notebook (6.x with the jupyter-js-widgets 2.1
// front end) in headless Chromium: opens a notebook, runs all its cells,
// waits for a slider widget, moves it with the keyboard and waits until the
// first Label widget's text changes (the kernel's observer sets it).
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
    await page.goto(url, { waitUntil: 'load' });
    // The kernel is up and the widget extension has made its manager.
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel &&
      Jupyter.notebook.kernel.is_connected() && Jupyter.WidgetManager !== undefined, { timeout: 60000 });
    await new Promise((r) => setTimeout(r, 1000));
    await page.evaluate(() => Jupyter.notebook.execute_all_cells());
    await page.waitForSelector('.output_area .ui-slider-handle', { timeout: 60000 });
    await page.waitForFunction(() => document.querySelector('.output_area .widget-label'), { timeout: 30000 });
    const label = () => page.evaluate(() => document.querySelector('.output_area .widget-label').innerText);
    result.before = await label();
    await page.focus('.output_area .ui-slider-handle');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('ArrowRight');
    }
    await page.waitForFunction((b) => document.querySelector('.output_area .widget-label').innerText !== b,
      { timeout: 30000 }, result.before);
    // Let the last key's update arrive.
    await new Promise((r) => setTimeout(r, 1500));
    result.after = await label();
    result.readout = await page.evaluate(() => {
      const r = document.querySelector('.output_area .widget-readout');
      return r ? (r.innerText || r.value) : null;
    });
    result.output = await page.evaluate(() => [...document.querySelectorAll('.output_area .output_text')].map((e) => e.innerText).join(''));
  } catch (e) {
    result.exception = String(e);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((e) => { console.error(e); process.exit(1); });
