#include "util/sql.h"

int morgue_sql_each_id(sqlite3 *db, const char *sql, const long long *ids, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		int sr = sqlite3_step(st);
		if (sr != SQLITE_DONE)
			rc = sr == SQLITE_ROW ? SQLITE_MISUSE : sr;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}
