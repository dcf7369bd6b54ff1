/*
 * localdb.h - the embedded local PostgreSQL: a cluster pgmig creates with
 * initdb under <project>/.pgmig/local/ and starts on demand when no target is
 * configured (and later as the fallback shadow server for `validate`).
 *
 * Layout: <root> = <project>/.pgmig/local; data in <root>/data; unix socket in
 * <root> (or, when that path is too long for a socket or not reachable by the
 * server's user, in a private directory recorded in <root>/socket or
 * <root>/cluster, see below);
 * listen_addresses = '' (socket only); a free port chosen at first start and
 * kept in <root>/port; fsync, full_page_writes and synchronous_commit off; the
 * server log in <root>/server.log. The database used is "pgmig" (created at
 * first start), superuser "postgres", trust authentication on the socket.
 *
 * PostgreSQL refuses to run as root: when pgmig runs as root, initdb and the
 * server run as the unprivileged user "postgres" (else "nobody"; an existing
 * data directory keeps running as its owner), and the directories are chowned
 * to it.
 *
 * Private cluster directory: when that user cannot reach <root> (e.g. the
 * project is under /root, mode 700) or the path has characters pg_ctl's shell
 * command cannot take ("$`\), a new cluster is kept in
 * /var/tmp/pgmig-local-<uid>-<first 16 hex of sha256(root)>/ (data, server.log
 * and the socket), whose path is recorded in the plain text file
 * <root>/cluster; <root>/server.log is then a symlink to the real log. <root>
 * itself always holds lock, port, and cluster/socket when used. Deleting
 * <root> means a fresh cluster next time: an orphaned private cluster for the
 * same path is stopped and wiped. /var/tmp may be cleaned by the system after
 * long disuse; the cluster is then simply re-created.
 *
 * Socket directory: when <root>/.s.PGSQL.<port> would exceed the 107 bytes of
 * sun_path (or the path has a comma or quote), the socket lives in a mkdtemp
 * directory /tmp/pgmig-XXXXXX (mode 700) recorded in <root>/socket, re-created
 * under the same name after a reboot.
 *
 * Concurrency: localdb_start and localdb_stop take flock(<root>/lock) around
 * initdb, start and stop. Child processes get /dev/null as stdin and the log
 * as stdout/stderr: nothing is written to pgmig's own stdout or stderr.
 */
#ifndef PGMIG_PG_LOCALDB_H
#define PGMIG_PG_LOCALDB_H

#include "util/err.h"

struct localdb {
    char *root;    /* absolute <project>/.pgmig/local */
    char *datadir; /* <clusterdir>/data */
    char *sockdir; /* directory of the unix socket */
    char *bindir;  /* PostgreSQL server binaries (initdb, pg_ctl, postgres); NULL when not found */
    int port;      /* 0 until known */
    char *clusterdir; /* where data and server.log live: root, or the private directory */
    char *logfile;    /* <clusterdir>/server.log: initdb, pg_ctl and server output */
};

/* Compute paths for the project directory (usually the cwd); reads
 * <root>/cluster, <root>/socket and <root>/port when present. No side effects. */
void localdb_init(struct localdb *l, const char *project_dir);
void localdb_release(struct localdb *l);

/* 1 when the server is running (postmaster.pid valid and socket answers), 0 when not. */
int localdb_running(struct localdb *l);
/* 1 when a cluster has been initialised (data directory exists). */
int localdb_exists(const struct localdb *l);

/*
 * Create the cluster if needed (initdb), start it if not running (pg_ctl -w),
 * and make sure the "pgmig" database exists. Idempotent; safe when two pgmig
 * processes race (one initdb wins, the other waits for it). On failure e
 * names the step and points at server.log (PM_EXIT_ENV).
 */
int localdb_start(struct localdb *l, struct pm_err *e);
/* Stop the server (fast shutdown). Not running is not an error. */
int localdb_stop(struct localdb *l, struct pm_err *e);

/* The connection URL of database `dbname` (NULL means "pgmig"), e.g.
 * postgresql://postgres@/pgmig?host=/abs/.pgmig/local&port=54321. Caller frees.
 * Valid once the port is known (after start, or when a port file exists). */
char *localdb_url(const struct localdb *l, const char *dbname);

/* Locate the PostgreSQL server binaries: $PGMIG_PG_BINDIR, else the newest
 * /usr/lib/postgresql/<N>/bin with initdb, else the directory of `initdb` on
 * PATH. Returns a malloc'd path or NULL. */
char *localdb_find_bindir(void);

#endif
