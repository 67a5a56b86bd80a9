/*
 * sql.h - small helpers over SQLite statements shared by the modules that
 * hold a connection (catalog, cache).
 */
#ifndef MORGUE_SQL_H
#define MORGUE_SQL_H

#include <sqlite3.h>
#include <stddef.h>

/* Prepare sql on db and step it once for each of the n ids, bound as its
 * one parameter. SQLITE_OK, or the first failing SQLite result code (the
 * connection's sqlite3_errmsg says why; the caller reports it). */
int morgue_sql_each_id(sqlite3 *db, const char *sql, const long long *ids, size_t n);

#endif
