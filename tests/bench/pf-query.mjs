// pf-query.mjs - bytes Pagefind loads for a query, measured by running
// Pagefind's own search code (SITE/pagefind/pagefind.js) in node.
//
// usage: node pf-query.mjs SITE [--results N] QUERY...
//
// fetch() is replaced by a reader of SITE's files that counts bytes, so
// what is counted is exactly what pagefind.js asks for: pagefind-entry.json,
// the language's .pf_meta, the WebAssembly module, the index chunks the
// query's terms fall in, and (when we call result.data(), as the default UI
// does for the results it shows, 5 at first) one fragment per result.
// pagefind.js itself is added (the page loads it); the UI's own script and
// CSS (pagefind-ui.js/.css) are not, nor is morgue's search.html page.
// Each query starts from a fresh module instance (empty caches), as a first
// search on a freshly opened page. Without Worker in node, Pagefind runs on
// the main thread (its documented fallback), fetching the same files.
//
// Prints one JSON object: {"QUERY": {"bytes": B, "files": F, "results": R,
// "by_kind": {"js":..,"entry":..,"meta":..,"wasm":..,"index":..,"fragment":..}}}
import { readFileSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const site = args.shift();
let show = 5;
if (args[0] === "--results") { args.shift(); show = Number(args.shift()); }

let log = [];
globalThis.fetch = async (input) => {
	let u = String(input && input.url ? input.url : input);
	u = u.replace(/^[a-z]+:\/\/[^/]*/, "").split("?")[0];
	const data = readFileSync(site + decodeURIComponent(u));
	log.push([u, data.length]);
	const type = /wasm/.test(u) ? "application/wasm" : "application/octet-stream";
	return new Response(data, { status: 200, headers: { "content-type": type } });
};

function kind(u) {
	if (u.endsWith("pagefind-entry.json")) return "entry";
	if (u.endsWith(".pf_meta")) return "meta";
	if (/wasm\./.test(u)) return "wasm";
	if (u.includes("/index/")) return "index";
	if (u.includes("/fragment/")) return "fragment";
	if (u.includes("/filter/")) return "filter";
	return "other";
}

const js = site + "/pagefind/pagefind.js";
const jsBytes = statSync(js).size;
const out = {};
let n = 0;
for (const q of args) {
	log = [];
	const pf = await import(pathToFileURL(js).href + "?instance=" + n++);
	await pf.options({ basePath: "/pagefind/" });
	await pf.init();
	const r = await pf.search(q);
	const res = r && r.results ? r.results : [];
	await Promise.all(res.slice(0, show).map((x) => x.data()));
	const by = { js: jsBytes };
	let bytes = jsBytes;
	for (const [u, b] of log) {
		const k = kind(u);
		by[k] = (by[k] || 0) + b;
		bytes += b;
	}
	out[q] = { bytes, files: log.length + 1, results: res.length, by_kind: by };
	await pf.destroy();
}
console.log(JSON.stringify(out));
