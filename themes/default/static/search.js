/*
 * search.js - morgue's offline search (a plain script: no modules, fetch,
 * XHR, workers or WebAssembly, so it works from file:// as over http).
 *
 * The index under search/ is a set of classic scripts that each call
 * morgueSearch.load(name, data); this file inserts <script src> tags for the
 * shards a query needs (see generator/searchindex.h for the format). Words
 * are split and folded exactly like generator/tokenize.c; stems come from
 * the index's own form -> stem dictionary, never from a second stemmer.
 * Everything from the index or the query reaches the page as text nodes.
 */
(function () {
  'use strict';
  var ALPHA = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var PER_PAGE = 10, MAX_EXPAND = 30, MAX_PREFIX_SHARDS = 8;
  /* a search starts this long after the last keystroke: a pause, not a
   * search (and its index loads) per character of a fast typist */
  var TYPING_MS = 50;
  var me = document.currentScript;
  var base = (me && me.getAttribute('data-index')) || 'search/';
  var root = (me && me.getAttribute('data-root')) || '';
  var files = {}, waiting = {};

  window.morgueSearch = {
    /* Called by each index file with its JSON value (see unpack). */
    load: function (name, data) {
      var p = unpack(data);
      if (name === 'meta') p = p.then(mergeX);
      var w = waiting[name];
      delete waiting[name];
      if (w) w(p); else files[name] = p;
    },
    bytes: 0
  };

  /* Load one index file (once); resolves with its data, or null. */
  function need(name) {
    if (!Object.prototype.hasOwnProperty.call(files, name)) {
      files[name] = new Promise(function (resolve) {
        waiting[name] = resolve;
        var s = document.createElement('script');
        s.src = base + name + '.js';
        s.async = true;
        s.onerror = function () { window.morgueSearch.load(name, null); };
        document.head.appendChild(s);
      });
    }
    return files[name];
  }
  /* base85 as generator/searchindex.c writes it: 5 digits per 4 bytes. */
  var B85 = '!#$()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{|}~';
  var D85 = new Uint8Array(128);
  for (var i85 = 0; i85 < 85; i85++) D85[B85.charCodeAt(i85)] = i85;
  function bytesOf(s) {
    var n = s.length, out = new Uint8Array(Math.floor(n / 5) * 4 + Math.max(0, n % 5 - 1)), o = 0;
    for (var i = 0; i < n; i += 5) {
      var v = 0;
      for (var k = 0; k < 5; k++) v = v * 85 + (i + k < n ? D85[s.charCodeAt(i + k) & 127] : 84);
      for (k = 0; k < 4 && o < out.length; k++) out[o++] = (v >>> (24 - 8 * k)) & 255;
    }
    return out;
  }
  /* Inflate raw deflate data (parts of one stream) with the browser's own
   * DecompressionStream: no fetch, so it works from file://. The parts are
   * written to it directly (a Blob would copy them to the browser process). */
  function inflate(parts) {
    var ds = new DecompressionStream('deflate-raw'), w = ds.writable.getWriter();
    var out = new Response(ds.readable).arrayBuffer();
    parts.forEach(function (p) { w.write(p).catch(function () {}); });
    w.close().catch(function () {});
    return out;
  }
  /* z.js is [base85 of the dictionary's deflate up to a sync flush, length]:
   * inflating it followed by a {"zd"} stream gives the dictionary followed
   * by the JSON, so the first length bytes are dropped. */
  var dict = null;
  /* A value {"z": base85 of its raw-deflated JSON} or {"zd": the same
   * deflated against the dictionary} is inflated; any other is itself. */
  function unpack(v) {
    var keys = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
    if (keys.length !== 1 || (keys[0] !== 'z' && keys[0] !== 'zd') || typeof v[keys[0]] !== 'string') {
      return Promise.resolve(v);
    }
    var withDict = keys[0] === 'zd';
    if (withDict && !dict) {
      dict = need('z').then(function (z) { return z && { bytes: bytesOf(z[0]), len: z[1] }; });
    }
    return (withDict ? dict : Promise.resolve(null)).then(function (z) {
      if (withDict && !z) return null;
      var data = bytesOf(v[keys[0]]);
      return inflate(z ? [z.bytes, data] : [data]).then(function (buf) {
        return JSON.parse(new TextDecoder().decode(new Uint8Array(buf, z ? z.len : 0)));
      });
    }).catch(function () { return null; });
  }
  /* meta.js keeps its bulky members in x (usually packed). */
  function mergeX(m) {
    if (!m || !m.x) return m;
    return unpack(m.x).then(function (x) {
      if (!x) return null;
      delete m.x;
      Object.keys(x).forEach(function (k) { m[k] = x[k]; });
      return m;
    });
  }

  /* ---- words: the rule of generator/tokenize.c ---- */
  var RE_L = /\p{L}/u, RE_N = /\p{N}/u, RE_M = /\p{M}/u;
  function cls(cp, ch) {
    if (cp < 128) {
      return (cp >= 97 && cp <= 122) || (cp >= 65 && cp <= 90) ? 1 : (cp >= 48 && cp <= 57 ? 2 : 0);
    }
    if ((cp >= 0x3040 && cp <= 0x309F) || (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0x20000 && cp <= 0x3FFFF)) return 4;
    if (RE_L.test(ch)) return 1;
    if (RE_N.test(ch)) return 2;
    if (RE_M.test(ch)) return 3;
    return 0;
  }
  function midKind(cp) {
    switch (cp) {
      case 0x3A: case 0xB7: case 0x2027: return 1;
      case 0x2C: case 0x3B: return 2;
      case 0x2E: case 0x27: case 0x2018: case 0x2019: case 0xFE52: case 0xFF07: case 0xFF0E: return 3;
      default: return 0;
    }
  }
  /* [{w, start, end, pos}] with UTF-16 offsets into text. */
  function words(text) {
    /* per code point: its value, UTF-16 offset and class (typed arrays:
     * an excerpt scans whole articles) */
    var out = [], len = text.length, i, nc = 0;
    var CP = new Int32Array(len + 1), AT = new Int32Array(len + 1), C = new Int8Array(len + 1);
    for (i = 0; i < len;) {
      var cp = text.codePointAt(i), n = cp > 0xFFFF ? 2 : 1;
      CP[nc] = cp; AT[nc] = i; C[nc++] = cls(cp, n === 1 ? text.charAt(i) : text.substr(i, n));
      i += n;
    }
    CP[nc] = 0; AT[nc] = len; C[nc] = 0;
    var pos = 0;
    for (i = 0; i < nc;) {
      var c = C[i];
      if (c === 4) { out.push({ start: AT[i], end: AT[i + 1], pos: pos++ }); i++; continue; }
      if (c !== 1 && c !== 2) { i++; continue; }
      var j = i + 1, prev = c;
      while (j < nc) {
        var c2 = C[j];
        if (c2 === 1 || c2 === 2 || c2 === 3) { if (c2 !== 3) prev = c2; j++; continue; }
        var mk = midKind(CP[j]);
        if (!mk || j + 1 >= nc) break;
        var c3 = C[j + 1];
        if (c3 !== prev || (c3 === 1 && !(mk & 1)) || (c3 === 2 && !(mk & 2)) || (c3 !== 1 && c3 !== 2)) break;
        j += 2;
      }
      out.push({ start: AT[i], end: AT[j], pos: pos++ });
      i = j;
    }
    out.forEach(function (w) { w.w = text.slice(w.start, w.end); });
    return out;
  }
  /* utf8proc COMPAT|CASEFOLD|STRIPMARK|COMPOSE, as near as JS gets. */
  function fold(w) {
    if (/^[\x00-\x7f]*$/.test(w)) return w.toLowerCase();
    return w.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFC')
      .replace(/\u00df/g, 'ss').replace(/\u03c2/g, '\u03c3').replace(/[\u2018\u2019]/g, "'");
  }

  /* ---- index access ---- */
  var meta = null;
  function cps(s) { return Array.from(s); }
  function shardFile(prefix) {
    return 't-' + cps(prefix).map(function (ch) {
      return /^[a-z0-9]$/.test(ch) ? ch : '_' + ch.codePointAt(0).toString(16) + '_';
    }).join('');
  }
  /* The shard holding key: the longest listed prefix of it. */
  function shardFor(key) {
    var best = null;
    meta.shards.forEach(function (p) {
      if (key.slice(0, p.length) === p && (best === null || p.length > best.length)) best = p;
    });
    return best;
  }
  function shardOf(key) {
    var p = shardFor(key);
    return p === null ? Promise.resolve(null) : need(shardFile(p));
  }
  /* Shards that may hold keys starting with w. */
  function shardsWithPrefix(w) {
    var list = meta.shards.filter(function (p) { return p.length > w.length && p.slice(0, w.length) === w; });
    var own = shardFor(w);
    if (own !== null) list.unshift(own);
    return list.slice(0, MAX_PREFIX_SHARDS);
  }
  var DIGIT = new Int8Array(128).fill(-1);
  for (var iA = 0; iA < ALPHA.length; iA++) DIGIT[ALPHA.charCodeAt(iA)] = iA;
  function varints(s, from) {
    var out = [], v = 0, mul = 1;
    for (var i = from || 0; i < s.length; i++) {
      var d = DIGIT[s.charCodeAt(i) & 127];
      v += (d & 31) * mul;
      if (d & 32) { mul *= 32; } else { out.push(v); v = 0; mul = 1; }
    }
    return out;
  }
  /* Decode a word's postings: parts are the list's chunks, each
   * "DOCS.CODES.POSITIONS" (a facet's: doc deltas only), the first starting
   * with '!' for a stopword. Gives parallel arrays (docs ascending): docs,
   * code (tf << 2 | flags), at (its first position in its positions list),
   * pk (the key of that list in lists); pos(i) is doc i's positions, or null
   * for a stopword (positions are only read by phrases, so a list is
   * decoded then). A chunk of a long list (pfirst: its first positions
   * file) is "DOCS.CODES,K..." instead: its positions are files p-M, p-M+1,
   * ... numbered on from chunk to chunk, the next one starting at the
   * chunk's document K; loadPos(idx) loads those of the docs at indexes idx
   * before pos reads them. */
  function decode(parts, facet, pfirst) {
    var stop = parts[0].charAt(0) === '!', doc = -1, pnext = pfirst;
    var r = { docs: [], code: [], at: [], pk: [], lists: {}, pos: null };
    parts.forEach(function (str, n) {
      if (n === 0 && stop) str = str.slice(1);
      if (!str) return;
      if (facet) {
        varints(str).forEach(function (d) { doc += d + 1; r.docs.push(doc); });
        return;
      }
      var f = str.split('.'), apart = f.length === 2 && pfirst !== undefined;
      var cf = (f[1] || '').split(','), docs = varints(f[0]), codes = varints(cf[0]);
      var cuts = cf.slice(1).map(Number), ci = 0, at = 0;
      var key = apart ? 'p-' + pnext++ : 'i' + n;
      r.lists[key] = apart ? null : f[2] || '';
      for (var i = 0; i < docs.length; i++) {
        if (apart && ci < cuts.length && i === cuts[ci]) {
          key = 'p-' + pnext++; r.lists[key] = null; at = 0; ci++;
        }
        doc += docs[i] + 1;
        r.docs.push(doc); r.code.push(codes[i]); r.at.push(at); r.pk.push(key);
        at += codes[i] >> 2;
      }
    });
    if (!stop && !facet) {
      r.pos = function (i) {
        var k = r.pk[i], all = r.lists[k];
        if (all === null) return [];
        if (typeof all === 'string') all = r.lists[k] = varints(all);
        var list = [], at = r.at[i];
        for (var n = 0, p = 0, tf = r.code[i] >> 2; n < tf; n++) { p += all[at + n]; list.push(p); }
        return list;
      };
      r.loadPos = function (idx) {
        var want = {};
        idx.forEach(function (i) { if (r.lists[r.pk[i]] === null) want[r.pk[i]] = 1; });
        return Promise.all(Object.keys(want).map(function (k) {
          return need(k).then(function (x) { if (r.lists[k] === null) r.lists[k] = varints(x || ''); });
        }));
      };
    }
    return r;
  }
  /* Index of doc in a decoded list, or -1. */
  function find(post, doc) {
    var lo = 0, hi = post.docs.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, d = post.docs[mid];
      if (d === doc) return mid;
      if (d < doc) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }
  /* Entry of key as {key, post: Map, forms, ents} or null. */
  /* The raw shard entry of key, or null. */
  function head(key) {
    return shardOf(key).then(function (sh) {
      return sh && Object.prototype.hasOwnProperty.call(sh.s, key) ? sh.s[key] : null;
    });
  }
  /* Whether an entry has positions (not a stopword's, not a facet's). */
  function hasPos(key, e) {
    var p = e && e[0];
    if (!p || key.charAt(0) === '~') return false;
    return typeof p === 'string' ? p.charAt(0) !== '!' : p.length > 2;
  }
  /* Ask for the positions files of a chunked list ([first chunk, chunks,
   * first positions file, files]) now, with its chunks, not after them. */
  function prefetchPos(e) {
    var p = e && e[0];
    if (p && typeof p !== 'string' && p.length > 2) for (var k = 0; k < p[3]; k++) need('p-' + (p[2] + k));
  }
  var entries = {};
  function entry(key) {
    if (Object.prototype.hasOwnProperty.call(entries, key)) return Promise.resolve(entries[key]);
    return head(key).then(function (e) {
      if (!e) return null;
      var p = e[0];
      var str = typeof p === 'string' ? Promise.resolve([p]) : Promise.all(
        Array.from({ length: p[1] }, function (_, k) { return need('c-' + (p[0] + k)); }))
        .then(function (parts) { return parts.map(function (x) { return x || ''; }); });
      return str.then(function (s) {
        /* an entity [slug, name, type, url, count] with url "" is at entities/SLUG.html */
        var ents = (e[2] || []).map(function (en) {
          return en[3] ? en : [en[0], en[1], en[2], 'entities/' + en[0] + '.html', en[4]];
        });
        var r = { key: key, post: decode(s, key.charAt(0) === '~', typeof p === 'string' || p.length < 3 ? undefined : p[2]),
          forms: e[1] || [], ents: ents };
        entries[key] = r;
        return r;
      });
    });
  }
  /* Stems of one folded word as [{key, exact}]: its dictionary stem and/or
   * itself. With prefix and no such stem, the stems of the indexed words
   * starting with it (at most MAX_EXPAND). */
  function stemsOf(w, prefix) {
    var own = shardFor(w);
    /* w's own shard says whether the index knows w; only if not are the
     * shards of the words it may start loaded (a known word is not completed) */
    return (own === null ? Promise.resolve(null) : need(shardFile(own))).then(function (sh) {
      var known = sh && (Object.prototype.hasOwnProperty.call(sh.f, w) || Object.prototype.hasOwnProperty.call(sh.s, w));
      if (!prefix || known || cps(w).length < 2) return stemsFrom(w, prefix, [sh]);
      var rest = shardsWithPrefix(w).filter(function (p) { return p !== null && p !== own; });
      return Promise.all(rest.map(function (p) { return need(shardFile(p)); })).then(function (list) {
        return stemsFrom(w, true, [sh].concat(list));
      });
    });
  }
  function stemsFrom(w, prefix, list) {
    {
      var exact = {}, more = {};
      list.forEach(function (sh) {
        if (!sh) return;
        if (Object.prototype.hasOwnProperty.call(sh.f, w)) exact[sh.f[w]] = 1;
        if (Object.prototype.hasOwnProperty.call(sh.s, w)) exact[w] = 1;
        if (!prefix) return;
        Object.keys(sh.s).forEach(function (k) { if (k.charAt(0) !== '~' && k.slice(0, w.length) === w) more[k] = 1; });
        Object.keys(sh.f).forEach(function (k) { if (k.slice(0, w.length) === w) more[sh.f[k]] = 1; });
      });
      var ex = Object.keys(exact).sort();
      /* a word the index knows is taken as typed; only an unknown one
       * (still being typed) is completed */
      var mo = ex.length ? [] : Object.keys(more).sort().slice(0, MAX_EXPAND);
      return ex.concat(mo).map(function (k, i) { return { key: k, exact: i < ex.length }; });
    }
  }

  /* ---- queries ---- */
  var FILTERS = { pub: 'pub', publication: 'pub', tag: 'tag', entity: 'entity', from: 'from', to: 'to' };
  /* {groups: [{words: [w], phrase}], filters: {pub: [], tag: [], entity: [], from, to}} */
  function parse(q) {
    var out = { groups: [], filters: { pub: [], tag: [], entity: [], from: null, to: null } };
    var re = /(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g, m;
    var trailing = !/[\s"]$/.test(q);
    while ((m = re.exec(q)) !== null) {
      var key = m[1] && FILTERS[m[1].toLowerCase()];
      var val = m[2] !== undefined ? m[2] : m[3] || '';
      if (key) {
        if (key === 'from' || key === 'to') out.filters[key] = val.trim();
        else if (val.trim()) out.filters[key].push(val.trim());
        continue;
      }
      if (m[1]) val = m[1] + ':' + val;
      var ws = words(val).map(function (x) { return { f: fold(x.w), pos: x.pos }; })
        .filter(function (x) { return x.f.length > 0; });
      if (!ws.length) continue;
      if (m[2] !== undefined && ws.length > 1) out.groups.push({ words: ws, phrase: true });
      else ws.forEach(function (x) { out.groups.push({ words: [x], phrase: m[2] !== undefined }); });
    }
    var last = out.groups[out.groups.length - 1];
    if (last && !last.phrase && trailing) last.prefix = true;
    return out;
  }

  function dayNumber(s, end) {
    var m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$/.exec(s || '');
    if (!m) return null;
    var y = +m[1], mo = m[2] ? +m[2] - 1 : (end ? 11 : 0);
    var d = m[3] ? +m[3] : (end ? new Date(Date.UTC(y, mo + 1, 0)).getUTCDate() : 1);
    return Math.floor(Date.UTC(y, mo, d) / 86400000);
  }
  /* Doc-id range [lo, hi) for a date range (docs are numbered by date). */
  function dateRange(from, to) {
    var v = varints(meta.dates), day = dayNumber(meta.d0) || 0, id = 0, lo = null, hi = 0;
    var f = dayNumber(from, false), t = dayNumber(to, true);
    for (var i = 0; i < v.length; i += 2) {
      day += v[i];
      var n = v[i + 1];
      if ((f === null || day >= f) && (t === null || day <= t)) {
        if (lo === null) lo = id;
        hi = id + n;
      }
      id += n;
    }
    return lo === null ? [0, 0] : [lo, hi];
  }
  var dlCache = null;
  function docLen(id) {
    if (!dlCache) dlCache = Array.from(meta.dl, function (c) { return Math.pow(1.17, ALPHA.indexOf(c)) - 1; });
    return dlCache[id] || meta.avgdl || 1;
  }
  function idf(df) { return Math.log(1 + (meta.n - df + 0.5) / (df + 0.5)); }

  /* A query's scores are a Float64Array over the documents, -1 where a
   * document does not match (a score is never negative). */
  function noScores() {
    var s = new Float64Array(meta.n);
    s.fill(-1);
    return s;
  }
  /* a and b combined (a is reused): matches of both, scores added. */
  function both(a, b) {
    for (var d = 0; d < a.length; d++) a[d] = a[d] < 0 || b[d] < 0 ? -1 : a[d] + b[d];
    return a;
  }
  function phraseHit(doc, posLists) {
    var first = posLists[0];
    if (!first) return true;
    /* long lists (a common word) are looked up in a set, not scanned */
    var sets = posLists.map(function (l) { return l.pos.length > 8 ? new Set(l.pos) : null; });
    return first.pos.some(function (p) {
      return posLists.every(function (l, k) {
        var at = p - first.off + l.off;
        return sets[k] ? sets[k].has(at) : l.pos.indexOf(at) >= 0;
      });
    });
  }
  /* Docs of one group: Map doc -> score, and the forms to highlight. */
  function runGroup(g) {
    return Promise.all(g.words.map(function (w) { return stemsOf(w.f, !!g.prefix); })).then(function (kl) {
      if (!g.phrase || g.words.length < 2) return kl;
      /* a phrase of two or more words with positions reads positions:
       * their files are asked for with the chunks */
      return Promise.all(kl.map(function (ks) { return Promise.all(ks.map(function (k) { return head(k.key); })); }))
        .then(function (hs) {
          var n = hs.filter(function (h, i) { return h.some(function (e, j) { return hasPos(kl[i][j].key, e); }); }).length;
          if (n >= 2) hs.forEach(function (h) { h.forEach(prefetchPos); });
          return kl;
        });
    }).then(function (kl) {
      return Promise.all(kl.map(function (ks) {
        return Promise.all(ks.map(function (k) { return entry(k.key); })).then(function (es) {
          return es.map(function (e, i) { return e && { e: e, exact: ks[i].exact }; }).filter(Boolean);
        });
      }));
    }).then(function (per) {
      var hl = [], ents = null;
      per.forEach(function (list, k) {
        hl.push(g.words[k].f);
        var es = {};
        list.forEach(function (x) {
          hl.push(x.e.key);
          x.e.forms.forEach(function (f) { hl.push(f); });
          x.e.ents.forEach(function (en) { es[en[0]] = en; });
        });
        if (ents === null) ents = es;
        else Object.keys(ents).forEach(function (s) { if (!es[s]) delete ents[s]; });
      });
      var scores = null;
      per.forEach(function (list) {
        var m = noScores();
        list.forEach(function (x) {
          var P = x.e.post, w = idf(P.docs.length) * (x.exact ? 1 : 0.4);
          for (var i = 0; i < P.docs.length; i++) {
            var doc = P.docs[i], code = P.code[i];
            var tf = (code >> 2) + (code & 1 ? 4 : 0) + (code & 2 ? 2 : 0);
            var s = w * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * docLen(doc) / meta.avgdl));
            if (s > m[doc]) m[doc] = s;
          }
        });
        scores = scores === null ? m : both(scores, m);
      });
      var done = function () { return { scores: scores || noScores(), hl: hl, ents: ents || {} }; };
      if (!g.phrase || !scores) return done();
      /* with fewer than two words that have positions (the others are
       * stopwords) a phrase only needs each word present: no positions
       * are loaded, a word's count of them stands for them */
      var positional = per.filter(function (list) {
        return list.some(function (x) { return x.e.post.pos !== null; });
      }).length;
      var posOf = positional < 2
        ? function (P, i) { return (P.code[i] >> 2) > 0 ? [0] : []; }
        : function (P, i) { return P.pos(i); };
      var loads = positional < 2 ? [] : [].concat.apply([], per.map(function (list) {
        return list.filter(function (x) { return x.e.post.loadPos; }).map(function (x) {
          var idx = [];
          for (var doc = 0; doc < meta.n; doc++) {
            var i = scores[doc] < 0 ? -1 : find(x.e.post, doc);
            if (i >= 0) idx.push(i);
          }
          return x.e.post.loadPos(idx);
        });
      }));
      return Promise.all(loads).then(function () {
        for (var doc = 0; doc < meta.n; doc++) {
          if (scores[doc] < 0) continue;
          var lists = [];
          var ok = per.every(function (list, k) {
            var pos = [], stop = false;
            list.forEach(function (x) {
              var i = find(x.e.post, doc);
              if (i < 0) return;
              if (x.e.post.pos === null) stop = true; else pos = pos.concat(posOf(x.e.post, i));
            });
            if (stop && !pos.length) return true; /* stopwords are not checked */
            lists.push({ pos: pos, off: g.words[k].pos });
            return pos.length > 0;
          });
          scores[doc] = ok && phraseHit(doc, lists) ? scores[doc] * 1.5 : -1;
        }
        return done();
      });
    });
  }
  function facetDocs(kind, values) {
    if (!values.length) return Promise.resolve(null);
    return Promise.all(values.map(function (v) { return entry(kind + fold(v)); })).then(function (es) {
      var set = null;
      es.forEach(function (e) {
        var s = new Set(e ? e.post.docs : []);
        set = set === null ? s : new Set(Array.from(set).filter(function (d) { return s.has(d); }));
      });
      return set;
    });
  }

  /* Run a parsed query: {docs: [id] ranked, hl: [forms], ents: [entity]} */
  function run(pq) {
    var f = pq.filters;
    return Promise.all([
      Promise.all(pq.groups.map(runGroup)),
      facetDocs('~p', f.pub), facetDocs('~t', f.tag), facetDocs('~e', f.entity)
    ]).then(function (r) {
      var groups = r[0], range = (f.from || f.to) ? dateRange(f.from, f.to) : null;
      var scores = null, hl = [], ents = null;
      groups.forEach(function (g) {
        hl = hl.concat(g.hl);
        if (ents === null) ents = g.ents;
        else Object.keys(ents).forEach(function (s) { if (!g.ents[s]) delete ents[s]; });
        scores = scores === null ? g.scores : both(scores, g.scores);
      });
      if (scores === null) scores = new Float64Array(meta.n); /* filters only: all match */
      var ids = [];
      for (var d = 0; d < meta.n; d++) {
        if (scores[d] < 0 || (range && (d < range[0] || d >= range[1]))) continue;
        var k = 1;
        while (k <= 3 && !(r[k] && !r[k].has(d))) k++;
        if (k > 3) ids.push(d);
      }
      var sc = scores;
      ids.sort(function (a, b) { return (sc[b] - sc[a]) || (b - a); });
      var el = Object.keys(ents || {}).map(function (s) { return ents[s]; });
      el.sort(function (a, b) { return (b[4] - a[4]) || (a[1] < b[1] ? -1 : 1); });
      return { docs: ids, hl: hl, ents: pq.groups.length ? el.slice(0, 5) : [] };
    });
  }
  function docData(id) {
    var dps = meta.dps || 1, g = Math.floor(id / dps);
    return need('d-' + g).then(function (arr) { return arr ? arr[id - g * dps] : null; });
  }

  /* ---- page ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  /* Append text to parent with the words whose fold is in hl marked. */
  function marked(parent, text, hl) {
    var at = 0;
    words(text).forEach(function (w) {
      if (!hl.has(fold(w.w))) return;
      if (w.start > at) parent.appendChild(document.createTextNode(text.slice(at, w.start)));
      parent.appendChild(el('mark', null, text.slice(w.start, w.end)));
      at = w.end;
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }
  /* About 40 words around the densest cluster of matches. */
  function excerpt(text, hl) {
    var ws = words(text), best = 0, bestAt = 0, W = 40;
    var hits = ws.map(function (w) { return hl.has(fold(w.w)) ? 1 : 0; });
    for (var i = 0, sum = 0; i < ws.length; i++) {
      sum += hits[i];
      if (i >= W) sum -= hits[i - W];
      if (sum > best) { best = sum; bestAt = Math.max(0, i - W + 1); }
    }
    if (!ws.length) return '';
    var firstHit = hits.indexOf(1);
    if (best && firstHit >= bestAt) bestAt = Math.max(0, firstHit - 8);
    var from = ws[Math.min(bestAt, ws.length - 1)].start, last = ws[Math.min(bestAt + W, ws.length) - 1];
    return (from > 0 ? '… ' : '') + text.slice(from, last.end) + (last.end < text.length ? ' …' : '');
  }

  var ui = {};
  function currentQuery() {
    var q = ui.q.value, extra = [];
    if (ui.pub && ui.pub.value) extra.push('pub:"' + ui.pub.value + '"');
    if (ui.tag && ui.tag.value.trim()) extra.push('tag:"' + ui.tag.value.trim() + '"');
    if (ui.from && ui.from.value) extra.push('from:' + ui.from.value);
    if (ui.to && ui.to.value) extra.push('to:' + ui.to.value);
    return extra.length ? q.replace(/\s*$/, ' ') + extra.join(' ') : q;
  }
  function syncUrl(page) {
    var p = new URLSearchParams();
    if (ui.q.value) p.set('q', ui.q.value);
    ['pub', 'tag', 'from', 'to'].forEach(function (k) { if (ui[k] && ui[k].value) p.set(k, ui[k].value); });
    if (page > 1) p.set('page', String(page));
    try { history.replaceState(null, '', '?' + p.toString()); } catch (e) { /* file:// may refuse */ }
  }

  var seq = 0;
  function search(page) {
    var my = ++seq, q = currentQuery();
    var pq = parse(q);
    var f = pq.filters;
    if (!pq.groups.length && !f.pub.length && !f.tag.length && !f.entity.length && !f.from && !f.to) {
      syncUrl(page);
      clear();
      ui.status.textContent = '';
      return Promise.resolve();
    }
    ui.status.textContent = 'Searching…';
    if (pq.groups.length) need('z'); /* the doc shards' dictionary: loads while the query runs */
    var running = run(pq);
    syncUrl(page); /* slow from file:// (~20 ms): after the index loads have started */
    return running.then(function (res) {
      if (my !== seq) return null;
      var pages = Math.max(1, Math.ceil(res.docs.length / PER_PAGE));
      page = Math.min(Math.max(1, page || 1), pages);
      var ids = res.docs.slice((page - 1) * PER_PAGE, page * PER_PAGE);
      if (ids.length) need('z'); /* (a filter-only query has not asked for it yet) */
      return Promise.all(ids.map(docData)).then(function (docs) {
        if (my !== seq) return;
        render(res, ids, docs, page, pages);
      });
    });
  }
  function clear() {
    ui.results.textContent = '';
    ui.entities.hidden = true;
    ui.entList.textContent = '';
    ui.pages.textContent = '';
  }
  function render(res, ids, docs, page, pages) {
    clear();
    var hl = new Set(res.hl);
    var n = res.docs.length;
    ui.status.textContent = n === 0 && !res.ents.length
      ? 'No results for ' + '\u201c' + ui.q.value + '\u201d' + '. Try fewer words, another form, or no filters.'
      : n + (n === 1 ? ' article' : ' articles') + (res.ents.length ? ' and ' + res.ents.length + (res.ents.length === 1 ? ' entity' : ' entities') : '') +
        ' found' + (pages > 1 ? ', page ' + page + ' of ' + pages : '') + '.';
    if (page === 1 && res.ents.length) {
      ui.entities.hidden = false;
      res.ents.forEach(function (en) {
        var li = el('li', 'search-entity');
        var a = el('a', null, en[1]);
        a.href = root + en[3];
        li.appendChild(a);
        li.appendChild(document.createTextNode(' '));
        li.appendChild(el('span', 'search-meta', (en[2] ? en[2] + ' · ' : '') + en[4] + (en[4] === 1 ? ' article' : ' articles')));
        li.appendChild(document.createTextNode(' '));
        var b = el('button', 'search-filter-entity', 'Only articles mentioning ' + en[1]);
        b.type = 'button';
        b.addEventListener('click', function () {
          ui.q.value = ui.q.value.replace(/\s*$/, ' ') + 'entity:' + en[0];
          search(1);
        });
        li.appendChild(b);
        ui.entList.appendChild(li);
      });
    }
    ui.results.start = (page - 1) * PER_PAGE + 1;
    docs.forEach(function (d) {
      if (!d) return;
      var li = el('li', 'search-result');
      var h = el('h3');
      var a = el('a');
      a.href = root + d[0];
      marked(a, d[1], hl);
      h.appendChild(a);
      li.appendChild(h);
      var meta1 = [d[2]];
      if (d[3]) meta1.push(d[3]);
      if (d[4].length) meta1.push(d[4].join(', '));
      li.appendChild(el('p', 'search-meta', meta1.join(' · ')));
      var p = el('p', 'search-excerpt');
      marked(p, excerpt(d[5], hl), hl);
      li.appendChild(p);
      ui.results.appendChild(li);
    });
    if (pages > 1) {
      var prev = el('button', 'search-prev', 'Previous page');
      prev.type = 'button';
      prev.disabled = page <= 1;
      prev.addEventListener('click', function () { go(page - 1); });
      var next = el('button', 'search-next', 'Next page');
      next.type = 'button';
      next.disabled = page >= pages;
      next.addEventListener('click', function () { go(page + 1); });
      ui.pages.appendChild(prev);
      ui.pages.appendChild(el('span', 'search-page', 'Page ' + page + ' of ' + pages));
      ui.pages.appendChild(next);
    }
  }
  function go(page) {
    search(page).then(function () {
      var first = ui.results.querySelector('a');
      if (first) first.focus();
    });
  }

  function start() {
    ui.form = document.getElementById('search-form');
    ui.q = document.getElementById('search-q');
    if (!ui.form || !ui.q) return;
    ui.pub = document.getElementById('search-pub');
    ui.tag = document.getElementById('search-tag');
    ui.from = document.getElementById('search-from');
    ui.to = document.getElementById('search-to');
    ui.status = document.getElementById('search-status');
    ui.results = document.getElementById('search-results');
    ui.entities = document.getElementById('search-entities');
    ui.entList = ui.entities.querySelector('ul');
    ui.pages = document.getElementById('search-pages');
    document.documentElement.classList.add('search-js');
    var params = new URLSearchParams(location.search);
    ui.q.value = params.get('q') || '';
    ['tag', 'from', 'to'].forEach(function (k) { if (ui[k]) ui[k].value = params.get(k) || ''; });
    if (typeof DecompressionStream === 'undefined') {
      ui.status.textContent = 'Search needs a newer browser (one with DecompressionStream).';
      return;
    }
    ui.status.textContent = 'Loading the index…';
    need('meta').then(function (m) {
      if (!m) { ui.status.textContent = 'The search index could not be loaded.'; return; }
      meta = m;
      if (ui.pub) {
        meta.pubs.forEach(function (p) {
          var o = el('option', null, p[1] + ' (' + p[2] + ')');
          o.value = p[0];
          ui.pub.appendChild(o);
        });
        ui.pub.value = params.get('pub') || '';
      }
      var dl = document.getElementById('search-tags');
      if (dl) meta.tags.forEach(function (t) { var o = el('option'); o.value = t[0]; dl.appendChild(o); });
      ui.form.addEventListener('submit', function (e) { e.preventDefault(); go(1); });
      var timer = null;
      ui.q.addEventListener('input', function () {
        clearTimeout(timer);
        seq++; /* a search still running is for text no longer in the box: not shown */
        timer = setTimeout(function () { search(1); }, TYPING_MS);
      });
      [ui.pub, ui.tag, ui.from, ui.to].forEach(function (x) {
        if (x) x.addEventListener('change', function () { search(1); });
      });
      ui.status.textContent = '';
      return search(parseInt(params.get('page'), 10) || 1);
    });
    document.addEventListener('keydown', function (e) {
      var t = e.target && e.target.tagName;
      if (e.key === '/' && t !== 'INPUT' && t !== 'TEXTAREA' && t !== 'SELECT') {
        e.preventDefault();
        ui.q.focus();
      }
    });
  }
  window.morgueSearch.parse = parse;
  window.morgueSearch.words = words;
  window.morgueSearch.fold = fold;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
