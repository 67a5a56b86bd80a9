// bench.js OURS_SITE PAGEFIND_ROOT QUERY... - bytes loaded and time per query
// for morgue's search.html (OURS_SITE/search/ from search-driver --synth) and
// for Pagefind (PAGEFIND_ROOT/pagefind/ from `pagefind --site`), both over
// http on 127.0.0.1, each query in a fresh page after the page has loaded.
// morgue's time is taken in the page (performance.now() from the submit to
// the result count shown, as tests/browser/search10k.spec.js does), so
// playwright's round trips do not count; Pagefind's around page.evaluate.
// Run from tests/browser (for playwright-core): node ../regress/search/bench.js ...
// PAGEFIND_ROOT "-" measures morgue alone.
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, serve, renderSearchPage } = require(path.resolve(__dirname, '../../browser/lib'));
const top = path.resolve(__dirname, '../../..');

async function ours(browser, base, q) {
  const page = await browser.newPage();
  let bytes = 0, files = 0;
  const bodies = []; /* every body is counted before the page closes */
  page.on('response', (r) => {
    if (/\/search\/|search\.js$/.test(r.url())) {
      bodies.push(r.body().then((b) => {
        files++; bytes += b.length;
        if (process.env.BENCH_VERBOSE) console.log('#', r.url(), b.length);
      }));
    }
  });
  await page.goto(base + '/search.html');
  await page.waitForFunction(() => document.getElementById('search-status').textContent === '');
  const ms = Math.round(await page.evaluate((query) => new Promise((resolve) => {
    const s = document.getElementById('search-status');
    let t0 = 0;
    new MutationObserver(() => {
      if (/found|No results/.test(s.textContent)) resolve(performance.now() - t0);
    }).observe(s, { childList: true, characterData: true, subtree: true });
    document.getElementById('search-q').value = query;
    t0 = performance.now();
    document.getElementById('search-form').requestSubmit();
  }), q));
  const status = await page.locator('#search-status').textContent();
  await Promise.all(bodies);
  await page.close();
  return { ms, bytes, files, status: status.replace(/\.$/, '') };
}

async function pagefind(browser, base, q) {
  const page = await browser.newPage();
  let bytes = 0, files = 0;
  const bodies = [];
  page.on('response', (r) => {
    if (/\/pagefind\//.test(r.url())) {
      bodies.push(r.body().then((b) => { files++; bytes += b.length; }, () => { files++; }));
    }
  });
  await page.goto(base + '/blank.html');
  await page.evaluate(async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); });
  const t0 = Date.now();
  const n = await page.evaluate(async (query) => {
    const r = await window.pf.search(query);
    await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    return r.results.length;
  }, q);
  const ms = Date.now() - t0;
  await new Promise((res) => setTimeout(res, 200));
  await Promise.all(bodies);
  await page.close();
  return { ms, bytes, files, status: n + ' results' };
}

(async () => {
  const [oursDir, pfRoot, ...queries] = process.argv.slice(2);
  fs.mkdirSync(path.join(oursDir, 'static'), { recursive: true });
  fs.copyFileSync(path.join(top, 'themes/default/static/search.js'), path.join(oursDir, 'static/search.js'));
  fs.copyFileSync(path.join(top, 'themes/default/static/style.css'), path.join(oursDir, 'static/style.css'));
  fs.writeFileSync(path.join(oursDir, 'search.html'), renderSearchPage('Bench'));
  const noPf = pfRoot === '-';
  if (!noPf) fs.writeFileSync(path.join(pfRoot, 'blank.html'), '<!DOCTYPE html><title>b</title>');
  const browser = await launch();
  const s1 = await serve(oursDir), s2 = noPf ? null : await serve(pfRoot);
  console.log('| query | morgue bytes (files) | morgue ms | Pagefind bytes (files) | Pagefind ms | morgue result | Pagefind result |');
  console.log('|---|---|---|---|---|---|---|');
  for (const q of queries) {
    const a = await ours(browser, `http://127.0.0.1:${s1.address().port}`, q);
    const b = noPf ? { bytes: '-', files: '-', ms: '-', status: '-' }
      : await pagefind(browser, `http://127.0.0.1:${s2.address().port}`, q);
    console.log(`| ${q} | ${a.bytes} (${a.files}) | ${a.ms} | ${b.bytes} (${b.files}) | ${b.ms} | ${a.status} | ${b.status} |`);
  }
  s1.close(); if (s2) s2.close();
  await browser.close();
})().catch((e) => { console.log('bench failed: ' + e.message); process.exit(1); });
