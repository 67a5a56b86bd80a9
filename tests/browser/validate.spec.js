// validate.spec.js SITE [PAGED_SITE] - every .html page of SITE (and the
// page-N.html continuations of PAGED_SITE, the sample archive built with a
// small page_size) plus static/style.css must be valid per the Nu HTML
// Checker (npm vnu-jar, run with Debian's Java). One java run checks all
// files; prints one PASS/FAIL line per file, FAIL with its first errors.
// Needs no browser: run.sh runs it even where Chromium is missing.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

let failures = 0;
function result(name, ok, why) {
  if (ok) console.log(`PASS ${name}`);
  else { failures++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); }
}

// Every file under dir whose name passes keep, sorted, as absolute paths.
function files(dir, keep) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, keep));
    else if (keep(e.name)) out.push(p);
  }
  return out.sort();
}

function main() {
  const site = path.resolve(process.argv[2]);
  const paged = process.argv[3] ? path.resolve(process.argv[3]) : null;
  const java = process.env.JAVA || 'java';
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  if (spawnSync(java, ['-version'], { stdio: 'ignore' }).status !== 0) {
    console.log('SKIP html validation: no java (install Debian\'s default-jre-headless)');
    return 0;
  }
  const targets = files(site, (n) => n.endsWith('.html'));
  if (paged) targets.push(...files(paged, (n) => /^page-\d+\.html$/.test(n)));
  const css = path.join(site, 'static', 'style.css');
  if (fs.existsSync(css)) targets.push(css);
  result('html validation: pages found', targets.length > 10, `${targets.length} files`);

  const run = spawnSync(java, ['-Xss4m', '-jar', jar, '--errors-only', '--format', 'json',
    '--skip-non-html', '--also-check-css', ...targets],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
  let report;
  try {
    report = JSON.parse(run.stderr.trim() || run.stdout.trim());
  } catch (e) {
    result('html validation: vnu ran', false,
      `status ${run.status}, no JSON report: ${(run.stderr || '').slice(0, 300)}`);
    return 1;
  }
  const byFile = new Map();
  for (const m of report.messages) {
    const file = m.url ? decodeURIComponent(m.url.replace(/^file:/, '')) : '(none)';
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(`${m.lastLine || '?'}: ${m.type}: ${m.message}`);
  }
  for (const t of targets) {
    const label = paged && t.startsWith(paged + path.sep) ? 'paged/' + path.relative(paged, t)
      : path.relative(site, t);
    const errs = byFile.get(t) || [];
    byFile.delete(t);
    result(`valid html: ${label}`, errs.length === 0,
      `${errs.length} error(s); ${errs.slice(0, 3).join(' | ')}`);
  }
  // messages about no file we passed (a crash, a bad argument) fail too
  for (const [file, errs] of byFile) result(`valid html: ${file}`, false, errs.slice(0, 3).join(' | '));
  result('html validation: vnu exit status agrees', (run.status === 0) === (failures === 0),
    `status ${run.status}`);
  return failures ? 1 : 0;
}

try {
  process.exit(main());
} catch (e) {
  console.log(`FAIL html validation: ${e.message}`);
  process.exit(1);
}
