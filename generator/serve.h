/*
 * serve.h - the local preview server (libmicrohttpd) behind `morgue serve`.
 *
 * Serves a built site from a directory on 127.0.0.1 only. HTML responses
 * get one extra <script src="/__morgue/reload.js"> before </body>: it
 * long-polls the server with classic script tags (the same technique the
 * search index uses, so the page's Content-Security-Policy of
 * script-src 'self' allows it) and reloads the page when the site was
 * rebuilt (morgue_serve_bump). Nothing of this ends up in built sites.
 *
 * Threads: the server answers on its own threads; bump may be called from
 * any thread. The directory is read per request, so a rebuild that swaps
 * the site directory in place is picked up at once.
 */
#ifndef MORGUE_SERVE_H
#define MORGUE_SERVE_H

typedef struct morgue_server morgue_server;

/* Start serving dir on 127.0.0.1:port (port 0: any free port). */
int morgue_serve_start(morgue_server **out, const char *dir, int port);
/* The port actually bound. */
int morgue_serve_port(const morgue_server *s);
/* The site changed: open pages reload. */
void morgue_serve_bump(morgue_server *s);
void morgue_serve_stop(morgue_server *s);

#endif
