/*
 * template.c - Mustache: compile to a node tree once, render many times.
 *
 * Compiling runs in three passes over the source:
 *   1. scan: split into alternating TEXT and tag tokens (a TEXT token,
 *      possibly empty, sits between any two tags and at both ends), with
 *      set-delimiter tags applied as they come;
 *   2. nest: match sections/parents/blocks with their closing tags;
 *   3. standalone: decide which tags stand alone on their line and trim
 *      the surrounding TEXT tokens' kept ranges accordingly;
 * then the tree is built. Every line start of kept template text becomes
 * an INDENT node, which prints the current indentation at render time:
 * that is how standalone partials indent every line of the partial but
 * never the lines of interpolated data.
 *
 * Inheritance: a parent tag's arguments (its direct {{$block}} children)
 * are pushed as a frame; a block renders the argument from the outermost
 * frame that has one ("top-level substitutions take precedence"), else its
 * default content. Argument content loses its intrinsic indentation (that
 * of its first line when the opening tag ends its line) and gains the
 * indentation of the block's site in the parent.
 */
#include "template.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/escape.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---------------------------------------------------------- */

enum { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE, T_COMMENT,
       T_DELIM, T_PARTIAL, T_PARENT, T_BLOCK };

#define NONE SIZE_MAX

typedef struct tok {
	int kind;
	int line;
	size_t start, end; /* source range (tags: with delimiters) */
	size_t ts, te;     /* TEXT: the kept range after standalone trims */
	size_t ns, nlen;   /* tag name, trimmed */
	size_t match;      /* open <-> close */
	size_t container;  /* innermost enclosing open tag, or NONE */
	size_t ws;         /* start of the blanks before the tag on its line */
	unsigned standalone : 1, trim_left : 1, intrinsic : 1;
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

/* ---- nodes ----------------------------------------------------------- */

enum { N_TEXT, N_INDENT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL,
       N_PARENT, N_BLOCK };

typedef struct node node;
typedef struct nlist {
	node *v;
	size_t n, cap;
} nlist;

struct node {
	int kind;
	int line;
	unsigned raw : 1, dyn : 1, standalone : 1;
	const char *s; /* TEXT bytes (into the template's copy of src) */
	size_t len;
	const char *ind; /* PARTIAL/PARENT/BLOCK: indentation at the site */
	size_t indlen;
	char *name;    /* NUL-terminated; dotted names split into parts */
	size_t nparts; /* 0 for the implicit iterator "." */
	unsigned hash; /* morgue_value_key_hash of the first part */
	nlist kids;    /* section/block content; a parent's arguments */
};

struct morgue_template {
	char *name;
	char *src;
	size_t len;
	nlist root;
};

static node *push_node(nlist *l, int kind, int line)
{
	MORGUE_ARRAY_RESERVE(l->v, l->cap, l->n + 1);
	node *x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->line = line;
	return x;
}

static void free_list(nlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free_list(&l->v[i].kids);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Position of needle in src[from, len), or NONE. */
static size_t find(const char *src, size_t from, size_t len, const char *nd,
		   size_t ndl)
{
	if (ndl == 0 || len < ndl)
		return NONE;
	for (size_t p = from; p + ndl <= len; p++) {
		const char *q = memchr(src + p, nd[0], len - ndl + 1 - p);
		if (!q)
			return NONE;
		p = (size_t)(q - src);
		if (!memcmp(q, nd, ndl))
			return p;
	}
	return NONE;
}

/* ---- pass 1: scan ---------------------------------------------------- */

static void push_tok(toks *t, int kind, int line, size_t start, size_t end)
{
	MORGUE_ARRAY_RESERVE(t->v, t->cap, t->n + 1);
	tok *k = &t->v[t->n++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->line = line;
	k->start = k->ts = start;
	k->end = k->te = end;
	k->match = k->container = NONE;
}

/* The end of a tag whose content must close with `c` + close delimiter
 * ("}}}" for triple mustaches, "=}}" for set delimiters), or NONE. */
static size_t find_close2(const char *src, size_t from, size_t len, char c,
			  const char *cd, size_t cdl)
{
	size_t e = from;
	while ((e = find(src, e, len, cd, cdl)) != NONE) {
		if (e > from && src[e - 1] == c)
			return e;
		e++;
	}
	return NONE;
}

static int scan(toks *t, const char *name, const char *src, size_t len)
{
	const char *od = "{{", *cd = "}}";
	size_t odl = 2, cdl = 2;
	size_t p = 0, lpos = 0;
	int line = 1;

	for (;;) {
		size_t q = find(src, p, len, od, odl);
		if (q == NONE) {
			push_tok(t, T_TEXT, line, p, len);
			return 0;
		}
		push_tok(t, T_TEXT, line, p, q);
		for (; lpos < q; lpos++)
			if (src[lpos] == '\n')
				line++;

		size_t c = q + odl, cs, ce, e;
		int kind;
		char sig = c < len ? src[c] : 0;
		switch (sig) {
		case '{':
			kind = T_RAW;
			cs = c + 1;
			e = find_close2(src, cs, len, '}', cd, cdl);
			ce = e == NONE ? e : e - 1;
			break;
		case '=':
			kind = T_DELIM;
			cs = c + 1;
			e = find_close2(src, cs, len, '=', cd, cdl);
			ce = e == NONE ? e : e - 1;
			break;
		default:
			switch (sig) {
			case '&': kind = T_RAW; break;
			case '#': kind = T_SECTION; break;
			case '^': kind = T_INVERTED; break;
			case '/': kind = T_CLOSE; break;
			case '!': kind = T_COMMENT; break;
			case '>': kind = T_PARTIAL; break;
			case '<': kind = T_PARENT; break;
			case '$': kind = T_BLOCK; break;
			default: kind = T_VAR; break;
			}
			cs = kind == T_VAR ? c : c + 1;
			e = ce = c < len ? find(src, cs, len, cd, cdl) : NONE;
			break;
		}
		if (e == NONE)
			return morgue_error_set(MORGUE_EINPUT, name, line,
						"unclosed tag (no '%.*s')",
						(int)cdl, cd);
		size_t end = e + cdl;
		while (cs < ce && is_space(src[cs]))
			cs++;
		while (ce > cs && is_space(src[ce - 1]))
			ce--;
		push_tok(t, kind, line, q, end);
		tok *k = &t->v[t->n - 1];
		k->ns = cs;
		k->nlen = ce - cs;

		if (kind == T_DELIM) {
			/* two blank-separated delimiters, no '=' in them */
			size_t a = cs, b;
			while (a < ce && !is_space(src[a]) && src[a] != '=')
				a++;
			b = a;
			while (b < ce && is_space(src[b]))
				b++;
			size_t z = b;
			while (z < ce && !is_space(src[z]) && src[z] != '=')
				z++;
			if (a == cs || b == a || z == b || z != ce)
				return morgue_error_set(MORGUE_EINPUT, name, line,
							"bad set-delimiter tag '%.*s'",
							(int)(end - q), src + q);
			od = src + cs;
			odl = a - cs;
			cd = src + b;
			cdl = z - b;
		} else if (kind != T_COMMENT) {
			size_t s = cs;
			if ((kind == T_PARTIAL || kind == T_PARENT ||
			     kind == T_CLOSE) && s < ce && src[s] == '*') {
				s++;
				while (s < ce && is_space(src[s]))
					s++;
			}
			if (s == ce)
				return morgue_error_set(MORGUE_EINPUT, name, line,
							"empty tag name in '%.*s'",
							(int)(end - q), src + q);
			for (size_t i = s; i < ce; i++)
				if (is_space(src[i]))
					return morgue_error_set(MORGUE_EINPUT, name, line,
								"blank in tag name '%.*s'",
								(int)(ce - cs), src + cs);
		}
		p = end;
	}
}

/* ---- pass 2: nesting ------------------------------------------------- */

static int is_open(int kind)
{
	return kind == T_SECTION || kind == T_INVERTED || kind == T_PARENT ||
	       kind == T_BLOCK;
}

static int nest(toks *t, const char *name, const char *src)
{
	size_t *stk = NULL, n = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < t->n; i++) {
		tok *k = &t->v[i];
		k->container = n ? stk[n - 1] : NONE;
		if (is_open(k->kind)) {
			if (n >= MORGUE_TEMPLATE_MAX_NESTING) {
				rc = morgue_error_set(MORGUE_EINPUT, name, k->line,
						      "sections nested deeper than %d",
						      MORGUE_TEMPLATE_MAX_NESTING);
				goto done;
			}
			MORGUE_ARRAY_RESERVE(stk, cap, n + 1);
			stk[n++] = i;
		} else if (k->kind == T_CLOSE) {
			if (!n) {
				rc = morgue_error_set(MORGUE_EINPUT, name, k->line,
						      "close '%.*s' without an open section",
						      (int)k->nlen, src + k->ns);
				goto done;
			}
			tok *o = &t->v[stk[n - 1]];
			if (o->nlen != k->nlen ||
			    memcmp(src + o->ns, src + k->ns, k->nlen)) {
				rc = morgue_error_set(MORGUE_EINPUT, name, k->line,
						      "mismatched close '%.*s': section '%.*s' opened at line %d is still open",
						      (int)k->nlen, src + k->ns,
						      (int)o->nlen, src + o->ns, o->line);
				goto done;
			}
			o->match = i;
			k->match = stk[n - 1];
			k->container = o->container;
			n--;
		}
	}
	if (n) {
		tok *o = &t->v[stk[n - 1]];
		rc = morgue_error_set(MORGUE_EINPUT, name, o->line,
				      "unclosed section '%.*s'", (int)o->nlen,
				      src + o->ns);
	}
done:
	free(stk);
	return rc;
}

/* ---- pass 3: standalone lines ---------------------------------------- */

/* Tag i has only blanks before it on its line; *ws gets where they start. */
static int left_clear(const toks *t, size_t i, const char *src, size_t *ws)
{
	const tok *x = &t->v[i - 1];
	size_t p = x->end;
	while (p > x->start && is_blank(src[p - 1]))
		p--;
	*ws = p;
	/* tags never end with '\n', so this also covers p == x->start */
	return p == 0 || src[p - 1] == '\n';
}

/* Tag i has only blanks after it up to a newline or the end of the
 * template; *eol gets the position after that newline. */
static int right_clear(const toks *t, size_t i, const char *src, size_t len,
		       size_t *eol)
{
	const tok *x = &t->v[i + 1];
	size_t p = x->start;
	while (p < x->end && is_blank(src[p]))
		p++;
	if (p == x->end) {
		*eol = p;
		return p == len;
	}
	if (src[p] == '\n') {
		*eol = p + 1;
		return 1;
	}
	if (src[p] == '\r' && p + 1 < x->end && src[p + 1] == '\n') {
		*eol = p + 2;
		return 1;
	}
	return 0;
}

static void trim_left(toks *t, size_t i, size_t ws)
{
	tok *x = &t->v[i - 1];
	t->v[i].trim_left = 1;
	t->v[i].ws = ws;
	if (x->te > ws)
		x->te = ws;
	if (x->ts > x->te)
		x->ts = x->te;
}

static void trim_right(toks *t, size_t i, size_t eol)
{
	tok *x = &t->v[i + 1];
	if (x->ts < eol)
		x->ts = eol;
	if (x->ts > x->te)
		x->ts = x->te;
}

static int in_parent(const toks *t, const tok *k)
{
	return k->container != NONE && t->v[k->container].kind == T_PARENT;
}

static void standalone(toks *t, const char *src, size_t len)
{
	size_t ws, eol, ws2;

	for (size_t i = 1; i + 1 < t->n; i += 2) {
		tok *k = &t->v[i];
		int lc = left_clear(t, i, src, &ws);
		k->ws = lc ? ws : k->start;
		if (k->kind == T_VAR || k->kind == T_RAW)
			continue;
		if (lc && right_clear(t, i, src, len, &eol)) {
			k->standalone = 1;
			trim_left(t, i, ws);
			trim_right(t, i, eol);
		}
	}
	for (size_t i = 1; i + 1 < t->n; i += 2) {
		tok *k = &t->v[i];
		if (k->kind == T_PARENT) {
			/* "{{<p}}...{{/p}}" alone on its line(s) */
			if (left_clear(t, i, src, &ws) &&
			    right_clear(t, k->match, src, len, &eol)) {
				k->standalone = 1;
				trim_left(t, i, ws);
				trim_right(t, k->match, eol);
			}
		} else if (k->kind == T_BLOCK && in_parent(t, k)) {
			/* an argument: its opening tag may end its line, its
			 * closing tag may start its line */
			if (right_clear(t, i, src, len, &eol)) {
				trim_right(t, i, eol);
				k->intrinsic = 1;
			}
			if (left_clear(t, k->match, src, &ws2))
				trim_left(t, k->match, ws2);
		}
	}
}

/* ---- building the tree ----------------------------------------------- */

/* Append kept text [ts, te) split at line starts, an INDENT before each;
 * also an INDENT at te when a line starts there that a following tag
 * does not remove. */
static void emit_text(nlist *l, const tok *k, const char *src, size_t len,
		      int indent_at_end)
{
	size_t p = k->ts;
	while (p < k->te) {
		if (p == 0 || src[p - 1] == '\n')
			push_node(l, N_INDENT, k->line);
		size_t q = p;
		while (q < k->te && src[q] != '\n')
			q++;
		if (q < k->te)
			q++;
		node *x = push_node(l, N_TEXT, k->line);
		x->s = src + p;
		x->len = q - p;
		p = q;
	}
	if (indent_at_end && k->te < len && (k->te == 0 || src[k->te - 1] == '\n'))
		push_node(l, N_INDENT, k->line);
}

/* Copy a name; split dotted names into NUL-separated parts. */
static void set_name(node *x, const char *s, size_t n, int dotted)
{
	if (n && s[0] == '*' && (x->kind == N_PARTIAL || x->kind == N_PARENT)) {
		x->dyn = 1;
		s++, n--;
		while (n && is_space(*s))
			s++, n--;
		dotted = 1;
	}
	x->name = morgue_strndup(s, n);
	if (!dotted) {
		x->hash = morgue_value_key_hash(x->name);
		return;
	}
	if (n == 1 && s[0] == '.') {
		x->nparts = 0;
		return;
	}
	x->nparts = 1;
	for (size_t i = 0; i < n; i++)
		if (x->name[i] == '.') {
			x->name[i] = 0;
			x->nparts++;
		}
	/* hashed once here, not in every frame of every lookup */
	x->hash = morgue_value_key_hash(x->name);
}

static size_t blanks(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && is_blank(s[k]))
		k++;
	return k;
}

static size_t common(const char *s, size_t n, const char *in, size_t inl)
{
	size_t k = 0;
	while (k < n && k < inl && s[k] == in[k])
		k++;
	return k;
}

/* Remove the intrinsic indentation `in` from every line of l. */
static void outdent(nlist *l, const char *in, size_t inl)
{
	for (size_t i = 0; i < l->n; i++) {
		node *x = &l->v[i];
		if (x->kind == N_INDENT && i + 1 < l->n && l->v[i + 1].kind == N_TEXT) {
			node *y = &l->v[i + 1];
			size_t c = common(y->s, y->len, in, inl);
			y->s += c;
			y->len -= c;
		}
		if (x->kind == N_PARTIAL || x->kind == N_PARENT || x->kind == N_BLOCK) {
			size_t c = common(x->ind, x->indlen, in, inl);
			x->ind += c;
			x->indlen -= c;
		}
		outdent(&x->kids, in, inl);
	}
}

static int build(morgue_template *tpl, toks *t)
{
	const char *src = tpl->src;
	size_t len = tpl->len;
	nlist **stk = NULL;
	size_t n = 0, cap = 0;

	MORGUE_ARRAY_RESERVE(stk, cap, 1);
	stk[n++] = &tpl->root;
	for (size_t i = 0; i < t->n; i++) {
		tok *k = &t->v[i];
		nlist *l = stk[n - 1];
		node *x;
		switch (k->kind) {
		case T_TEXT:
			emit_text(l, k, src, len, i + 1 < t->n && !t->v[i + 1].trim_left);
			break;
		case T_VAR:
		case T_RAW:
			x = push_node(l, N_VAR, k->line);
			x->raw = k->kind == T_RAW;
			set_name(x, src + k->ns, k->nlen, 1);
			break;
		case T_PARTIAL:
			x = push_node(l, N_PARTIAL, k->line);
			set_name(x, src + k->ns, k->nlen, 0);
			x->standalone = k->standalone;
			x->ind = src + k->ws;
			x->indlen = k->standalone ? k->start - k->ws : 0;
			break;
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK:
			x = push_node(l, k->kind == T_SECTION ? N_SECTION :
					 k->kind == T_INVERTED ? N_INVERTED :
					 k->kind == T_PARENT ? N_PARENT : N_BLOCK,
				      k->line);
			set_name(x, src + k->ns, k->nlen, k->kind <= T_INVERTED);
			x->ind = src + k->ws;
			if (k->kind == T_PARENT) {
				x->standalone = k->standalone;
				x->indlen = k->standalone ? k->start - k->ws : 0;
			} else if (k->kind == T_BLOCK && !in_parent(t, k)) {
				/* a parameter: where an argument goes and with
				 * which indentation */
				const tok *c = &t->v[i + 1];
				x->standalone = k->standalone;
				x->indlen = k->start - k->ws;
				if (k->standalone && (c->te > c->ts || k->match != i + 2)) {
					x->ind = src + c->ts;
					x->indlen = blanks(src + c->ts, c->te - c->ts);
				}
			}
			MORGUE_ARRAY_RESERVE(stk, cap, n + 1);
			stk[n++] = &x->kids;
			break;
		case T_CLOSE: {
			n--;
			nlist *pl = stk[n - 1];
			node *o = &pl->v[pl->n - 1];
			const tok *ot = &t->v[k->match];
			if (o->kind == N_PARENT) {
				/* only the block arguments count */
				size_t m = 0;
				for (size_t j = 0; j < o->kids.n; j++) {
					if (o->kids.v[j].kind == N_BLOCK)
						o->kids.v[m++] = o->kids.v[j];
					else {
						free(o->kids.v[j].name);
						free_list(&o->kids.v[j].kids);
					}
				}
				o->kids.n = m;
			} else if (o->kind == N_BLOCK && ot->intrinsic) {
				const tok *c = &t->v[k->match + 1];
				outdent(&o->kids, src + c->ts,
					blanks(src + c->ts, c->te - c->ts));
			}
			break;
		}
		default:
			break;
		}
	}
	free(stk);
	return 0;
}

int morgue_template_compile(morgue_template **out, const char *name,
			    const char *src, size_t len)
{
	morgue_template *tpl = morgue_calloc(1, sizeof(*tpl));
	toks t = { NULL, 0, 0 };
	int rc;

	tpl->name = morgue_strdup(name ? name : "(template)");
	tpl->src = morgue_malloc(len + 1);
	if (len)
		memcpy(tpl->src, src, len);
	tpl->src[len] = 0;
	tpl->len = len;

	rc = scan(&t, tpl->name, tpl->src, len);
	if (!rc)
		rc = nest(&t, tpl->name, tpl->src);
	if (!rc) {
		standalone(&t, tpl->src, len);
		rc = build(tpl, &t);
	}
	free(t.v);
	if (rc < 0) {
		morgue_template_free(tpl);
		tpl = NULL;
	}
	*out = tpl;
	return rc;
}

void morgue_template_free(morgue_template *t)
{
	if (!t)
		return;
	free_list(&t->root);
	free(t->name);
	free(t->src);
	free(t);
}

const char *morgue_template_name(const morgue_template *t)
{
	return t->name;
}

static int list_reads(const nlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		const node *x = &l->v[i];
		int named = x->kind == N_VAR || x->kind == N_SECTION || x->kind == N_INVERTED ||
			    ((x->kind == N_PARTIAL || x->kind == N_PARENT) && x->dyn);
		const char *part = x->name;
		for (size_t k = 0; named && k < x->nparts; k++, part += strlen(part) + 1)
			if (!strcmp(part, name))
				return 1;
		if (list_reads(&x->kids, name))
			return 1;
	}
	return 0;
}

int morgue_template_reads(const morgue_template *t, const char *name)
{
	return list_reads(&t->root, name);
}

/* ---- rendering ------------------------------------------------------- */

typedef struct frame {
	const nlist *args;
	const morgue_template *t;
} frame;

typedef struct rstate {
	morgue_buf *out;
	const morgue_value **stk;
	size_t n, cap;
	frame *fr;
	size_t nf, capf;
	morgue_buf ind;
	int depth;
	morgue_template_lookup lookup;
	void *payload;
} rstate;

static void push_ctx(rstate *r, const morgue_value *v)
{
	MORGUE_ARRAY_RESERVE(r->stk, r->cap, r->n + 1);
	r->stk[r->n++] = v;
}

/* One step of a dotted name: a map key, or (an extension the spec leaves
 * open, as mustache.js allows) a decimal index into a list, so themes can
 * write {{#tags.0}}<ul>...{{/tags.0}} to wrap a non-empty list. */
static const morgue_value *step(const morgue_value *v, const char *part)
{
	if (morgue_value_type_of(v) == MORGUE_VALUE_MAP)
		return morgue_value_get(v, part);
	if (morgue_value_type_of(v) != MORGUE_VALUE_LIST || !*part || strlen(part) > 9 ||
	    strspn(part, "0123456789") != strlen(part))
		return NULL;
	size_t i = (size_t)strtoul(part, NULL, 10);
	return i < morgue_value_count(v) ? morgue_value_at(v, i) : NULL;
}

/* Resolve a (dotted) name against the context stack: the first part is
 * looked up from the innermost frame out, the rest strictly inside it. */
static const morgue_value *resolve(const rstate *r, const node *x)
{
	if (x->nparts == 0)
		return r->n ? r->stk[r->n - 1] : NULL;
	const morgue_value *v = NULL;
	for (size_t i = r->n; i-- > 0;) {
		const morgue_value *f = r->stk[i];
		if (f && morgue_value_type_of(f) == MORGUE_VALUE_MAP &&
		    (v = morgue_value_get_hashed(f, x->name, x->hash)))
			break;
	}
	const char *part = x->name;
	for (size_t k = 1; v && k < x->nparts; k++) {
		part += strlen(part) + 1;
		v = step(v, part);
	}
	return v;
}

/* Integral values as integers, others in the shortest round-trip form. */
static void put_number(morgue_buf *out, double d)
{
	if (isfinite(d) && fabs(d) < 9007199254740992.0 && d == floor(d)) {
		morgue_buf_put_int(out, (long long)d);
		return;
	}
	size_t mark = out->size;
	for (int prec = 1; prec <= 17; prec++) {
		morgue_buf_truncate(out, mark);
		morgue_buf_printf(out, "%.*g", prec, d);
		if (!isfinite(d) || strtod(out->ptr + mark, NULL) == d)
			break;
	}
}

static void put_value(rstate *r, const morgue_value *v, int raw)
{
	switch (morgue_value_type_of(v)) {
	case MORGUE_VALUE_BOOL:
		morgue_buf_puts(r->out, morgue_value_get_bool(v) ? "true" : "false");
		break;
	case MORGUE_VALUE_NUMBER:
		put_number(r->out, morgue_value_get_number(v));
		break;
	case MORGUE_VALUE_STRING:
		if (raw)
			morgue_buf_put(r->out, morgue_value_get_string(v),
				       morgue_value_get_string_len(v));
		else
			morgue_escape_html(r->out, morgue_value_get_string(v),
					   morgue_value_get_string_len(v));
		break;
	default:
		break;
	}
}

static int render_list(rstate *r, const morgue_template *t, const nlist *l,
		       size_t from);

static int too_deep(const morgue_template *t, const node *x)
{
	return morgue_error_set(MORGUE_EINPUT, t->name, x->line,
				"'%s': partials, parents or blocks nested deeper than %d (does a template include itself?)",
				x->name, MORGUE_TEMPLATE_MAX_DEPTH);
}

/* Render an included template (partial, or parent with arguments). */
static int include(rstate *r, const morgue_template *t, const node *x)
{
	const char *name = x->name;
	if (x->dyn) {
		const morgue_value *v = resolve(r, x);
		name = morgue_value_get_string(v);
		if (!name)
			return 0;
	}
	const morgue_template *p = r->lookup ? r->lookup(name, r->payload) : NULL;
	if (!p)
		return 0;
	if (r->depth >= MORGUE_TEMPLATE_MAX_DEPTH)
		return too_deep(t, x);
	size_t mark = r->ind.size;
	morgue_buf_put(&r->ind, x->ind, x->indlen);
	if (x->kind == N_PARENT) {
		MORGUE_ARRAY_RESERVE(r->fr, r->capf, r->nf + 1);
		r->fr[r->nf].args = &x->kids;
		r->fr[r->nf].t = t;
		r->nf++;
	}
	r->depth++;
	size_t from = !x->standalone && p->root.n && p->root.v[0].kind == N_INDENT;
	int rc = render_list(r, p, &p->root, from);
	r->depth--;
	if (x->kind == N_PARENT)
		r->nf--;
	morgue_buf_truncate(&r->ind, mark);
	return rc;
}

/* A block: the outermost argument for it, else its default content. */
static int block(rstate *r, const morgue_template *t, const node *x)
{
	for (size_t f = 0; f < r->nf; f++) {
		const nlist *a = r->fr[f].args;
		for (size_t i = 0; i < a->n; i++) {
			if (strcmp(a->v[i].name, x->name))
				continue;
			const nlist *c = &a->v[i].kids;
			if (r->depth >= MORGUE_TEMPLATE_MAX_DEPTH)
				return too_deep(t, x);
			size_t mark = r->ind.size;
			morgue_buf_put(&r->ind, x->ind, x->indlen);
			int first_indent = c->n && c->v[0].kind == N_INDENT;
			if (x->standalone && !first_indent)
				morgue_buf_put(r->out, r->ind.ptr, r->ind.size);
			r->depth++;
			int rc = render_list(r, r->fr[f].t, c,
					     !x->standalone && first_indent);
			r->depth--;
			morgue_buf_truncate(&r->ind, mark);
			return rc;
		}
	}
	return render_list(r, t, &x->kids, 0);
}

static int render_list(rstate *r, const morgue_template *t, const nlist *l,
		       size_t from)
{
	int rc = 0;
	for (size_t i = from; i < l->n && !rc; i++) {
		const node *x = &l->v[i];
		const morgue_value *v;
		switch (x->kind) {
		case N_TEXT:
			morgue_buf_put(r->out, x->s, x->len);
			break;
		case N_INDENT:
			if (r->ind.size)
				morgue_buf_put(r->out, r->ind.ptr, r->ind.size);
			break;
		case N_VAR:
			v = resolve(r, x);
			if (v)
				put_value(r, v, x->raw);
			break;
		case N_SECTION:
			v = resolve(r, x);
			if (!morgue_value_truthy(v))
				break;
			if (morgue_value_type_of(v) == MORGUE_VALUE_LIST) {
				size_t cnt = morgue_value_count(v);
				for (size_t k = 0; k < cnt && !rc; k++) {
					push_ctx(r, morgue_value_at(v, k));
					rc = render_list(r, t, &x->kids, 0);
					r->n--;
				}
			} else {
				push_ctx(r, v);
				rc = render_list(r, t, &x->kids, 0);
				r->n--;
			}
			break;
		case N_INVERTED:
			if (!morgue_value_truthy(resolve(r, x)))
				rc = render_list(r, t, &x->kids, 0);
			break;
		case N_PARTIAL:
		case N_PARENT:
			rc = include(r, t, x);
			break;
		case N_BLOCK:
			rc = block(r, t, x);
			break;
		default:
			break;
		}
	}
	return rc;
}

int morgue_template_render(morgue_buf *out, const morgue_template *t,
			   const morgue_value *ctx,
			   morgue_template_lookup lookup, void *payload)
{
	rstate r;
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.lookup = lookup;
	r.payload = payload;
	if (ctx)
		push_ctx(&r, ctx);
	int rc = render_list(&r, t, &t->root, 0);
	free(r.stk);
	free(r.fr);
	morgue_buf_free(&r.ind);
	return rc;
}
