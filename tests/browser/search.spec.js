// search.spec.js [SITE] - search.html from file:// and over http.
//
// Always runs on a fixture: the index that build/search-driver writes for
// tests/regress/search/sample/input.txt, the theme's search.js/style.css and
// search.html rendered from search.mustache + layout.mustache. When SITE is
// a built site with search.html and search/meta.js, the queries that apply
// to the sample archive run there too.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { result, launch, serve, renderSearchPage, failures } = require('./lib');

const top = path.resolve(__dirname, '../..');

function fixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'morgue-search-'));
  let driver = process.env.SEARCH_DRIVER || path.join(top, 'build/search-driver');
  if (!fs.existsSync(driver)) { // link it against the library of this build
    driver = path.join(dir, 'search-driver');
    const libs = execFileSync('sh', ['-c', 'pkg-config --libs libcmark libgit2 sqlite3 yaml-0.1 libutf8proc zlib 2>/dev/null || true']).toString().trim().split(/\s+/).filter(Boolean);
    execFileSync(process.env.CC || 'cc', ['-std=c17', '-D_DEFAULT_SOURCE', '-O1', '-I' + path.join(top, 'generator'),
      path.join(top, 'tests/regress/search/driver.c'), path.join(top, process.env.BUILD || 'build', 'libmorgue.a'),
      ...libs, '-lstemmer', '-lpthread', '-lm', '-o', driver], { stdio: 'pipe' });
  }
  execFileSync(driver, [path.join(top, 'tests/regress/search/sample/input.txt'), dir], { stdio: 'pipe' });
  fs.mkdirSync(path.join(dir, 'static'));
  for (const f of ['search.js', 'style.css'])
    fs.copyFileSync(path.join(top, 'themes/default/static', f), path.join(dir, 'static', f));
  fs.writeFileSync(path.join(dir, 'search.html'), renderSearchPage('Fixture'));
  return dir;
}

async function query(page, base, q, extra) {
  await page.goto(`${base}/search.html?q=${encodeURIComponent(q)}${extra || ''}`);
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s && /found|No results/.test(s.textContent);
  }, null, { timeout: 10000 });
  return {
    status: (await page.locator('#search-status').textContent()).trim(),
    titles: await page.locator('#search-results h3').allTextContents(),
    entities: await page.locator('#search-entities:not([hidden]) li a').allTextContents(),
    marks: await page.locator('#search-results mark').allTextContents(),
  };
}

async function check(browser, base, label, site, isFixture) {
  const page = await browser.newPage();
  const errors = [], loads = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // a 404 is reported as a console error; the response handler names it
    if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text());
  });
  page.on('requestfailed', (r) => errors.push('failed: ' + r.url()));
  page.on('response', (r) => { if (r.status() >= 400 && !/favicon\.ico$/.test(r.url())) errors.push(r.status() + ' ' + r.url()); });
  page.on('request', (r) => { const m = /\/search\/([^/?]+\.js)$/.exec(r.url()); if (m) loads.push(m[1]); });

  let r = await query(page, base, 'Lavrov');
  result(`${label}: "Lavrov" offers the entity first`, r.entities[0] === 'Sergey Lavrov', JSON.stringify(r.entities));
  const entBox = await page.locator('#search-entities').boundingBox();
  const resBox = await page.locator('#search-results').boundingBox();
  result(`${label}: entity list above the articles`, entBox && resBox && entBox.y < resBox.y);
  result(`${label}: "Lavrov" finds the articles`, r.titles.some((t) => /Trump Passed Israeli/.test(t)), JSON.stringify(r.titles));
  if (isFixture)
    result(`${label}: a complete word is not completed ("Lavrov" is not "Lavrova")`, r.titles.length === 2, JSON.stringify(r.titles));
  result(`${label}: excerpt highlights the match`, r.marks.some((m) => /^lavrov/i.test(m)), JSON.stringify(r.marks));
  const bytes = loads.reduce((n, f) => { try { return n + fs.statSync(path.join(site, 'search', f)).size; } catch (e) { return n; } }, 0);
  console.log(`# ${label}: "Lavrov" loaded ${loads.length} index files, ${bytes} bytes`);

  r = await query(page, base, 'sharing');
  result(`${label}: "sharing" finds "shared" (stemming)`,
    r.titles.some((t) => /Trump Passed Israeli/.test(t)) && r.marks.some((m) => /^shared$/i.test(m)), JSON.stringify(r.marks));

  r = await query(page, base, '"secret channel"');
  result(`${label}: quoted phrase`, r.titles.length >= 1 && r.titles.every((t) => /Kushner/.test(t)), JSON.stringify(r.titles));
  r = await query(page, base, '"channel secret"');
  result(`${label}: phrase in the wrong order finds nothing`, r.titles.length === 0, JSON.stringify(r.titles));

  r = await query(page, base, 'russia pub:cgtn');
  result(`${label}: publication filter in the query`, r.titles.length >= 1 && r.titles.every((t) => /White House/.test(t)), JSON.stringify(r.titles));
  r = await query(page, base, 'russia', '&pub=cgtn');
  result(`${label}: publication filter from the form`,
    r.titles.length >= 1 && r.titles.every((t) => /White House/.test(t)) &&
    (await page.locator('#search-pub').inputValue()) === 'cgtn', JSON.stringify(r.titles));

  r = await query(page, base, 'zzyzxqv');
  result(`${label}: no-results message`, /No results/.test(r.status) && r.titles.length === 0, r.status);

  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  r = await query(page, base, evil);
  result(`${label}: markup in the query is shown as text`,
    !(await page.evaluate(() => window.__pwned)) && (await page.locator('#search-results img, #search-status img').count()) === 0 &&
    r.status.includes('<img'), r.status);

  // typing: the last word is a prefix
  await page.goto(`${base}/search.html`);
  await page.waitForFunction(() => document.getElementById('search-status').textContent === '');
  await page.locator('#search-q').focus();
  await page.keyboard.type('lavr');
  await page.waitForFunction(() => /found/.test(document.getElementById('search-status').textContent));
  const typed = await page.locator('#search-entities:not([hidden]) li a').allTextContents();
  result(`${label}: prefix while typing ("lavr")`, typed.includes('Sergey Lavrov'), JSON.stringify(typed));
  await page.keyboard.press('Enter');
  result(`${label}: Enter keeps the query in the URL`, decodeURIComponent(page.url()).includes('q=lavr'), page.url());

  if (isFixture) {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const nojs = await ctx.newPage();
    await nojs.goto(`${base}/search.html?q=russia`);
    const note = await nojs.locator('noscript, .search-note').first().textContent();
    result(`${label}: without JavaScript a note explains search needs it`, /needs JavaScript/.test(note), note);
    result(`${label}: the search box has a label`, await nojs.locator('label[for="search-q"]').count() === 1 &&
      await nojs.locator('#search-status[aria-live="polite"]').count() === 1);
    await ctx.close();

    // the doc shards are deflated against z.js, which came with them
    result(`${label}: packed doc shards and their dictionary were read`, loads.includes('z.js') &&
      /^morgueSearch\.load\("d-\d+",\{"zd":"/.test(fs.readFileSync(path.join(site, 'search', loads.find((f) => /^d-/.test(f))), 'utf8')),
      JSON.stringify(loads));
    // a browser without DecompressionStream is told so
    const old = await browser.newPage();
    await old.addInitScript(() => { delete window.DecompressionStream; });
    await old.goto(`${base}/search.html?q=russia`);
    await old.waitForFunction(() => /newer browser/.test(document.getElementById('search-status').textContent));
    result(`${label}: without DecompressionStream the status says a newer browser is needed`,
      (await old.locator('#search-results li').count()) === 0);
    await old.close();

    r = await query(page, base, 'russia');
    result(`${label}: paging, page 1 has 10`, r.titles.length === 10 && /page 1 of 2/.test(r.status), r.status);
    await page.locator('button.search-next').click();
    await page.waitForFunction(() => /page 2 of 2/.test(document.getElementById('search-status').textContent));
    const p2 = await page.locator('#search-results h3').allTextContents();
    result(`${label}: paging, page 2`, p2.length === 6 && /^16 articles/.test(r.status) && !p2.some((t) => r.titles.includes(t)), JSON.stringify(p2));
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('#search-results') !== null);
    result(`${label}: focus moves to the first result of the new page`, focused);

    r = await query(page, base, 'script');
    result(`${label}: </script> in a title is text`, r.titles.some((t) => t.includes('</script><script>alert(1)</script>') && t.includes('"quotes"')), JSON.stringify(r.titles));
    r = await query(page, base, 'russia from:2016-03 to:2016-04');
    result(`${label}: date range filter`, r.titles.length === 2, JSON.stringify(r.titles));
    r = await query(page, base, 'tag:intelligence-sharing');
    result(`${label}: tag filter alone lists articles`, r.titles.length === 3, JSON.stringify(r.titles));
    r = await query(page, base, 'entity:sergey-lavrov russia');
    result(`${label}: entity filter`, r.titles.length === 2, JSON.stringify(r.titles));
    r = await query(page, base, 'cafe');
    result(`${label}: diacritics folded (cafe finds Café)`, r.titles.length === 1 && r.marks.includes('Café'), JSON.stringify(r.marks));
  }
  result(`${label}: no errors or failed loads`, errors.length === 0, errors.slice(0, 3).join('; '));
  await page.close();
}

async function both(browser, site, name, isFixture) {
  await check(browser, 'file://' + site, `${name} file://`, site, isFixture);
  const server = await serve(site);
  await check(browser, `http://127.0.0.1:${server.address().port}`, `${name} http`, site, isFixture);
  server.close();
}

(async () => {
  const browser = await launch();
  const dir = fixture();
  try {
    await both(browser, dir, 'search fixture', true);
    const site = process.argv[2] && path.resolve(process.argv[2]);
    if (site && fs.existsSync(path.join(site, 'search.html')) && fs.existsSync(path.join(site, 'search/meta.js')))
      await both(browser, site, 'search site', false);
    else
      console.log('SKIP search site: no built site with search.html and search/meta.js');
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failures() ? 1 : 0);
})().catch((e) => { console.log(`FAIL search: ${e.message}`); process.exit(1); });
