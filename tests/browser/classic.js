// Drives the classic Jupyter Notebook (6.x with the jupyter-js-widgets 2.1
// front end) in headless Chromium: opens a notebook, runs all its cells and
// plays one scenario against the widgets the cells show.
//
//   slider: waits for a slider, moves it three steps right with the keyboard
//           and waits until the Label whose text starts with "k =" changes
//           (the kernel's observer sets it).
//   play:   waits for a Play control linked (jslink) to a slider, clicks its
//           play button and records every text the Label that starts with
//           "iteration" shows until the animation stops (the slider follows
//           the player in the browser; the kernel's observer of the slider
//           sets the label; an Interact on the slider prints into an
//           Output widget, whose texts are recorded too).
//   reload: waits for a range slider (two handles), saves the notebook,
//           reloads the page and counts the handles the widget shows again
//           (the front end rebuilds it from the saved display_data and the
//           kernel's answer to request_state).
//
// Prints JSON: the labels seen, the slider readout, and the page's errors.
//
// Usage: node classic.js URL_OF_NOTEBOOK [CHROMIUM] [slider|play|reload]
'use strict';
const puppeteer = require('puppeteer-core');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// labelText returns the text of the first widget label starting with prefix.
function labelText(page, prefix) {
  return page.evaluate((p) => {
    const l = [...document.querySelectorAll('.cell .widget-label')].find((e) => e.innerText.startsWith(p));
    return l ? l.innerText : null;
  }, prefix);
}

// outputTexts returns the texts that the Output widgets of the page show.
function outputTexts(page) {
  return page.evaluate(() => [...document.querySelectorAll('.cell .widget-area .output_subarea')]
    .map((o) => o.innerText.trim()).filter((t) => t !== ''));
}

function readout(page) {
  return page.evaluate(() => {
    const r = document.querySelector('.cell .widget-readout');
    return r ? (r.innerText || r.value) : null;
  });
}

async function slider(page, result) {
  await page.waitForSelector('.cell .ui-slider-handle', { timeout: 60000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.cell .widget-label')].some((e) => e.innerText.startsWith('k =')), { timeout: 30000 });
  result.before = await labelText(page, 'k =');
  await page.focus('.cell .ui-slider-handle');
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await page.waitForFunction((b) => [...document.querySelectorAll('.cell .widget-label')].some((e) => e.innerText.startsWith('k =') && e.innerText !== b),
    { timeout: 30000 }, result.before);
  // Let the last key's update arrive.
  await sleep(1500);
  result.after = await labelText(page, 'k =');
  result.readout = await readout(page);
}

async function play(page, result) {
  await page.waitForSelector('.cell .fa-play', { timeout: 60000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.cell .widget-label')].some((e) => e.innerText.startsWith('iteration')), { timeout: 30000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.cell .widget-area .output_subarea')].some((o) => o.innerText.includes('drawn')), { timeout: 30000 });
  result.labels = [await labelText(page, 'iteration')];
  result.readouts = [await readout(page)];
  result.drawn = [await outputTexts(page)];
  await page.evaluate(() => document.querySelector('.cell .fa-play').closest('button').click());
  // Sample the label and the slider's readout until both have been still
  // for two seconds (the animation ends at the player's max).
  let still = 0;
  for (let i = 0; i < 300 && still < 20; i++) {
    await sleep(100);
    const l = await labelText(page, 'iteration');
    const r = await readout(page);
    const d = await outputTexts(page);
    if (JSON.stringify(d) !== JSON.stringify(result.drawn[result.drawn.length - 1])) result.drawn.push(d);
    if (l !== result.labels[result.labels.length - 1]) result.labels.push(l);
    if (r !== result.readouts[result.readouts.length - 1]) result.readouts.push(r);
    still = (l === result.labels[result.labels.length - 1] && r === result.readouts[result.readouts.length - 1]) ? still + 1 : 0;
  }
  result.readout = await readout(page);
}

function handles(page) {
  return page.evaluate(() => document.querySelectorAll('.cell .ui-slider-handle').length);
}

async function ready(page) {
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel &&
    Jupyter.notebook.kernel.is_connected() && Jupyter.WidgetManager !== undefined, { timeout: 60000 });
}

async function reload(page, result) {
  await page.waitForSelector('.cell .ui-slider-handle', { timeout: 60000 });
  await sleep(1000);
  result.handlesBefore = await handles(page);
  result.outputTypes = await page.evaluate(() => Jupyter.notebook.get_cell(0).output_area.outputs.map((o) => o.output_type));
  await page.evaluate(() => Jupyter.notebook.save_notebook());
  await page.waitForFunction(() => !Jupyter.notebook.dirty, { timeout: 30000 });
  await page.reload({ waitUntil: 'load' });
  await ready(page);
  try {
    await page.waitForSelector('.cell .ui-slider-handle', { timeout: 30000 });
  } catch (e) { /* counted below */ }
  await sleep(2000);
  result.handlesAfter = await handles(page);
}

async function main() {
  const url = process.argv[2];
  const chromium = process.argv[3] || process.env.CHROMIUM || '/usr/bin/chromium';
  const scenario = { slider, play, reload }[process.argv[4] || 'slider'];
  if (!scenario) throw new Error(`unknown scenario ${process.argv[4]}: want slider, play or reload`);
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
    await ready(page);
    await sleep(1000);
    await page.evaluate(() => Jupyter.notebook.execute_all_cells());
    // jupyter-js-widgets 2.1 shows views in the cell's widget area.
    await scenario(page, result);
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
