// a11y.spec.js SITE [PAGED_SITE] - load one page of every kind (every
// article: their markup comes from the generator's C code) in headless
// Chromium, run axe-core (npm) on it and fail on any violation of impact
// serious or critical, naming the rule ids and the offending elements. The
// colour rules run again with the dark colour scheme. Minor and moderate
// findings, and elements whose contrast axe could not decide, are "# " notes.
// axe is injected through the DevTools protocol, so the pages' own
// Content-Security-Policy stays in force: a console error on any page (a CSP
// violation such as a style attribute, a script error) fails it too.
'use strict';
const fs = require('fs');
const path = require('path');
const { result, launch, serve, failures } = require('./lib');

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The first file in dir (sorted) matching re, relative to root, or null.
function first(root, dir, re) {
  const d = path.join(root, dir);
  if (!fs.existsSync(d)) return null;
  const f = fs.readdirSync(d).filter((n) => re.test(n)).sort()[0];
  return f ? path.posix.join(dir, f) : null;
}

// [label, url path] for one page of each kind the generator writes.
function pages(site, paged) {
  const year = first(site, 'archive', /^\d{4}\.html$/);
  const month = year && first(site, year.replace(/\.html$/, ''), /^\d{2}\.html$/);
  const list = [
    ['index', 'index.html'],
    // an entity with a timeline, quotes and connections: the busiest page
    ['entity', fs.existsSync(path.join(site, 'entities/sergey-lavrov.html'))
      ? 'entities/sergey-lavrov.html' : first(site, 'entities', /^[a-z].*\.html$/)],
    ['publication entity', fs.existsSync(path.join(site, 'entities/cgtn.html')) ? 'entities/cgtn.html' : null],
    ['entities index', 'entities/index.html'],
    ['network', fs.existsSync(path.join(site, 'entities/network.html')) ? 'entities/network.html' : null],
    ['tags index', 'tags/index.html'],
    ['tag', first(site, 'tags', /^(?!index).*\.html$/)],
    ['archive index', 'archive/index.html'],
    ['archive year', year],
    ['archive month', month],
    ['search', 'search.html?q=lavrov'],
    ['search, no hits', 'search.html?q=zzzzqqq'],
    ['sourcing', 'sourcing.html'],
  ];
  const out = list.filter(([, p]) => p).map(([l, p]) => [l, site, p]);
  for (const y of fs.readdirSync(path.join(site, 'articles')).sort()) {
    for (const a of fs.readdirSync(path.join(site, 'articles', y)).sort()) {
      if (a.endsWith('.html')) out.push(['article', site, `articles/${y}/${a}`]);
    }
  }
  if (paged) {
    for (const [l, p] of [['index page 2', 'index/page-2.html'],
      ['entity page 2', findPaged(paged, 'entities')],
      ['tag page 2', findPaged(paged, 'tags')],
      ['archive page 2', findPaged(paged, 'archive')]]) {
      if (p && fs.existsSync(path.join(paged, p))) out.push([l, paged, p]);
    }
  }
  return out;
}

// dir/X/page-2.html for the first X that has one, or null.
function findPaged(root, dir) {
  const d = path.join(root, dir);
  for (const x of fs.readdirSync(d).sort()) {
    const p = path.posix.join(dir, x, 'page-2.html');
    if (fs.existsSync(path.join(root, p))) return p;
  }
  return null;
}

// The colour rules, the only ones the colour scheme can change.
const colourRules = ['color-contrast', 'link-in-text-block'];

// Run axe in page (all rules, or only the colour ones) and report one line;
// returns the number of serious or critical violations.
async function audit(page, label, url, scheme, rules) {
  const res = await page.evaluate(async (only) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, Object.assign({ resultTypes: ['violations', 'incomplete'] },
      only ? { runOnly: { type: 'rule', values: only } } : {}));
    const nodes = (v) => v.nodes.map((n) => {
      const d = n.any[0] && n.any[0].data;
      return n.target.join(' ') + (d && d.contrastRatio ? ` (${d.contrastRatio}:1 ${d.fgColor} on ${d.bgColor})` : '');
    });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: nodes(v) })),
      undecided: r.incomplete.filter((v) => v.id === 'color-contrast').reduce((n, v) => n + v.nodes.length, 0),
    };
  }, rules);
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.violations.filter((x) => !bad.includes(x))) {
    console.log(`# ${label} (${scheme}): ${v.impact} ${v.id}: ${v.targets.slice(0, 3).join(', ')}`);
  }
  if (res.undecided) console.log(`# ${label} (${scheme}): contrast of ${res.undecided} element(s) undecided by axe`);
  result(`axe ${label} (${scheme}): ${url}`, bad.length === 0,
    bad.map((v) => `${v.impact} ${v.id} [${v.targets.length}]: ${v.targets.slice(0, 4).join(', ')}`).join(' | '));
  return bad.length;
}

async function check(ctx, base, label, url) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('requestfailed', (r) => errors.push('failed: ' + r.url()));
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${base}/${url}`);
  await page.waitForLoadState('networkidle');
  if (url.startsWith('search.html')) {
    // wait for the search script to write its results or its status
    await page.waitForFunction(() => {
      const s = document.getElementById('search-status');
      return s && s.textContent.trim().length > 0;
    }, null, { timeout: 10000 }).catch(() => {});
  }
  result(`console ${label}: no errors`, errors.length === 0,
    `${errors.length}: ${errors.slice(0, 2).map((e) => e.slice(0, 160)).join(' | ')}`);
  await page.evaluate(axeSource);
  let n = await audit(page, label, url, 'light', null);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  if (!dark) result(`axe ${label}: dark scheme applied`, false);
  n += await audit(page, label, url, 'dark', colourRules);
  await page.close();
  return n;
}

(async () => {
  const site = path.resolve(process.argv[2]);
  const paged = process.argv[3] ? path.resolve(process.argv[3]) : null;
  const browser = await launch();
  const ctx = await browser.newContext();
  const servers = [];
  try {
    let total = 0;
    const list = pages(site, paged);
    result('axe: page kinds found', list.length >= 12, `${list.length}`);
    const bases = new Map();
    for (const root of [site, paged].filter(Boolean)) {
      const s = await serve(root);
      servers.push(s);
      bases.set(root, `http://127.0.0.1:${s.address().port}`);
    }
    for (const [label, root, url] of list) total += await check(ctx, bases.get(root), label, url);
    console.log(`# axe: ${list.length} pages, light and dark, ${total} serious or critical violations`);
  } finally {
    for (const s of servers) s.close();
    await browser.close();
  }
  process.exit(failures() ? 1 : 0);
})().catch((e) => { console.log(`FAIL axe: ${e.message}`); process.exit(1); });
