// navigate.spec.js SITE - open index.html from file:// and over http, go
// index -> article -> entity -> back, and check nothing failed to load.
'use strict';
const path = require('path');
const { result, launch, serve, failures } = require('./lib');

async function walk(browser, base, label) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('requestfailed', (r) => errors.push('failed: ' + r.url()));

  await page.goto(base + '/index.html');
  result(`${label}: index has a title`, (await page.title()).length > 0);
  const first = page.locator('ol.article-list a').first();
  const title = (await first.textContent()).trim();
  await first.click();
  await page.waitForLoadState();
  result(`${label}: index -> article`, page.url().includes('/articles/') &&
    (await page.locator('h1').first().textContent()).trim() === title, page.url());
  const mention = page.locator('a.mention[data-entity]').first();
  const haveMention = await mention.count() > 0;
  result(`${label}: article has entity mentions`, haveMention);
  if (haveMention) {
    const slug = await mention.getAttribute('data-entity');
    await mention.click();
    await page.waitForLoadState();
    result(`${label}: article -> entity`, page.url().endsWith(`/entities/${slug}.html`), page.url());
    result(`${label}: entity page lists the article`,
      await page.locator(`ol.article-list a:text-is(${JSON.stringify(title)})`).count() > 0);
    await page.goBack();
    await page.waitForLoadState();
    result(`${label}: back to the article`, page.url().includes('/articles/'), page.url());
  }
  await page.goBack();
  await page.waitForLoadState();
  result(`${label}: back to the index`, page.url().endsWith('/index.html'), page.url());
  result(`${label}: no errors or failed loads`, errors.length === 0, errors.slice(0, 3).join('; '));
  await page.close();
}

(async () => {
  const site = path.resolve(process.argv[2]);
  const browser = await launch();
  try {
    await walk(browser, 'file://' + site, 'file://');
    const server = await serve(site);
    await walk(browser, `http://127.0.0.1:${server.address().port}`, 'http');
    server.close();
  } finally {
    await browser.close();
  }
  process.exit(failures() ? 1 : 0);
})().catch((e) => { console.log(`FAIL navigate: ${e.message}`); process.exit(1); });
