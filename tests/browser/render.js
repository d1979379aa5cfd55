// Renders an HTML page of embedded widgets (html-manager's embed.js) in
// headless Chromium and prints, as JSON, what each div.view shows: its
// text, form controls, slider handles, readouts, progress bars and images.
//
// Usage: node render.js PAGE.html [CHROMIUM]   (CHROMIUM defaults to /usr/bin/chromium)
'use strict';
const path = require('path');
const puppeteer = require('puppeteer-core');

async function main() {
  const page_ = process.argv[2];
  const chromium = process.argv[3] || process.env.CHROMIUM || '/usr/bin/chromium';
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--allow-file-access-from-files', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto('file://' + path.resolve(page_), { waitUntil: 'load' });
    // embed.js replaces each view script with the rendered widget.
    await page.waitForFunction(() => {
      const views = [...document.querySelectorAll('div.view')];
      return views.length > 0 && views.every((v) => v.querySelector('.jupyter-widgets, .widget-inline-hbox, .widget-box'));
    }, { timeout: 30000 });
    // Let the last views finish (slider libraries lay out after attach).
    await new Promise((r) => setTimeout(r, 500));
    const views = await page.evaluate(() => [...document.querySelectorAll('div.view')].map((v) => ({
      id: v.id,
      text: v.innerText,
      inputs: [...v.querySelectorAll('input')].map((i) => ({ type: i.type, value: i.value, checked: i.checked })),
      selects: [...v.querySelectorAll('select')].map((s) => s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : null),
      textareas: [...v.querySelectorAll('textarea')].map((t) => t.value),
      handles: [...v.querySelectorAll('.noUi-handle')].map((h) => h.getAttribute('aria-valuenow')),
      readouts: [...v.querySelectorAll('.widget-readout')].map((r) => r.innerText || r.value || ''),
      buttons: [...v.querySelectorAll('button')].map((b) => ({ text: b.innerText.trim(), active: b.classList.contains('mod-active'), title: b.title })),
      progress: [...v.querySelectorAll('.progress-bar')].map((p) => p.style.width || p.style.height),
      images: [...v.querySelectorAll('img')].map((i) => i.src.slice(0, 5)),
      html: [...v.querySelectorAll('.widget-html-content')].map((h) => h.innerHTML),
      classes: [...new Set([...v.querySelectorAll('[class*="widget-"]')].flatMap((e) => [...e.classList].filter((c) => c.startsWith('widget-'))))],
    })));
    process.stdout.write(JSON.stringify({ views, errors }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
