/*
 * test_localdb.c - the embedded local PostgreSQL against the real server
 * binaries: cold and warm start, URL, concurrent starts, stop, restart after
 * SIGKILL, the private cluster directory, the /tmp socket fallback, errors.
 * Slow (seconds). Everything started is stopped and removed at the end.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "pg/localdb.h"
#include "unit.h"
#include "util/fs.h"
#include "util/mem.h"

#include <libpq-fe.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Everything to remove at the end, even when checks failed. */
static char *cleanup_dirs[32];
static int n_cleanup;
static struct localdb *live[8];
static int n_live;

static void note_dir(const char *d)
{
    if (d && n_cleanup < (int)ARRAY_SIZE(cleanup_dirs))
        cleanup_dirs[n_cleanup++] = xstrdup(d);
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static void rm_rf(const char *path)
{
    nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static pid_t postmaster_pid(const struct localdb *l)
{
    char *f = fs_join(l->datadir, "postmaster.pid");
    FILE *fp = fopen(f, "r");
    free(f);
    long pid = 0;
    if (fp) {
        if (fscanf(fp, "%ld", &pid) != 1)
            pid = 0;
        fclose(fp);
    }
    return (pid_t)pid;
}

/* Stop the project's cluster (whoever started it) and note its private dirs. */
static void cleanup_one(struct localdb *l)
{
    struct pm_err e = PM_ERR_INIT;
    if (localdb_stop(l, &e) != 0) /* re-reads the layout files */
        fprintf(stderr, "cleanup: stop failed: %s\n%s\n", e.primary, e.detail ? e.detail : "");
    pm_err_release(&e);
    pid_t pm = postmaster_pid(l);
    if (pm > 0 && kill(pm, 0) == 0) { /* stop failed: do not leave it running */
        kill(pm, SIGQUIT);
        for (int i = 0; i < 250 && kill(pm, 0) == 0; i++)
            usleep(20000);
    }
    if (l->clusterdir && strcmp(l->clusterdir, l->root) != 0)
        note_dir(l->clusterdir);
    if (l->sockdir && strncmp(l->sockdir, "/tmp/pgmig-", 11) == 0)
        note_dir(l->sockdir);
}

static void cleanup_all(void)
{
    for (int i = 0; i < n_live; i++) {
        cleanup_one(live[i]);
        localdb_release(live[i]);
        free(live[i]);
    }
    n_live = 0;
    for (int i = 0; i < n_cleanup; i++) {
        rm_rf(cleanup_dirs[i]);
        free(cleanup_dirs[i]);
    }
    n_cleanup = 0;
}

static void on_signal(int sig)
{
    cleanup_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A localdb for project_dir, registered for cleanup. */
static struct localdb *new_localdb(const char *project_dir)
{
    struct localdb *l = xcalloc(1, sizeof(*l));
    localdb_init(l, project_dir);
    live[n_live++] = l;
    return l;
}

/* mkdtemp under /tmp with `mode`, registered for cleanup. Caller frees. */
static char *temp_dir(const char *name, int mode)
{
    char *d = xasprintf("/tmp/pgmig-ldbtest-%s-XXXXXX", name);
    if (!mkdtemp(d)) {
        perror("mkdtemp");
        exit(2);
    }
    chmod(d, (mode_t)mode);
    note_dir(d);
    return d;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int start_ok(struct localdb *l)
{
    struct pm_err e = PM_ERR_INIT;
    int rc = localdb_start(l, &e);
    if (rc != 0)
        fprintf(stderr, "localdb_start failed: %s\n  detail: %s\n  hint: %s\n", e.primary,
                e.detail ? e.detail : "", e.hint ? e.hint : "");
    pm_err_release(&e);
    return rc == 0;
}

static int stop_ok(struct localdb *l)
{
    struct pm_err e = PM_ERR_INIT;
    int rc = localdb_stop(l, &e);
    if (rc != 0)
        fprintf(stderr, "localdb_stop failed: %s\n  detail: %s\n", e.primary,
                e.detail ? e.detail : "");
    pm_err_release(&e);
    return rc == 0;
}

/* Connect with the URL and check who and where we are. */
static void check_url(const struct localdb *l)
{
    char *url = localdb_url(l, NULL);
    CHECK(strncmp(url, "postgresql://postgres@/pgmig?host=", 34) == 0);
    PGconn *c = PQconnectdb(url);
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    if (PQstatus(c) != CONNECTION_OK)
        fprintf(stderr, "url %s: %s", url, PQerrorMessage(c));
    PGresult *r = PQexec(c, "SELECT current_user, current_database()");
    CHECK_INT(PQresultStatus(r), PGRES_TUPLES_OK);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        CHECK_STR(PQgetvalue(r, 0, 0), "postgres");
        CHECK_STR(PQgetvalue(r, 0, 1), "pgmig");
    }
    PQclear(r);
    PQfinish(c);
    free(url);

    url = localdb_url(l, "postgres");
    c = PQconnectdb(url);
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    PQfinish(c);
    free(url);
}

/* Start the project in `n` forked processes at once; the number that succeeded. */
static int concurrent_starts(const char *project_dir, int n)
{
    pid_t pids[8];
    fflush(NULL);
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            struct localdb l;
            localdb_init(&l, project_dir);
            int ok = start_ok(&l);
            localdb_release(&l);
            _exit(ok ? 0 : 1);
        }
    }
    int good = 0;
    for (int i = 0; i < n; i++) {
        int ws;
        if (pids[i] > 0 && waitpid(pids[i], &ws, 0) == pids[i] && WIFEXITED(ws) &&
            WEXITSTATUS(ws) == 0)
            good++;
    }
    return good;
}

static void write_pidfile(const struct localdb *l, pid_t pid)
{
    char *f = fs_join(l->datadir, "postmaster.pid");
    FILE *fp = fopen(f, "w");
    if (fp) {
        fprintf(fp, "%ld\n%s\n", (long)pid, l->datadir);
        fclose(fp);
    }
    free(f);
}

static int file_exists_in(const char *dir, const char *name)
{
    char *f = fs_join(dir, name);
    int ok = fs_exists(f);
    free(f);
    return ok;
}

static void test_lifecycle(void)
{
    char *base = temp_dir("life", 0755);
    struct localdb *l = new_localdb(base);

    CHECK(strstr(l->root, "/.pgmig/local") != NULL);
    CHECK(!localdb_exists(l));
    CHECK(!localdb_running(l));

    /* Cold start, with our stdout and stderr captured: they must stay clean. */
    char *capture = fs_join(base, "captured-output");
    int cfd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    fflush(NULL);
    int saved1 = dup(1), saved2 = dup(2);
    dup2(cfd, 1);
    dup2(cfd, 2);
    double t0 = now_s();
    struct pm_err e = PM_ERR_INIT;
    int rc = localdb_start(l, &e);
    double cold = now_s() - t0;
    fflush(NULL);
    dup2(saved1, 1);
    dup2(saved2, 2);
    close(saved1);
    close(saved2);
    close(cfd);
    if (rc != 0)
        fprintf(stderr, "cold start failed: %s\n  detail: %s\n  hint: %s\n", e.primary,
                e.detail ? e.detail : "", e.hint ? e.hint : "");
    pm_err_release(&e);
    CHECK_INT(rc, 0);
    struct stat st;
    CHECK(stat(capture, &st) == 0 && st.st_size == 0);
    free(capture);

    CHECK(localdb_exists(l));
    CHECK(localdb_running(l));
    CHECK(l->port >= 1024);
    CHECK_STR(l->clusterdir, l->root);
    CHECK_STR(l->sockdir, l->root);
    CHECK(file_exists_in(l->root, "port"));
    CHECK(file_exists_in(l->root, "server.log"));
    CHECK(!file_exists_in(l->root, "cluster"));
    CHECK(!file_exists_in(l->root, "socket"));
    check_url(l);

    /* A second start is a no-op; so is a fresh struct for the same project. */
    pid_t pm = postmaster_pid(l);
    t0 = now_s();
    CHECK(start_ok(l));
    double noop = now_s() - t0;
    CHECK_INT(postmaster_pid(l), pm);
    struct localdb other;
    localdb_init(&other, base);
    CHECK_INT(other.port, l->port);
    CHECK(localdb_running(&other));
    CHECK(start_ok(&other));
    localdb_release(&other);

    CHECK(stop_ok(l));
    CHECK(!localdb_running(l));
    CHECK(localdb_exists(l));
    CHECK(stop_ok(l)); /* not running is not an error */

    /* Warm start (cluster exists, server stopped). The server must not
     * inherit our descriptors: a pipe open across the start sees EOF. */
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    t0 = now_s();
    CHECK(start_ok(l));
    double warm = now_s() - t0;
    CHECK(localdb_running(l));
    close(pfd[1]);
    fcntl(pfd[0], F_SETFL, O_NONBLOCK);
    char byte;
    CHECK_INT(read(pfd[0], &byte, 1), 0);
    close(pfd[0]);
    CHECK(stop_ok(l));

    /* Two processes starting the stopped cluster at once. */
    CHECK_INT(concurrent_starts(base, 2), 2);
    CHECK(localdb_running(l));
    check_url(l);

    /* SIGKILL the postmaster and start at once: the pid file is stale and the
     * postmaster may still be a zombie (its parent is PID 1 by now). */
    pm = postmaster_pid(l);
    CHECK(pm > 0);
    if (pm > 0)
        kill(pm, SIGKILL);
    for (int i = 0; i < 100 && localdb_running(l); i++)
        usleep(10000);
    CHECK(!localdb_running(l));
    t0 = now_s();
    CHECK(start_ok(l));
    double after_kill = now_s() - t0;
    CHECK(localdb_running(l));
    CHECK(postmaster_pid(l) != pm);
    check_url(l);
    CHECK(stop_ok(l));
    CHECK(!localdb_running(l));

    /* After a reboot the pid in a stale postmaster.pid may be another live
     * process, or a zombie: neither may block the start. */
    pid_t stranger = fork();
    if (stranger == 0) {
        pause();
        _exit(0);
    }
    write_pidfile(l, stranger);
    CHECK(!localdb_running(l));
    CHECK(start_ok(l));
    CHECK(localdb_running(l));
    CHECK(stop_ok(l));
    kill(stranger, SIGKILL);
    waitpid(stranger, NULL, 0);

    pid_t zombie = fork();
    if (zombie == 0)
        _exit(0);
    usleep(100000); /* not reaped: a zombie now */
    write_pidfile(l, zombie);
    CHECK(!localdb_running(l));
    CHECK(start_ok(l));
    CHECK(localdb_running(l));
    CHECK(stop_ok(l));
    CHECK(!localdb_running(l));
    waitpid(zombie, NULL, 0);

    printf("timings: cold start %.2fs, no-op start %.3fs, warm start %.2fs, "
           "start after SIGKILL %.2fs\n",
           cold, noop, warm, after_kill);
    free(base);
}

/* A project the server user cannot reach (root), or whose path pg_ctl's shell
 * cannot take: the cluster goes to a private directory in /var/tmp. Two cold
 * starts race here (one initdb). */
static void test_private_cluster(void)
{
    char *base;
    char *project;
    if (geteuid() == 0) {
        base = temp_dir("priv", 0700); /* root-owned, mode 700 */
        project = fs_join(base, "proj");
    } else {
        base = temp_dir("priv", 0755);
        project = fs_join(base, "pro$ject");
    }
    mkdir(project, 0755);
    struct localdb *l = new_localdb(project);
    CHECK(!localdb_exists(l));

    CHECK_INT(concurrent_starts(project, 2), 2);
    localdb_release(l);
    localdb_init(l, project);
    CHECK(localdb_running(l));
    CHECK(localdb_exists(l));
    CHECK(file_exists_in(l->root, "cluster"));
    CHECK(strncmp(l->clusterdir, "/var/tmp/pgmig-local-", 21) == 0);
    CHECK_STR(l->sockdir, l->clusterdir);
    struct stat st;
    CHECK(lstat(l->clusterdir, &st) == 0 && (st.st_mode & 077) == 0);
    if (geteuid() == 0)
        CHECK(st.st_uid != 0);
    check_url(l);
    CHECK(stop_ok(l));
    CHECK(!localdb_running(l));
    CHECK(start_ok(l));
    CHECK(localdb_running(l));
    CHECK(stop_ok(l));

    /* Deleting .pgmig/local means a fresh cluster, even with the server up. */
    CHECK(start_ok(l));
    char *old_cluster = xstrdup(l->clusterdir);
    char *pgmig_dir = fs_dirname(l->root);
    rm_rf(pgmig_dir);
    struct localdb *l2 = new_localdb(project);
    CHECK(!localdb_exists(l2));
    CHECK(start_ok(l2));
    CHECK(localdb_running(l2));
    CHECK_STR(l2->clusterdir, old_cluster);
    check_url(l2);
    CHECK(stop_ok(l2));
    free(pgmig_dir);
    free(old_cluster);
    free(project);
    free(base);
}

/* A project path so long that <root>/.s.PGSQL.<port> does not fit in sun_path. */
static void test_long_path(void)
{
    char *base = temp_dir("long", 0755);
    char *project = fs_join(base, "a-rather-long-directory-name-to-push-the-socket-path-over"
                                  "-the-limit-of-sun-path-in-the-kernel");
    mkdir(project, 0755);
    CHECK(strlen(project) > 110);
    struct localdb *l = new_localdb(project);
    CHECK(start_ok(l));
    CHECK(localdb_running(l));
    CHECK(file_exists_in(l->root, "socket"));
    CHECK(strncmp(l->sockdir, "/tmp/pgmig-", 11) == 0);
    CHECK_STR(l->clusterdir, l->root);
    check_url(l);
    CHECK(stop_ok(l));

    /* /tmp cleaned (reboot): the recorded socket directory is re-created. */
    char *sock = xstrdup(l->sockdir);
    rm_rf(sock);
    CHECK(!fs_exists(sock));
    CHECK(start_ok(l));
    CHECK_STR(l->sockdir, sock);
    CHECK(localdb_running(l));
    check_url(l);
    CHECK(stop_ok(l));
    free(sock);
    free(project);
    free(base);
}

static void write_script(const char *dir, const char *name, const char *body)
{
    char *f = fs_join(dir, name);
    FILE *fp = fopen(f, "w");
    if (fp) {
        fputs(body, fp);
        fclose(fp);
    }
    chmod(f, 0755);
    free(f);
}

static void test_errors(void)
{
    char *base = temp_dir("err", 0755);
    struct localdb *l = new_localdb(base);
    struct pm_err e = PM_ERR_INIT;

    /* Missing binaries. */
    free(l->bindir);
    l->bindir = xstrdup("/nonexistent/bin");
    CHECK_INT(localdb_start(l, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_ENV);
    CHECK(e.primary && strstr(e.primary, "initdb"));
    CHECK(e.hint && strstr(e.hint, "postgresql"));
    pm_err_release(&e);

    /* initdb fails: the step is named, the log tail is the detail. */
    char *bin = fs_join(base, "fakebin");
    mkdir(bin, 0755);
    write_script(bin, "initdb", "#!/bin/sh\necho 'initdb: boom'\nexit 1\n");
    write_script(bin, "pg_ctl", "#!/bin/sh\necho 'pg_ctl: could not start: nope' >&2\nexit 1\n");
    write_script(bin, "postgres", "#!/bin/sh\nexit 1\n");
    free(l->bindir);
    l->bindir = xstrdup(bin);
    CHECK_INT(localdb_start(l, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_ENV);
    CHECK_STR(e.primary, "initdb failed");
    CHECK(e.detail && strstr(e.detail, "initdb: boom"));
    CHECK(e.hint && strstr(e.hint, "server.log"));
    CHECK(!localdb_exists(l));
    pm_err_release(&e);

    /* The server does not start. */
    write_script(bin, "initdb",
                 "#!/bin/sh\nmkdir -p \"$2\" && echo 15 > \"$2/PG_VERSION\" && "
                 "touch \"$2/postgresql.conf\"\n");
    CHECK_INT(localdb_start(l, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_ENV);
    CHECK_STR(e.primary, "the local PostgreSQL did not start");
    CHECK(e.detail && strstr(e.detail, "nope"));
    CHECK(e.detail && !strstr(e.detail, "boom")); /* only this step's lines */
    CHECK(e.hint && strstr(e.hint, l->logfile));
    CHECK(localdb_exists(l));
    pm_err_release(&e);
    free(bin);
    free(base);
}

static void test_url_encoding(void)
{
    struct localdb l;
    memset(&l, 0, sizeof(l));
    l.sockdir = "/tmp/a b%c";
    l.port = 54321;
    char *u = localdb_url(&l, "my db");
    CHECK_STR(u, "postgresql://postgres@/my%20db?host=/tmp/a%20b%25c&port=54321");
    free(u);
}

int main(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    atexit(cleanup_all);
    char *bindir = localdb_find_bindir();
    if (!bindir) {
        printf("PostgreSQL server binaries not found: skipping (apt-get install postgresql)\n");
        return 0;
    }
    free(bindir);
    RUN(test_url_encoding);
    RUN(test_errors);
    RUN(test_lifecycle);
    RUN(test_private_cluster);
    RUN(test_long_path);
    cleanup_all();
    UNIT_DONE();
}
