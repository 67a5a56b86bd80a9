// lib.js - shared pieces of the browser tests: launch Debian's Chromium
// through playwright-core, serve a site on 127.0.0.1, print PASS/FAIL lines.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

let failures = 0;
function result(name, ok, why) {
  if (ok) console.log(`PASS ${name}`);
  else { failures++; console.log(`FAIL ${name}${why ? ': ' + why : ''}`); }
}

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.xml': 'application/xml', '.svg': 'image/svg+xml', '.json': 'application/json' };

// A static file server on 127.0.0.1 (an ephemeral port), for the over-http runs.
function serve(root) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const file = path.join(root, path.normalize(p).replace(/^(\.\.[/\\])+/, ''));
      fs.readFile(file, (err, data) => {
        if (err) { res.writeHead(404); res.end('not found'); return; }
        res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
        res.end(data);
      });
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// search.html for a site that has only a search index: the two mustache
// features it uses, {{<layout}} with {{$block}} overrides, and plain
// {{name}} / {{#name}}..{{/name}} (empty here), rendered from the theme.
function renderSearchPage(title) {
  const top = path.resolve(__dirname, '../..');
  const tpl = (n) => fs.readFileSync(path.join(top, 'themes/default/templates', n + '.mustache'), 'utf8');
  const page = tpl('search'), blocks = {};
  page.replace(/\{\{\$(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (m, name, body) => { blocks[name] = body; });
  let html = tpl('layout').replace(/\{\{\$(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g,
    (m, name, dflt) => (name in blocks ? blocks[name] : dflt));
  const vals = { root: '', 'site.title': title, 'site.language': 'en', page_title: 'Search' };
  html = html.replace(/\{\{#([\w.]+)\}\}[\s\S]*?\{\{\/\1\}\}/g, '');
  return html.replace(/\{\{([\w.]+)\}\}/g, (m, k) => (k in vals ? vals[k] : ''));
}

module.exports = { result, launch, serve, renderSearchPage, failures: () => failures };
