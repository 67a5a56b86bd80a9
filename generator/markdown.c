#include "markdown.h"

#include <cmark.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/escape.h"

/* A piece of the plain text that came from one inline node. */
typedef struct seg {
	cmark_node *node; /* TEXT (may be split later) or another inline */
	size_t start;
	int text; /* a TEXT node in a matchable run */
} seg;

/* A matchable run of text [start, end), or an inline mention. */
typedef struct item {
	size_t start, end;
	cmark_node *link; /* inline mention link, or NULL for a run */
	char *slug;
} item;

typedef struct ctx {
	const morgue_markdown_opts *o;
	morgue_buf text;
	seg *segs;
	size_t nsegs, capsegs;
	item *items;
	size_t nitems, capitems;
	size_t runstart; /* start of the open run or SIZE_MAX */
	morgue_mention *m;
	size_t nm, capm;
} ctx;

#define NORUN ((size_t)-1)

const char *morgue_mention_source_name(morgue_mention_source s)
{
	switch (s) {
	case MORGUE_MENTION_INLINE: return "inline";
	case MORGUE_MENTION_STANDOFF: return "standoff";
	default: return "auto";
	}
}

static void run_close(ctx *c)
{
	if (c->runstart != NORUN && c->text.size > c->runstart) {
		MORGUE_ARRAY_RESERVE(c->items, c->capitems, c->nitems + 1);
		c->items[c->nitems++] = (item){ c->runstart, c->text.size, NULL, NULL };
	}
	c->runstart = NORUN;
}

static void add_seg(ctx *c, cmark_node *n, int text)
{
	MORGUE_ARRAY_RESERVE(c->segs, c->capsegs, c->nsegs + 1);
	c->segs[c->nsegs++] = (seg){ n, c->text.size, text };
}

static int node_line(cmark_node *n)
{
	for (; n; n = cmark_node_parent(n))
		if (cmark_node_get_start_line(n) > 0)
			return cmark_node_get_start_line(n);
	return 1;
}

static int msg_line(const ctx *c, cmark_node *n)
{
	return (c->o->first_line > 0 ? c->o->first_line : 1) + node_line(n) - 1;
}

/* Replace raw HTML by text (safe mode) and empty unsafe URLs. */
static void sanitize(cmark_node *root, int unsafe_html)
{
	cmark_node **todo = NULL;
	size_t n = 0, cap = 0;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *nd = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node_type t = cmark_node_get_type(nd);
		if ((t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_HTML_BLOCK) && !unsafe_html) {
			MORGUE_ARRAY_RESERVE(todo, cap, n + 1);
			todo[n++] = nd;
		} else if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			const char *u = cmark_node_get_url(nd);
			if (u && u[0] != '@' && !morgue_url_is_safe(u, strlen(u)))
				cmark_node_set_url(nd, "");
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++) {
		cmark_node *nd = todo[i];
		const char *lit = cmark_node_get_literal(nd);
		size_t l = lit ? strlen(lit) : 0;
		while (l && (lit[l - 1] == '\n' || lit[l - 1] == '\r'))
			l--;
		char *copy = morgue_strndup(lit ? lit : "", l);
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, copy);
		free(copy);
		if (cmark_node_get_type(nd) == CMARK_NODE_HTML_BLOCK) {
			cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
			cmark_node_append_child(p, t);
			t = p;
		}
		cmark_node_insert_before(nd, t);
		cmark_node_free(nd);
	}
	free(todo);
}

static int is_leaf_block(cmark_node_type t)
{
	return t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
	       t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK ||
	       t == CMARK_NODE_THEMATIC_BREAK;
}

/* The entity_exists of the options, else the gazetteer, else yes. */
static int slug_exists(const char *slug, void *payload)
{
	const morgue_markdown_opts *o = payload;
	if (o->entity_exists)
		return o->entity_exists(slug, o->payload);
	if (o->gazetteer)
		return morgue_gazetteer_find(o->gazetteer, slug) >= 0;
	return 1;
}

/* Walk the tree: plain text, segments, runs and inline mentions. */
static int walk(ctx *c, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	int inlink = 0, rc = 0;
	size_t linkstart = 0;
	cmark_node *mlink = NULL;

	c->runstart = NORUN;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		int enter = ev == CMARK_EVENT_ENTER;
		if (is_leaf_block(t)) {
			if (!enter) {
				run_close(c);
				continue;
			}
			if (c->text.size)
				morgue_buf_puts(&c->text, "\n\n");
			if (t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK) {
				const char *lit = cmark_node_get_literal(n);
				size_t l = lit ? strlen(lit) : 0;
				while (l && lit[l - 1] == '\n')
					l--;
				add_seg(c, n, 0);
				morgue_buf_put(&c->text, lit ? lit : "", l);
			} else if (t != CMARK_NODE_THEMATIC_BREAK) {
				c->runstart = c->text.size;
			}
			continue;
		}
		switch (t) {
		case CMARK_NODE_TEXT:
			add_seg(c, n, !inlink && c->runstart != NORUN);
			morgue_buf_puts(&c->text, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			add_seg(c, n, 0);
			morgue_buf_putc(&c->text, '\n');
			break;
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			if (!inlink)
				run_close(c);
			add_seg(c, n, 0);
			if (t == CMARK_NODE_CODE)
				morgue_buf_puts(&c->text, cmark_node_get_literal(n));
			if (!inlink)
				c->runstart = c->text.size;
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if (enter) {
				int leaf_open = c->runstart != NORUN;
				run_close(c);
				c->runstart = leaf_open ? NORUN - 1 : NORUN; /* reopen after */
				if (inlink++ == 0) {
					linkstart = c->text.size;
					const char *u = cmark_node_get_url(n);
					mlink = (t == CMARK_NODE_LINK && u && u[0] == '@') ? n : NULL;
				}
			} else if (--inlink == 0) {
				if (mlink) {
					const char *slug = cmark_node_get_url(mlink) + 1;
					const morgue_markdown_opts *o = c->o;
					if (!*slug || !slug_exists(slug, (void *)o)) {
						rc = morgue_error_set(MORGUE_EINPUT, o->file, msg_line(c, mlink),
								      "unknown entity '%s' in a mention",
								      slug);
						goto done;
					}
					MORGUE_ARRAY_RESERVE(c->items, c->capitems, c->nitems + 1);
					c->items[c->nitems++] = (item){ linkstart, c->text.size, mlink,
									morgue_strdup(slug) };
					mlink = NULL;
				}
				if (c->runstart == NORUN - 1)
					c->runstart = c->text.size;
			}
			break;
		default:
			break;
		}
	}
done:
	cmark_iter_free(it);
	return rc;
}

/* Index of the segment holding text position pos (start <= pos). */
static size_t seg_at(const ctx *c, size_t pos)
{
	size_t lo = 0, hi = c->nsegs;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (c->segs[mid].start <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Split TEXT node n at byte k (0 < k < length); returns the new second
 * half, inserted after n. */
static cmark_node *split_text(cmark_node *n, size_t k)
{
	const char *lit = cmark_node_get_literal(n);
	char *a = morgue_strndup(lit, k), *b = morgue_strdup(lit + k);
	cmark_node *nn = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(nn, b);
	cmark_node_set_literal(n, a);
	cmark_node_insert_after(n, nn);
	free(a);
	free(b);
	return nn;
}

/* Move `from` and its following siblings into a new node of p's type
 * inserted after p; returns the new node. */
static cmark_node *split_container(cmark_node *p, cmark_node *from)
{
	cmark_node *np = cmark_node_new(cmark_node_get_type(p));
	cmark_node_insert_after(p, np);
	while (from) {
		cmark_node *next = cmark_node_next(from);
		cmark_node_append_child(np, from);
		from = next;
	}
	return np;
}

static int is_depth_ok(cmark_node *n, cmark_node *anc)
{
	for (; n; n = cmark_node_parent(n))
		if (n == anc)
			return 1;
	return 0;
}

static char *mention_open(const ctx *c, const char *slug)
{
	morgue_buf b = MORGUE_BUF_INIT, href = MORGUE_BUF_INIT;
	morgue_buf_puts(&b, "<a class=\"mention\" data-entity=\"");
	morgue_escape_html(&b, slug, strlen(slug));
	morgue_buf_puts(&b, "\" href=\"");
	morgue_buf_puts(&href, c->o->root ? c->o->root : "");
	morgue_buf_puts(&href, "entities/");
	morgue_escape_path_segment(&href, slug, strlen(slug));
	morgue_buf_puts(&href, ".html");
	morgue_escape_html(&b, href.ptr, href.size);
	morgue_buf_puts(&b, "\">");
	morgue_buf_free(&href);
	return morgue_buf_detach(&b);
}

static cmark_node *mention_node(const ctx *c, const char *slug)
{
	cmark_node *w = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	char *open = mention_open(c, slug);
	cmark_node_set_on_enter(w, open);
	cmark_node_set_on_exit(w, "</a>");
	free(open);
	return w;
}

/* Wrap text [s, e) in a mention. 0, or -1 when the span cannot be wrapped
 * (not inside TEXT nodes of one run). */
static int wrap(ctx *c, size_t s, size_t e, const char *slug)
{
	size_t a = seg_at(c, s), b = seg_at(c, e - 1);
	if (!c->segs[a].text || !c->segs[b].text)
		return -1;
	for (size_t i = a; i <= b; i++)
		if (!c->segs[i].text &&
		    cmark_node_get_type(c->segs[i].node) != CMARK_NODE_SOFTBREAK &&
		    cmark_node_get_type(c->segs[i].node) != CMARK_NODE_LINEBREAK)
			return -1;
	cmark_node *sn = c->segs[a].node, *en;
	size_t ks = s - c->segs[a].start;
	size_t base = c->segs[b].start;
	if (ks > 0)
		sn = split_text(sn, ks);
	en = a == b ? sn : c->segs[b].node;
	if (a == b)
		base = s;
	size_t ke = e - base, cur = strlen(cmark_node_get_literal(en));
	if (ke < cur)
		split_text(en, ke);
	/* lowest common ancestor */
	cmark_node *l = cmark_node_parent(sn);
	while (l && !is_depth_ok(en, l))
		l = cmark_node_parent(l);
	if (!l)
		return -1;
	while (cmark_node_parent(sn) != l) {
		cmark_node *p = cmark_node_parent(sn);
		cmark_node_type t = cmark_node_get_type(p);
		if (t != CMARK_NODE_EMPH && t != CMARK_NODE_STRONG)
			return -1;
		sn = cmark_node_previous(sn) ? split_container(p, sn) : p;
	}
	while (cmark_node_parent(en) != l) {
		cmark_node *p = cmark_node_parent(en);
		cmark_node_type t = cmark_node_get_type(p);
		if (t != CMARK_NODE_EMPH && t != CMARK_NODE_STRONG)
			return -1;
		if (cmark_node_next(en))
			split_container(p, cmark_node_next(en));
		en = p;
	}
	cmark_node *w = mention_node(c, slug);
	cmark_node_insert_before(sn, w);
	for (cmark_node *x = sn; x;) {
		cmark_node *next = cmark_node_next(x);
		cmark_node_append_child(w, x);
		if (x == en)
			break;
		x = next;
	}
	return 0;
}

/* An inline mention link becomes a mention (keep) or plain text. */
static void convert_link(ctx *c, cmark_node *link, const char *slug, int keep)
{
	cmark_node *w = keep ? mention_node(c, slug) : NULL;
	cmark_node *x = cmark_node_first_child(link);
	while (x) {
		cmark_node *next = cmark_node_next(x);
		if (w)
			cmark_node_append_child(w, x);
		else
			cmark_node_insert_before(link, x);
		x = next;
	}
	if (w)
		cmark_node_insert_before(link, w);
	cmark_node_free(link);
}

static int in_run(const ctx *c, size_t s, size_t e)
{
	for (size_t i = 0; i < c->nitems; i++)
		if (!c->items[i].link && c->items[i].start <= s && e <= c->items[i].end)
			return 1;
	return 0;
}

/* ---- attributions ---- */

/* The text range of a node of the tree, as walk() lays the text out. */
typedef struct nrange {
	cmark_node *node;
	size_t start, end;
} nrange;

typedef struct ranges {
	nrange *r;
	size_t n, cap;
} ranges;

static int is_block(cmark_node_type t)
{
	return t >= CMARK_NODE_FIRST_BLOCK && t <= CMARK_NODE_LAST_BLOCK;
}

/* Append the ranges of the subtree at root, whose text starts at pos (as
 * the walk of the whole tree reaches it), to rg; returns the position
 * after it. */
static size_t subtree_ranges(ranges *rg, cmark_node *root, size_t pos)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_EXIT) {
			uintptr_t k = (uintptr_t)cmark_node_get_user_data(n);
			if (k && k <= rg->n && rg->r[k - 1].node == n)
				rg->r[k - 1].end = pos;
			continue;
		}
		if (is_leaf_block(t) && pos)
			pos += 2;
		size_t start = pos;
		const char *lit;
		switch (t) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(n);
			pos += lit ? strlen(lit) : 0;
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			pos++;
			break;
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_BLOCK: {
			lit = cmark_node_get_literal(n);
			size_t l = lit ? strlen(lit) : 0;
			while (l && lit[l - 1] == '\n')
				l--;
			pos += l;
			break;
		}
		default:
			break;
		}
		MORGUE_ARRAY_RESERVE(rg->r, rg->cap, rg->n + 1);
		rg->r[rg->n++] = (nrange){ n, start, pos };
		cmark_node_set_user_data(n, (void *)(uintptr_t)rg->n);
	}
	cmark_iter_free(it);
	return pos;
}

/* Recompute the range of every node (pre-order in rg->r; each node's
 * user_data is its index + 1). Returns the length of the text. */
static size_t node_ranges(ranges *rg, cmark_node *root)
{
	rg->n = 0;
	return subtree_ranges(rg, root, 0);
}

/* The top-level blocks of the document with their text ranges: splitting
 * and wrapping inlines moves no text, so these stay valid while spans are
 * marked, and a span needs the ranges of the blocks it meets only (not a
 * walk of the whole document per attribution). pre is the position before
 * the block (the end of the one before it). */
typedef struct tblocks {
	cmark_node **node;
	size_t *pre, *start, *end;
	size_t n;
} tblocks;

static void top_blocks(tblocks *tb, const ranges *rg, cmark_node *root);

/* rg := the ranges of the top-level blocks meeting [s, e], in document
 * order: the stretch of the whole tree's ranges that can hold or contain
 * [s, e) (user_data as node_ranges sets it). */
static void span_ranges(ranges *rg, const tblocks *tb, size_t s, size_t e)
{
	size_t i = 0;
	rg->n = 0;
	while (i < tb->n && tb->end[i] < s)
		i++;
	if (i >= tb->n || tb->start[i] > e)
		return;
	size_t pos = tb->pre[i];
	for (; i < tb->n && tb->start[i] <= e; i++)
		pos = subtree_ranges(rg, tb->node[i], pos);
}

static const nrange *range_of(const ranges *rg, cmark_node *n)
{
	uintptr_t k = (uintptr_t)cmark_node_get_user_data(n);
	return k && k <= rg->n && rg->r[k - 1].node == n ? &rg->r[k - 1] : NULL;
}

static void top_blocks(tblocks *tb, const ranges *rg, cmark_node *root)
{
	size_t cap = 0, pre = 0;
	for (cmark_node *b = cmark_node_first_child(root); b; b = cmark_node_next(b)) {
		const nrange *r = range_of(rg, b);
		if (!r)
			continue;
		if (tb->n == cap) {
			cap = cap ? cap * 2 : 16;
			tb->node = morgue_realloc(tb->node, cap * sizeof(*tb->node));
			tb->pre = morgue_realloc(tb->pre, cap * sizeof(*tb->pre));
			tb->start = morgue_realloc(tb->start, cap * sizeof(*tb->start));
			tb->end = morgue_realloc(tb->end, cap * sizeof(*tb->end));
		}
		tb->node[tb->n] = b;
		tb->pre[tb->n] = pre;
		tb->start[tb->n] = r->start;
		tb->end[tb->n] = r->end;
		pre = r->end;
		tb->n++;
	}
}

static int range_inside(const nrange *r, size_t s, size_t e)
{
	return r && r->start >= s && r->end <= e &&
	       (r->end > r->start || (r->start > s && r->end < e));
}

/* The range of the TEXT node that strictly contains position pos, or
 * NULL. */
static const nrange *text_at(const ranges *rg, size_t pos)
{
	for (size_t i = 0; i < rg->n; i++) {
		const nrange *r = &rg->r[i];
		if (r->start < pos && pos < r->end &&
		    cmark_node_get_type(r->node) == CMARK_NODE_TEXT)
			return r;
	}
	return NULL;
}

/* Split the TEXT nodes strictly containing s and e (s <= e) there, from
 * one set of ranges: e first, which leaves the part before it where it
 * was, so that s is still inside the node found for it. 1 when a node
 * was split (the ranges are stale). */
static int split_ends(ranges *rg, size_t s, size_t e)
{
	const nrange *rs = text_at(rg, s), *re = s < e ? text_at(rg, e) : NULL;
	cmark_node *ns = rs ? rs->node : NULL;
	size_t ss = rs ? rs->start : 0;
	if (re)
		split_text(re->node, e - re->start);
	if (ns)
		split_text(ns, s - ss);
	return ns || re;
}

static int has_image_ancestor(cmark_node *n)
{
	for (n = cmark_node_parent(n); n && !is_block(cmark_node_get_type(n));
	     n = cmark_node_parent(n))
		if (cmark_node_get_type(n) == CMARK_NODE_IMAGE)
			return 1;
	return 0;
}

/* Nothing but white space and line breaks. */
static int blank_node(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
		return 1;
	if (t != CMARK_NODE_TEXT)
		return 0;
	for (const char *p = cmark_node_get_literal(n); p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n')
			return 0;
	return 1;
}

static char *attr_open(const morgue_attribution *a, size_t num)
{
	morgue_buf b = MORGUE_BUF_INIT;
	const char *src = a->source ? a->source : "anonymous";
	const char *kind = morgue_source_kind_name(a->kind);
	morgue_buf_puts(&b, "<span class=\"attributed\" data-source=\"");
	morgue_escape_html(&b, src, strlen(src));
	morgue_buf_puts(&b, "\" data-kind=\"");
	morgue_escape_html(&b, kind, strlen(kind));
	morgue_buf_putc(&b, '"');
	if (num)
		morgue_buf_printf(&b, " id=\"src-%zu\"", num);
	morgue_buf_putc(&b, '>');
	return morgue_buf_detach(&b);
}

/* Wrap the inline content of text [s, e) in attribution elements: the
 * highest inline nodes inside the span, consecutive siblings together.
 * The first element gets id src-num. Returns the number of elements. */
static size_t mark_span(const tblocks *tb, ranges *rg, size_t s, size_t e,
			const morgue_attribution *a, size_t num)
{
	cmark_node **cand = NULL;
	size_t ncand = 0, capcand = 0, made = 0;

	span_ranges(rg, tb, s, e);
	if (split_ends(rg, s, e))
		span_ranges(rg, tb, s, e);
	for (size_t i = 0; i < rg->n; i++) {
		cmark_node *n = rg->r[i].node;
		if (is_block(cmark_node_get_type(n)) || !range_inside(&rg->r[i], s, e))
			continue;
		cmark_node *p = cmark_node_parent(n);
		if (p && !is_block(cmark_node_get_type(p)) && range_inside(range_of(rg, p), s, e))
			continue; /* covered by its parent */
		if (has_image_ancestor(n) || cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE)
			continue; /* raw HTML may open what another node closes */
		MORGUE_ARRAY_RESERVE(cand, capcand, ncand + 1);
		cand[ncand++] = n;
	}
	for (size_t i = 0; i < ncand;) {
		size_t j = i + 1;
		int blank = blank_node(cand[i]);
		while (j < ncand && cmark_node_next(cand[j - 1]) == cand[j])
			blank &= blank_node(cand[j++]);
		if (!blank) {
			cmark_node *w = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
			char *open = attr_open(a, made ? 0 : num);
			cmark_node_set_on_enter(w, open);
			cmark_node_set_on_exit(w, "</span>");
			free(open);
			cmark_node_insert_before(cand[i], w);
			for (size_t k = i; k < j; k++)
				cmark_node_append_child(w, cand[k]);
			made++;
		}
		i = j;
	}
	free(cand);
	return made;
}

/* The entity type of a slug: the options' function, else the gazetteer. */
static int slug_type(const char *slug, void *payload)
{
	const morgue_markdown_opts *o = payload;
	if (o->entity_type)
		return o->entity_type(slug, o->payload);
	if (o->gazetteer) {
		long e = morgue_gazetteer_find(o->gazetteer, slug);
		return e < 0 ? -1 : morgue_gazetteer_type(o->gazetteer, (size_t)e);
	}
	return -1;
}

static const char *slug_name(const char *slug, void *payload)
{
	const morgue_markdown_opts *o = payload;
	long e = o->gazetteer ? morgue_gazetteer_find(o->gazetteer, slug) : -1;
	return e < 0 ? NULL : morgue_gazetteer_name(o->gazetteer, (size_t)e);
}

/* The plain text for the attribution rules, which read "\n" as a line
 * end: a soft break is a space (wrapped prose), except in a paragraph of
 * three or more lines that all begin with a capital, a digit or a
 * punctuation mark, which is a list of lines (headlines with their
 * credits). Same length as the text. */
static char *attr_text(const ctx *c)
{
	size_t len = c->text.size, *sb = NULL, nsb = 0, cap = 0;
	char *t = morgue_strndup(morgue_buf_cstr(&c->text), len);
	for (size_t i = 0; i < c->nsegs; i++)
		if (cmark_node_get_type(c->segs[i].node) == CMARK_NODE_SOFTBREAK &&
		    c->segs[i].start < len && t[c->segs[i].start] == '\n') {
			MORGUE_ARRAY_RESERVE(sb, cap, nsb + 1);
			sb[nsb++] = c->segs[i].start;
		}
	for (size_t k = 0; k < nsb;) {
		size_t pe = sb[k] + 1;
		while (pe < len && !(t[pe] == '\n' && pe + 1 < len && t[pe + 1] == '\n'))
			pe++;
		size_t j = k;
		int lines = 1;
		while (j < nsb && sb[j] < pe) {
			unsigned char nx = sb[j] + 1 < len ? (unsigned char)t[sb[j] + 1] : 0;
			if (nx >= 'a' && nx <= 'z')
				lines = -1000;
			lines++;
			j++;
		}
		if (lines < 3)
			for (size_t x = k; x < j; x++)
				t[sb[x]] = ' ';
		k = j;
	}
	free(sb);
	return t;
}

/* Find, correct and mark the attributions of the document. atext is the
 * plain text with soft line breaks as spaces. */
static int attributions(ctx *c, cmark_node *root, const char *atext, size_t len,
			morgue_attribution **out, size_t *nout)
{
	const morgue_markdown_opts *o = c->o;
	morgue_attr_mention *am = morgue_calloc(c->nm ? c->nm : 1, sizeof(*am));
	morgue_attribution *a = NULL;
	size_t na = 0, nam = 0;
	ranges rg = { 0 };
	int rc;

	for (size_t i = 0; i < c->nm; i++) {
		int t = slug_type(c->m[i].entity, (void *)o);
		if (t < 0)
			continue;
		am[nam++] = (morgue_attr_mention){ c->m[i].entity,
						   morgue_entity_type_name((morgue_entity_type)t),
						   c->m[i].offset, c->m[i].length };
	}
	if ((rc = morgue_attribution_extract(&a, &na, atext, len, am, nam)) < 0)
		goto done;
	if (o->annotations) {
		const char *af = o->annotations_file ? o->annotations_file : o->file;
		morgue_attr_lookup lk = { slug_exists, slug_type, slug_name, (void *)o };
		if ((rc = morgue_annotate_attributions(&a, &na, atext, len, o->annotations,
						       o->annotations_len, af, &lk)) < 0)
			goto done;
	}
	if (node_ranges(&rg, root) != len) {
		/* cannot happen: the layout differs from walk() */
		morgue_attributions_free(a, na);
		a = NULL;
		na = 0;
	}
	tblocks tb = { 0 };
	top_blocks(&tb, &rg, root);
	size_t w = 0;
	for (size_t i = 0; i < na; i++) {
		if (a[i].length && a[i].offset + a[i].length <= len &&
		    mark_span(&tb, &rg, a[i].offset, a[i].offset + a[i].length, &a[i], w + 1)) {
			a[w++] = a[i];
			continue;
		}
		free(a[i].source);
		free(a[i].source_text);
		free(a[i].cue);
		free(a[i].affiliation);
	}
	na = w;
	free(tb.node);
	free(tb.pre);
	free(tb.start);
	free(tb.end);
done:
	if (rc < 0) {
		morgue_attributions_free(a, na);
		a = NULL;
		na = 0;
	}
	/* every node of the tree, as a last walk of the whole tree left it */
	node_ranges(&rg, root);
	for (size_t i = 0; i < rg.n; i++)
		cmark_node_set_user_data(rg.r[i].node, NULL);
	free(rg.r);
	free(am);
	*out = a;
	*nout = na;
	return rc;
}

int morgue_markdown_render(morgue_doc **out, const char *md, size_t len,
			   const morgue_markdown_opts *o)
{
	ctx c = { .o = o, .text = MORGUE_BUF_INIT };
	morgue_annotator *an = NULL;
	int opts = CMARK_OPT_DEFAULT | (o->unsafe_html ? CMARK_OPT_UNSAFE : 0);
	cmark_node *root = cmark_parse_document(md ? md : "", md ? len : 0, opts);
	morgue_doc *d = NULL;
	char *atext = NULL;
	morgue_attribution *attr = NULL;
	size_t nattr = 0;
	int rc;

	*out = NULL;
	if (!root)
		return morgue_error_set(MORGUE_ERROR, o->file, o->first_line, "cmark failed");
	sanitize(root, o->unsafe_html);
	if ((rc = walk(&c, root)) < 0)
		goto done;
	const char *text = morgue_buf_cstr(&c.text);
	if (!o->no_attributions)
		atext = attr_text(&c);
	if (o->gazetteer)
		morgue_annotator_new(&an, o->gazetteer);
	for (size_t i = 0; i < c.nitems; i++) {
		item *it = &c.items[i];
		if (it->link) {
			MORGUE_ARRAY_RESERVE(c.m, c.capm, c.nm + 1);
			c.m[c.nm++] = (morgue_mention){ morgue_strdup(it->slug),
							morgue_strndup(text + it->start,
								       it->end - it->start),
							it->start, it->end - it->start,
							MORGUE_MENTION_INLINE };
			if (an)
				morgue_annotator_introduce(an, it->slug);
		} else if (an) {
			morgue_annotator_run(an, text, c.text.size, it->start, it->end, &c.m, &c.nm,
					     &c.capm);
		}
	}
	morgue_mentions_sort(c.m, c.nm);
	if (o->annotations) {
		const char *af = o->annotations_file ? o->annotations_file : o->file;
		if ((rc = morgue_annotate_standoff(&c.m, &c.nm, &c.capm, text, c.text.size,
						   o->annotations, o->annotations_len, af,
						   slug_exists, (void *)o)) < 0)
			goto done;
		/* stand-off spans must lie in one run of text */
		size_t w = 0;
		for (size_t i = 0; i < c.nm; i++) {
			morgue_mention *mm = &c.m[i];
			if (mm->source == MORGUE_MENTION_STANDOFF &&
			    !in_run(&c, mm->offset, mm->offset + mm->length)) {
				morgue_warn(af, 0,
					    "mention of %s at \"%s\" crosses markup (a link, code or "
					    "paragraph break) and cannot be marked",
					    mm->entity, mm->surface);
				free(mm->entity);
				free(mm->surface);
				continue;
			}
			c.m[w++] = *mm;
		}
		c.nm = w;
	}
	/* wrap from the end so that earlier positions stay valid */
	for (size_t i = c.nm; i-- > 0;) {
		morgue_mention *mm = &c.m[i];
		if (mm->source == MORGUE_MENTION_INLINE || !mm->length)
			continue;
		if (wrap(&c, mm->offset, mm->offset + mm->length, mm->entity) < 0) {
			free(mm->entity);
			free(mm->surface);
			memmove(mm, mm + 1, (c.nm - i - 1) * sizeof(*mm));
			c.nm--;
		}
	}
	for (size_t i = 0; i < c.nitems; i++) {
		item *it = &c.items[i];
		if (!it->link)
			continue;
		int keep = 0;
		for (size_t j = 0; j < c.nm && !keep; j++)
			keep = c.m[j].source == MORGUE_MENTION_INLINE && c.m[j].offset == it->start &&
			       !strcmp(c.m[j].entity, it->slug);
		convert_link(&c, it->link, it->slug, keep);
	}
	if (atext && (rc = attributions(&c, root, atext, c.text.size, &attr, &nattr)) < 0)
		goto done;
	d = morgue_calloc(1, sizeof(*d));
	d->html = cmark_render_html(root, opts);
	d->text_len = c.text.size;
	d->text = morgue_buf_detach(&c.text);
	d->mentions = c.m;
	d->nmentions = c.nm;
	d->attributions = attr;
	d->nattributions = nattr;
	attr = NULL;
	nattr = 0;
	c.m = NULL;
	c.nm = 0;
	*out = d;
done:
	morgue_attributions_free(attr, nattr);
	free(atext);
	morgue_annotator_free(an);
	morgue_mentions_free(c.m, c.nm);
	for (size_t i = 0; i < c.nitems; i++)
		free(c.items[i].slug);
	free(c.items);
	free(c.segs);
	morgue_buf_free(&c.text);
	cmark_node_free(root);
	return rc;
}

void morgue_doc_free(morgue_doc *d)
{
	if (!d)
		return;
	free(d->html);
	free(d->text);
	morgue_mentions_free(d->mentions, d->nmentions);
	morgue_attributions_free(d->attributions, d->nattributions);
	free(d);
}
