/* jitty real-program corpus: SQLite. An in-memory database: creates two
 * tables, inserts 10,000 rows in one transaction through a prepared
 * statement, then runs aggregate, join, WITH RECURSIVE, update, delete and
 * string queries, printing every result row. Exit 0 on success, 1 on any
 * SQLite error (printed).
 *
 * `sqlite_main ROWS` runs the benchmark workload of `jitty bench engine`
 * instead (bench_workload below): ROWS inserts in one transaction, an index,
 * an aggregate, a join and ROWS indexed point lookups, printing only
 * checksums. The bench's sizes (its ROWS):
 *
 * jitty-bench: full=120000 quick=3000
 */
#include <stdio.h>
#include <stdlib.h>
#include "sqlite3.h"

static unsigned long long lcg_state = 0x853C49E6748FEA9BULL;
static unsigned next_rand(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(lcg_state >> 33);
}

static int print_row(void *title, int n, char **vals, char **cols) {
    (void)cols;
    if (title) printf("  ");
    for (int i = 0; i < n; i++) printf("%s%s", i ? " | " : "", vals[i] ? vals[i] : "NULL");
    printf("\n");
    return 0;
}

static int query(sqlite3 *db, const char *title, const char *sql) {
    char *msg = NULL;
    printf("-- %s\n", title);
    if (sqlite3_exec(db, sql, print_row, (void *)title, &msg) != SQLITE_OK) {
        printf("error: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

static int corpus_workload(void) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        printf("open failed\n");
        return 1;
    }
    int bad = 0;
    bad |= query(db, "schema",
                 "CREATE TABLE grp(id INTEGER PRIMARY KEY, label TEXT NOT NULL);"
                 "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER REFERENCES grp(id),"
                 "                  qty INTEGER, price REAL);"
                 "CREATE INDEX item_grp ON item(grp, qty);");
    static const char *labels[] = {"apples", "bolts", "cables", "drills", "engines",
                                   "fuses", "gears", "hinges", "irons", "jacks"};
    sqlite3_stmt *st;
    bad |= sqlite3_exec(db, "BEGIN", 0, 0, 0) != SQLITE_OK;
    sqlite3_prepare_v2(db, "INSERT INTO grp(id, label) VALUES(?1, ?2)", -1, &st, 0);
    for (int i = 0; i < 10; i++) {
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, labels[i], -1, SQLITE_STATIC);
        bad |= sqlite3_step(st) != SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "INSERT INTO item(name, grp, qty, price) VALUES(?1, ?2, ?3, ?4)", -1, &st, 0);
    for (int i = 0; i < 10000; i++) {
        char name[32];
        unsigned r = next_rand();
        snprintf(name, sizeof name, "%s-%05u", labels[r % 10], next_rand() % 100000);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, (int)(next_rand() % 10));
        sqlite3_bind_int(st, 3, (int)(next_rand() % 1000) - 100);
        sqlite3_bind_double(st, 4, (next_rand() % 100000) / 100.0 + 0.125);
        if (sqlite3_step(st) != SQLITE_DONE) {
            printf("insert %d: %s\n", i, sqlite3_errmsg(db));
            bad = 1;
            break;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    bad |= sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK;

    bad |= query(db, "count", "SELECT count(*), sum(qty), printf('%.4f', sum(price)) FROM item");
    bad |= query(db, "aggregate by group",
                 "SELECT grp, count(*), sum(qty), min(qty), max(qty), printf('%.3f', avg(price)),"
                 "       min(name), max(name) FROM item GROUP BY grp ORDER BY grp");
    bad |= query(db, "join",
                 "SELECT g.label, count(*), total(i.qty * i.price) FROM item i JOIN grp g ON g.id = i.grp"
                 " WHERE i.qty BETWEEN 100 AND 400 AND i.name LIKE 'b%' GROUP BY g.label ORDER BY 3 DESC");
    bad |= query(db, "top 5 by value",
                 "SELECT id, name, qty, price, round(qty * price, 2) FROM item ORDER BY qty * price DESC, id LIMIT 5");
    bad |= query(db, "with recursive: series",
                 "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000)"
                 " SELECT count(*), sum(x), sum(x * x), sum(x % 7 = 3) FROM n");
    bad |= query(db, "with recursive: collatz",
                 "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 60),"
                 " c(start, v, steps) AS ("
                 "  SELECT x, x, 0 FROM s"
                 "  UNION ALL SELECT start, CASE WHEN v % 2 THEN 3 * v + 1 ELSE v / 2 END, steps + 1"
                 "  FROM c WHERE v > 1)"
                 " SELECT start, max(steps) FROM c GROUP BY start ORDER BY 2 DESC, 1 LIMIT 5");
    bad |= query(db, "window",
                 "SELECT grp, name, qty, rank() OVER (PARTITION BY grp ORDER BY qty DESC, id) AS r"
                 " FROM item WHERE id % 500 = 1 ORDER BY grp, r LIMIT 12");
    bad |= query(db, "update and delete",
                 "UPDATE item SET price = price * 1.5 WHERE grp = 3;"
                 "DELETE FROM item WHERE qty < 0;"
                 "SELECT changes(), count(*), printf('%.2f', sum(price)) FROM item");
    bad |= query(db, "strings",
                 "SELECT upper(substr(name, 1, 3)) AS p, count(*), length(group_concat(name, ','))"
                 " FROM item WHERE name GLOB '*7*' GROUP BY p ORDER BY p");
    bad |= query(db, "floats",
                 "SELECT 1.0 / 3, 2.5e-10 * 4, 1e300 * 10, -0.0, 0.1 + 0.2, cast(7.999 AS INTEGER),"
                 " 9223372036854775807 + 1, printf('%e|%g|%10.3f', 12345.6789, 0.0001234, -3.14159)");
    sqlite3_close(db);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad;
}

/* Steps a prepared statement to its end; 1 on an error (printed). */
static int step_all(sqlite3 *db, sqlite3_stmt *st) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
        printf("error: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    return 0;
}

/* The benchmark workload: `rows` rows inserted in one transaction through a
 * prepared statement, an index built on them, one aggregate and one join
 * printed (a few rows), then `rows` point lookups through the index whose
 * results are folded into a checksum. Time goes to SQLite's B-tree, VDBE and
 * record code, not to printing. */
static int bench_workload(int rows) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        printf("open failed\n");
        return 1;
    }
    int bad = 0;
    bad |= query(db, "schema",
                 "CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                 "CREATE TABLE emp(id INTEGER PRIMARY KEY, badge INTEGER NOT NULL, dept INTEGER NOT NULL,"
                 "                 salary REAL NOT NULL, name TEXT NOT NULL);"
                 "INSERT INTO dept(id, name) VALUES (0, 'ops'), (1, 'dev'), (2, 'qa'), (3, 'sales'),"
                 " (4, 'hr'), (5, 'legal'), (6, 'it'), (7, 'labs');");
    sqlite3_stmt *st;
    bad |= sqlite3_exec(db, "BEGIN", 0, 0, 0) != SQLITE_OK;
    bad |= sqlite3_prepare_v2(db, "INSERT INTO emp(badge, dept, salary, name) VALUES(?1, ?2, ?3, ?4)", -1, &st, 0) !=
           SQLITE_OK;
    for (int i = 0; i < rows && !bad; i++) {
        char name[24];
        /* Badges are a permutation of 0..rows-1 (7919 is prime, rows is not
         * a multiple of it at the bench sizes), so lookups by badge hit. */
        long long badge = (long long)i * 7919 % rows;
        snprintf(name, sizeof name, "emp-%06u", next_rand() % 1000000);
        sqlite3_bind_int64(st, 1, badge);
        sqlite3_bind_int(st, 2, (int)(next_rand() % 8));
        sqlite3_bind_double(st, 3, 1000.0 + (next_rand() % 900000) / 100.0);
        sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
        bad |= step_all(db, st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    bad |= sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK;
    bad |= query(db, "index", "CREATE INDEX emp_badge ON emp(badge)");
    bad |= query(db, "aggregate",
                 "SELECT dept, count(*), printf('%.2f', sum(salary)), printf('%.4f', avg(salary)), min(name),"
                 " max(name) FROM emp GROUP BY dept ORDER BY dept");
    bad |= query(db, "join",
                 "SELECT d.name, count(*), printf('%.2f', total(e.salary)) FROM emp e JOIN dept d ON d.id = e.dept"
                 " WHERE e.badge % 3 = 0 AND e.name > 'emp-5' GROUP BY d.name ORDER BY 2 DESC, 1");
    unsigned long long sum = 0;
    int hits = 0;
    bad |= sqlite3_prepare_v2(db, "SELECT id, salary, name FROM emp WHERE badge = ?1", -1, &st, 0) != SQLITE_OK;
    for (int i = 0; i < rows && !bad; i++) {
        sqlite3_bind_int64(st, 1, (long long)i * 104729 % rows);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const unsigned char *name = sqlite3_column_text(st, 2);
            sum = sum * 31 + (unsigned long long)sqlite3_column_int64(st, 0) +
                  (unsigned long long)(sqlite3_column_double(st, 1) * 100.0) + (name ? name[4] + name[9] : 0);
            hits++;
        }
        if (rc != SQLITE_DONE) {
            printf("lookup: %s\n", sqlite3_errmsg(db));
            bad = 1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    printf("-- lookups\n%d hits, checksum %llu\n", hits, sum);
    sqlite3_close(db);
    printf("%s\n", bad ? "FAILED" : "ok");
    return bad;
}

int main(int argc, char **argv) {
    printf("sqlite %s\n", sqlite3_libversion());
    if (argc > 1) {
        int rows = atoi(argv[1]);
        if (rows < 1) {
            printf("usage: %s [ROWS >= 1]\n", argv[0]);
            return 2;
        }
        return bench_workload(rows);
    }
    return corpus_workload();
}
