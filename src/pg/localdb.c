/*
 * localdb.c - the embedded local PostgreSQL: initdb, pg_ctl start/stop and the
 * "pgmig" database, run as an unprivileged user when pgmig runs as root.
 * Layout and contracts are described in localdb.h.
 */
#include "pg/localdb.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/mem.h"

#include <libpq-fe.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LOCALDB_DBNAME "pgmig"
/* sizeof(sockaddr_un.sun_path) - 1: the longest socket path the kernel takes. */
#define SOCK_PATH_MAX  107
#define PORT_FIRST     50000
#define PORT_COUNT     10000
#define LOG_TAIL_LINES 10

/* The user initdb and the server run as: inactive unless pgmig runs as root. */
struct runas {
    int active;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int ngroups;
    char *name;
};

static void runas_release(struct runas *ra)
{
    free(ra->groups);
    free(ra->name);
    memset(ra, 0, sizeof(*ra));
}

/* ---- small file helpers ---------------------------------------------- */

/* The first line of a small file, trimmed; NULL when absent or empty. Caller frees. */
static char *read_line_file(const char *path)
{
    struct buf b = BUF_INIT;
    struct pm_err e = PM_ERR_INIT;
    char *res = NULL;
    if (fs_read_file(path, &b, &e) == 0) {
        size_t n = strcspn(b.data, "\r\n");
        while (n > 0 && (b.data[n - 1] == ' ' || b.data[n - 1] == '\t'))
            n--;
        if (n > 0)
            res = xstrndup(b.data, n);
    }
    pm_err_release(&e);
    buf_release(&b);
    return res;
}

/*
 * Write a whole file atomically (exclusive temp file + rename, never following
 * a symlink: when running as root the directory may belong to the server user)
 * and hand it to `ra`'s user when active.
 */
static int write_file_as(const char *path, const char *text, int mode, const struct runas *ra,
                         struct pm_err *e)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int rc = -1;
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not create %s: %s", tmp, strerror(errno));
        goto out;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pm_err_set(e, PM_EXIT_ENV, "could not write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            goto out;
        }
        off += (size_t)n;
    }
    if (ra && ra->active && fchown(fd, ra->uid, ra->gid) != 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not change owner of %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not write %s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

/* Remove the contents of directory fd `dfd` (closed here), never following symlinks. */
static int remove_contents(int dfd, int depth)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (unlinkat(dfd, de->d_name, 0) == 0 || errno == ENOENT)
            continue;
        if (errno != EISDIR && errno != EPERM) {
            rc = -1;
            continue;
        }
        int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 || depth > 64 || remove_contents(sub, depth + 1) != 0 ||
            unlinkat(dfd, de->d_name, AT_REMOVEDIR) != 0) {
            if (sub >= 0 && depth > 64)
                close(sub);
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

/* rm -rf without following symlinks; a missing path is fine. */
static int remove_tree(const char *path)
{
    if (unlink(path) == 0 || errno == ENOENT)
        return 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || remove_contents(fd, 0) != 0)
        return -1;
    return rmdir(path);
}

static int is_executable(const char *dir, const char *prog)
{
    char *p = fs_join(dir, prog);
    int ok = access(p, X_OK) == 0 && !fs_is_dir(p);
    free(p);
    return ok;
}

/* ---- paths ------------------------------------------------------------ */

/* Characters that break pg_ctl's shell command line ("exec ... -D \"%s\""). */
static int unsafe_for_cluster(const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f || strchr("\"$`\\", *p))
            return 1;
    return 0;
}

/* The socket directory: its socket path must fit in sun_path, and libpq's
 * host list is comma-separated. */
static int unusable_for_socket(const char *dir)
{
    if (strlen(dir) + strlen("/.s.PGSQL.65535") > SOCK_PATH_MAX)
        return 1;
    for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
        if (*p < 0x20 || *p == 0x7f || strchr(",\"'\\$`", *p))
            return 1;
    return 0;
}

static char *absolute_path(const char *dir)
{
    char *r = realpath(dir, NULL);
    if (r) {
        char *x = xstrdup(r);
        free(r);
        return x;
    }
    if (dir[0] == '/')
        return xstrdup(dir);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return xstrdup(dir);
    return fs_join(cwd, dir);
}

/* (Re)read <root>/cluster, <root>/socket and <root>/port. */
static void load_layout(struct localdb *l)
{
    char *f = fs_join(l->root, "cluster");
    char *cluster = read_line_file(f);
    free(f);
    free(l->clusterdir);
    l->clusterdir = cluster ? cluster : xstrdup(l->root);

    free(l->datadir);
    l->datadir = fs_join(l->clusterdir, "data");
    free(l->logfile);
    l->logfile = fs_join(l->clusterdir, "server.log");

    f = fs_join(l->root, "socket");
    char *sock = read_line_file(f);
    free(f);
    free(l->sockdir);
    l->sockdir = sock ? sock : xstrdup(l->clusterdir);

    f = fs_join(l->root, "port");
    char *port = read_line_file(f);
    free(f);
    if (port) {
        char *end;
        long p = strtol(port, &end, 10);
        if (*end == '\0' && p > 0 && p < 65536)
            l->port = (int)p;
        free(port);
    }
}

void localdb_init(struct localdb *l, const char *project_dir)
{
    memset(l, 0, sizeof(*l));
    char *abs = absolute_path(project_dir);
    l->root = fs_join(abs, ".pgmig/local");
    free(abs);
    l->bindir = localdb_find_bindir();
    load_layout(l);
}

void localdb_release(struct localdb *l)
{
    free(l->root);
    free(l->datadir);
    free(l->sockdir);
    free(l->bindir);
    free(l->clusterdir);
    free(l->logfile);
    memset(l, 0, sizeof(*l));
}

/* ---- binaries --------------------------------------------------------- */

static int version_of(const char *name)
{
    char *end;
    long v = strtol(name, &end, 10);
    if (end == name || *end != '\0' || v <= 0 || v > 100000)
        return -1;
    return (int)v;
}

char *localdb_find_bindir(void)
{
    const char *env = getenv("PGMIG_PG_BINDIR");
    if (env && *env)
        return xstrdup(env);

    char *best = NULL;
    int best_v = -1;
    DIR *d = opendir("/usr/lib/postgresql");
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            int v = version_of(de->d_name);
            if (v <= best_v)
                continue;
            char *bin = xasprintf("/usr/lib/postgresql/%s/bin", de->d_name);
            if (is_executable(bin, "initdb")) {
                free(best);
                best = bin;
                best_v = v;
            } else {
                free(bin);
            }
        }
        closedir(d);
    }
    if (best)
        return best;

    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, ":");
        char *dir = n ? xstrndup(p, n) : xstrdup(".");
        if (is_executable(dir, "initdb")) {
            char *abs = absolute_path(dir);
            free(dir);
            return abs;
        }
        free(dir);
        if (!p[n])
            break;
        p += n + 1;
    }
    return NULL;
}

static int check_bindir(struct localdb *l, struct pm_err *e)
{
    if (!l->bindir)
        l->bindir = localdb_find_bindir();
    if (!l->bindir) {
        pm_err_set(e, PM_EXIT_ENV,
                   "the PostgreSQL server programs (initdb, pg_ctl) were not found");
        pm_err_detail(e, "Looked in $PGMIG_PG_BINDIR, /usr/lib/postgresql/<version>/bin and PATH.");
        pm_err_hint(e, "Install the Debian package \"postgresql\" (apt-get install postgresql), "
                       "or set PGMIG_PG_BINDIR to the directory holding initdb and pg_ctl.");
        return -1;
    }
    static const char *const progs[] = {"initdb", "pg_ctl", "postgres"};
    for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
        if (!is_executable(l->bindir, progs[i])) {
            pm_err_set(e, PM_EXIT_ENV, "the PostgreSQL server program %s was not found in %s",
                       progs[i], l->bindir);
            pm_err_hint(e, "Install the Debian package \"postgresql\" (apt-get install "
                           "postgresql), or set PGMIG_PG_BINDIR to the directory holding initdb "
                           "and pg_ctl.");
            return -1;
        }
    }
    return 0;
}

/* ---- running programs ------------------------------------------------- */

static int lookup_user(const char *name, uid_t uid, int by_uid, struct runas *ra)
{
    struct passwd pw, *res = NULL;
    long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t bufsz = sz > 0 ? (size_t)sz : 16384;
    char *buf = xmalloc(bufsz);
    int rc =
        by_uid ? getpwuid_r(uid, &pw, buf, bufsz, &res) : getpwnam_r(name, &pw, buf, bufsz, &res);
    if (rc != 0 || !res || res->pw_uid == 0) {
        free(buf);
        return -1;
    }
    ra->active = 1;
    ra->uid = res->pw_uid;
    ra->gid = res->pw_gid;
    ra->name = xstrdup(res->pw_name);
    int ng = 16;
    ra->groups = xmalloc(sizeof(gid_t) * (size_t)ng);
    if (getgrouplist(ra->name, ra->gid, ra->groups, &ng) < 0) {
        ra->groups = xrealloc(ra->groups, sizeof(gid_t) * (size_t)(ng > 0 ? ng : 1));
        if (getgrouplist(ra->name, ra->gid, ra->groups, &ng) < 0) {
            ra->groups[0] = ra->gid;
            ng = 1;
        }
    }
    ra->ngroups = ng;
    free(buf);
    return 0;
}

/*
 * PostgreSQL refuses to run as root: pick the owner of an existing data
 * directory, else "postgres", else "nobody".
 */
static int resolve_runas(const struct localdb *l, struct runas *ra, struct pm_err *e)
{
    memset(ra, 0, sizeof(*ra));
    if (geteuid() != 0)
        return 0;
    struct stat st;
    if (stat(l->datadir, &st) == 0 && st.st_uid != 0 && lookup_user(NULL, st.st_uid, 1, ra) == 0)
        return 0;
    if (lookup_user("postgres", 0, 0, ra) == 0 || lookup_user("nobody", 0, 0, ra) == 0)
        return 0;
    pm_err_set(
        e, PM_EXIT_ENV,
        "PostgreSQL cannot run as root, and neither user \"postgres\" nor \"nobody\" exists");
    pm_err_hint(e, "Install the Debian package \"postgresql\" (it creates the user postgres), or "
                   "run pgmig as an unprivileged user.");
    return -1;
}

/* Become ra's user in a forked child; async-signal-safe calls only. */
static int child_become(const struct runas *ra)
{
    if (!ra->active)
        return 0;
    if (setgroups((size_t)ra->ngroups, ra->groups) != 0 || setgid(ra->gid) != 0 ||
        setuid(ra->uid) != 0)
        return -1;
    return 0;
}

/* The environment for server programs: no PG* variables (PGDATA, PGPORT,
 * PGOPTIONS... would change their behaviour), no locale, LC_ALL=C. */
static char **child_env(void)
{
    size_t n = 0, cap = 0;
    char **env = NULL;
    for (char **p = environ; p && *p; p++) {
        if (!strncmp(*p, "PG", 2) || !strncmp(*p, "LC_", 3) || !strncmp(*p, "LANG", 4))
            continue;
        ALLOC_GROW(env, n + 2, cap);
        env[n++] = *p;
    }
    ALLOC_GROW(env, n + 2, cap);
    env[n++] = "LC_ALL=C";
    env[n] = NULL;
    return env;
}

/*
 * Run bindir/prog with argv (argv[0] included) as ra's user: stdin from
 * /dev/null, stdout and stderr appended to logfd, cwd "/". Returns the exit
 * status, or -1 when it could not run or was killed (a line is logged).
 */
/* The highest open descriptor (from /proc/self/fd), else a generous guess. */
static int highest_fd(void)
{
    int max = -1;
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            int fd = atoi(de->d_name);
            if (fd > max)
                max = fd;
        }
        closedir(d);
        return max;
    }
    long m = sysconf(_SC_OPEN_MAX);
    return m > 0 && m < 65536 ? (int)m : 65536;
}

static int run_prog(const char *bindir, const char *const *argv, const struct runas *ra, int logfd)
{
    char *path = fs_join(bindir, argv[0]);
    char **env = child_env();
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int maxfd = highest_fd();
    int status = -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
            _exit(126);
        /* The server lives on: it must not hold pgmig's pipes or files open. */
        for (int fd = 3; fd <= maxfd; fd++)
            close(fd);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (child_become(ra) != 0) {
            static const char msg[] = "pgmig: could not switch to the server user\n";
            ssize_t w = write(2, msg, sizeof(msg) - 1);
            (void)w;
            _exit(126);
        }
        if (chdir("/") != 0)
            _exit(126);
        execve(path, (char *const *)argv, env);
        static const char msg[] = "pgmig: could not execute a PostgreSQL program\n";
        ssize_t w = write(2, msg, sizeof(msg) - 1);
        (void)w;
        _exit(127);
    }
    if (devnull >= 0)
        close(devnull);
    if (pid > 0) {
        int ws;
        pid_t r;
        while ((r = waitpid(pid, &ws, 0)) < 0 && errno == EINTR)
            ;
        if (r == pid && WIFEXITED(ws))
            status = WEXITSTATUS(ws);
        else if (r == pid && WIFSIGNALED(ws))
            dprintf(logfd, "pgmig: %s was killed by signal %d\n", argv[0], WTERMSIG(ws));
    } else {
        dprintf(logfd, "pgmig: could not fork: %s\n", strerror(errno));
    }
    free(env);
    free(path);
    return status;
}

/* Whether ra's user can enter and write `dir` (checked by becoming it). */
static int reachable_by(const char *dir, const struct runas *ra)
{
    if (!ra->active)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        if (child_become(ra) != 0)
            _exit(2);
        _exit(access(dir, R_OK | W_OK | X_OK) == 0 ? 0 : 1);
    }
    if (pid < 0)
        return 0;
    int ws;
    pid_t r;
    while ((r = waitpid(pid, &ws, 0)) < 0 && errno == EINTR)
        ;
    return r == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

/* ---- logs --------------------------------------------------------------- */

static int open_log(const struct localdb *l, const struct runas *ra, struct pm_err *e)
{
    int fd = open(l->logfile, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return pm_err_set(e, PM_EXIT_ENV, "could not open %s: %s", l->logfile, strerror(errno));
    if (ra->active && fchown(fd, ra->uid, ra->gid) != 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not change owner of %s: %s", l->logfile, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static off_t log_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_size : 0;
}

/* The last LOG_TAIL_LINES lines written to the log since `from`. Caller frees. */
static char *log_tail(const char *logfile, off_t from)
{
    struct buf b = BUF_INIT;
    int fd = open(logfile, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        off_t size = log_size(fd);
        if (size - from > 65536)
            from = size - 65536;
        if (from < 0 || from > size)
            from = 0;
        if (lseek(fd, from, SEEK_SET) == from) {
            struct pm_err e = PM_ERR_INIT;
            fs_read_fd(fd, logfile, &b, &e);
            pm_err_release(&e);
        }
        close(fd);
    }
    size_t end = b.len;
    while (end > 0 && (b.data[end - 1] == '\n' || b.data[end - 1] == '\r'))
        end--;
    size_t start = end;
    for (int lines = 0; start > 0; start--) {
        if (b.data[start - 1] == '\n' && ++lines == LOG_TAIL_LINES)
            break;
    }
    char *res = end > start ? xstrndup(b.data + start, end - start) : xstrdup("(the log is empty)");
    buf_release(&b);
    return res;
}

static int step_failed(struct pm_err *e, const struct localdb *l, off_t from, const char *what)
{
    char *tail = log_tail(l->logfile, from);
    pm_err_set(e, PM_EXIT_ENV, "%s", what);
    pm_err_detail(e, "%s", tail);
    pm_err_hint(e, "See the log %s.", l->logfile);
    free(tail);
    return -1;
}

/* ---- processes ---------------------------------------------------------- */

/* The pid on the first line of a lock file, or 0. */
static pid_t lockfile_pid(const char *path)
{
    char *line = read_line_file(path);
    if (!line)
        return 0;
    char *end;
    long pid = strtol(line, &end, 10);
    int bad = *end != '\0' || pid <= 0;
    free(line);
    return bad ? 0 : (pid_t)pid;
}

/* A zombie answers kill(pid, 0) until its parent (often PID 1, after pg_ctl
 * exited) reaps it; in a container that may be never. Linux only; elsewhere 0. */
static int is_zombie(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    char *line = read_line_file(path);
    if (!line)
        return 0;
    const char *p = strrchr(line, ')'); /* the command name may hold anything */
    int z = p && (p[1] == ' ') && (p[2] == 'Z' || p[2] == 'X');
    free(line);
    return z;
}

/*
 * Whether pid is the running postmaster of our data directory: alive, not a
 * zombie, and (where /proc tells) with the data directory as its working
 * directory, which the postmaster chdirs to. A pid in a stale postmaster.pid
 * may belong to another program after a reboot (containers reuse low pids).
 */
static int runs_datadir(const char *datadir, pid_t pid)
{
    if (kill(pid, 0) != 0 && errno != EPERM)
        return 0;
    if (is_zombie(pid))
        return 0;
    char link[64], cwd[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/%ld/cwd", (long)pid);
    ssize_t n = readlink(link, cwd, sizeof(cwd) - 1);
    if (n < 0)
        return 1; /* cannot tell (no /proc, another user's process): trust the pid */
    cwd[n] = '\0';
    char *real = realpath(datadir, NULL);
    int same = !real || strcmp(real, cwd) == 0;
    free(real);
    return same;
}

/* ---- directories -------------------------------------------------------- */

/* Make (or accept an existing) private directory: a real directory owned by
 * us or the server user, closed to group and others. */
static int private_dir(const char *path, const struct runas *ra, struct pm_err *e)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return pm_err_set(e, PM_EXIT_ENV, "could not create directory %s: %s", path,
                          strerror(errno));
    struct stat st;
    if (lstat(path, &st) != 0)
        return pm_err_set(e, PM_EXIT_ENV, "could not stat %s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode) || (st.st_uid != geteuid() && !(ra->active && st.st_uid == ra->uid)) ||
        (st.st_mode & 077))
        return pm_err_set(e, PM_EXIT_ENV, "%s is not a private directory of this user", path);
    if (ra->active && st.st_uid != ra->uid && chown(path, ra->uid, ra->gid) != 0)
        return pm_err_set(e, PM_EXIT_ENV, "could not change owner of %s: %s", path,
                          strerror(errno));
    return 0;
}

/* Make `pattern` (ending in XXXXXX) a fresh private directory; returns it. */
static char *fresh_private_dir(const char *pattern, const struct runas *ra, struct pm_err *e)
{
    char *p = xstrdup(pattern);
    if (!mkdtemp(p)) {
        pm_err_set(e, PM_EXIT_ENV, "could not create a directory like %s: %s", pattern,
                   strerror(errno));
        free(p);
        return NULL;
    }
    if (private_dir(p, ra, e) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

static void root_hash(const struct localdb *l, char out[17])
{
    char hex[65];
    sha256_hex(l->root, strlen(l->root), hex);
    memcpy(out, hex, 16);
    out[16] = '\0';
}

/*
 * A fresh cluster cannot live in <root> (the server user cannot reach it, or
 * the path upsets pg_ctl's shell command): put it in
 * /var/tmp/pgmig-local-<uid>-<hash of root>/ and record that in <root>/cluster.
 * An orphaned cluster there (its <root> was deleted) is stopped and removed,
 * so that deleting .pgmig/local always means a fresh cluster.
 */
static int use_private_cluster(struct localdb *l, const struct runas *ra, struct pm_err *e)
{
    char hash[17];
    root_hash(l, hash);
    char *dir = xasprintf("/var/tmp/pgmig-local-%ld-%s", (long)geteuid(), hash);
    struct pm_err tmp = PM_ERR_INIT;
    if (private_dir(dir, ra, &tmp) != 0) {
        char *pattern = xasprintf("%s-XXXXXX", dir);
        free(dir);
        dir = fresh_private_dir(pattern, ra, e);
        free(pattern);
        if (!dir) {
            pm_err_release(&tmp);
            return -1;
        }
    }
    pm_err_release(&tmp);

    char *data = fs_join(dir, "data");
    char *pidfile = fs_join(data, "postmaster.pid");
    pid_t pid = lockfile_pid(pidfile);
    if (pid && runs_datadir(data, pid)) {
        int logfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        const char *argv[] = {"pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", NULL};
        if (logfd >= 0) {
            run_prog(l->bindir, argv, ra, logfd);
            close(logfd);
        }
    }
    remove_tree(data);
    free(pidfile);
    free(data);

    char *f = fs_join(l->root, "cluster");
    char *text = xasprintf("%s\n", dir);
    int rc = write_file_as(f, text, 0644, NULL, e);
    free(text);
    free(f);
    free(dir);
    if (rc == 0)
        load_layout(l);
    return rc;
}

/* Make sure the socket directory exists and works; fall back to a private
 * directory under /tmp recorded in <root>/socket. */
static int prepare_sockdir(struct localdb *l, const struct runas *ra, struct pm_err *e)
{
    char *f = fs_join(l->root, "socket");
    int recorded = fs_exists(f);
    int rc = -1;
    if (strcmp(l->sockdir, l->clusterdir) == 0 && !recorded) {
        if (!unusable_for_socket(l->sockdir)) {
            rc = 0; /* the cluster directory itself */
            goto out;
        }
    } else if (!unusable_for_socket(l->sockdir)) {
        struct pm_err tmp = PM_ERR_INIT;
        rc = private_dir(l->sockdir, ra, &tmp);
        pm_err_release(&tmp);
        if (rc == 0)
            goto out;
    }
    char *dir = fresh_private_dir("/tmp/pgmig-XXXXXX", ra, e);
    if (!dir)
        goto out;
    char *text = xasprintf("%s\n", dir);
    rc = write_file_as(f, text, 0644, NULL, e);
    free(text);
    if (rc == 0) {
        free(l->sockdir);
        l->sockdir = dir;
    } else {
        rmdir(dir);
        free(dir);
    }
out:
    free(f);
    return rc;
}

/* ---- port --------------------------------------------------------------- */

static int port_free(const char *sockdir, int port)
{
    char *s = xasprintf("%s/.s.PGSQL.%d", sockdir, port);
    char *lk = xasprintf("%s.lock", s);
    int used = fs_exists(s) || fs_exists(lk);
    free(s);
    free(lk);
    if (used)
        return 0;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static int choose_port(struct localdb *l, struct pm_err *e)
{
    char hash[17];
    root_hash(l, hash);
    unsigned long seed =
        strtoul(hash + 8, NULL, 16) ^ (unsigned long)getpid() ^ (unsigned long)time(NULL);
    int port = 0;
    for (int i = 0; i < 200 && !port; i++) {
        int p = PORT_FIRST + (int)((seed + (unsigned long)i * 7919u) % PORT_COUNT);
        if (port_free(l->sockdir, p))
            port = p;
    }
    if (!port)
        return pm_err_set(e, PM_EXIT_ENV, "could not find a free port for the local PostgreSQL");
    char *f = fs_join(l->root, "port");
    char *text = xasprintf("%d\n", port);
    int rc = write_file_as(f, text, 0644, NULL, e);
    free(text);
    free(f);
    if (rc == 0)
        l->port = port;
    return rc;
}

/* ---- libpq -------------------------------------------------------------- */

/* Nothing of ours reaches stdout or stderr (JSON output must stay clean). */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *connect_db(const struct localdb *l, const char *dbname)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", l->port);
    /* options="" overrides a PGOPTIONS from the environment. */
    const char *const keys[] = {
        "host", "port", "dbname", "user", "options", "connect_timeout", "application_name", NULL};
    const char *const vals[] = {l->sockdir, port, dbname, "postgres", "", "10", "pgmig", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 0);
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    return c;
}

static int answers(const struct localdb *l)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", l->port);
    const char *const keys[] = {"host", "port", "dbname", "user", "connect_timeout", NULL};
    const char *const vals[] = {l->sockdir, port, "postgres", "postgres", "10", NULL};
    return PQpingParams(keys, vals, 0) == PQPING_OK;
}

/* Create the "pgmig" database unless it exists; a concurrent creator is fine. */
static int ensure_database(const struct localdb *l, struct pm_err *e)
{
    PGconn *c = connect_db(l, "postgres");
    int rc = -1;
    PGresult *r = NULL;
    if (PQstatus(c) != CONNECTION_OK) {
        pm_err_set(e, PM_EXIT_ENV, "could not connect to the local PostgreSQL");
        pm_err_detail(e, "%s", PQerrorMessage(c));
        pm_err_hint(e, "See the log %s.", l->logfile);
        goto out;
    }
    const char *const params[] = {LOCALDB_DBNAME};
    r = PQexecParams(c, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", 1, NULL, params,
                     NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pm_err_set(e, PM_EXIT_ENV, "could not query the local PostgreSQL");
        pm_err_detail(e, "%s", PQresultErrorMessage(r));
        goto out;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        r = PQexec(c, "CREATE DATABASE " LOCALDB_DBNAME);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            /* 42P04 duplicate_database, 23505 unique_violation: a concurrent creator won. */
            if (!st || (strcmp(st, "42P04") != 0 && strcmp(st, "23505") != 0)) {
                pm_err_set(e, PM_EXIT_ENV,
                           "could not create the database \"%s\" in the local "
                           "PostgreSQL",
                           LOCALDB_DBNAME);
                pm_err_detail(e, "%s", PQresultErrorMessage(r));
                if (st)
                    snprintf(e->sqlstate, sizeof(e->sqlstate), "%s", st);
                goto out;
            }
        }
    }
    rc = 0;
out:
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* ---- server state --------------------------------------------------------- */

/* The postmaster's pid from postmaster.pid when that process is alive, else 0. */
static pid_t live_postmaster(const struct localdb *l)
{
    char *f = fs_join(l->datadir, "postmaster.pid");
    pid_t pid = lockfile_pid(f);
    free(f);
    return pid && runs_datadir(l->datadir, pid) ? pid : 0;
}

/*
 * PostgreSQL refuses to start while the pid in its lock files answers
 * kill(pid, 0), which a zombie or an unrelated process does: remove such
 * lock files. Safe: the check that no old backend still uses the shared
 * memory does not depend on these files.
 */
static void remove_stale_locks(const struct localdb *l)
{
    char *files[2];
    files[0] = fs_join(l->datadir, "postmaster.pid");
    files[1] = xasprintf("%s/.s.PGSQL.%d.lock", l->sockdir, l->port);
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        pid_t pid = lockfile_pid(files[i]);
        if (pid && (kill(pid, 0) == 0 || errno == EPERM) && !runs_datadir(l->datadir, pid))
            unlink(files[i]);
        free(files[i]);
    }
}

int localdb_exists(const struct localdb *l)
{
    char *f = fs_join(l->datadir, "PG_VERSION");
    int ok = fs_exists(f);
    free(f);
    return ok;
}

int localdb_running(struct localdb *l)
{
    if (!l->port)
        load_layout(l);
    if (!l->port || !live_postmaster(l))
        return 0;
    return answers(l);
}

static const char pgmig_conf_settings[] =
    "\n"
    "# Added by pgmig: a disposable development cluster, reachable only through\n"
    "# its unix socket; durability traded for speed.\n"
    "listen_addresses = ''\n"
    "unix_socket_permissions = 0700\n"
    "fsync = off\n"
    "full_page_writes = off\n"
    "synchronous_commit = off\n"
    "max_connections = 100\n"
    "shared_buffers = 16MB\n"
    "# port and unix_socket_directories, rewritten by pgmig at each start:\n"
    "include_if_exists = 'pgmig.conf'\n";

static void conf_quote(struct buf *b, const char *s)
{
    buf_addch(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            buf_addch(b, *s);
        buf_addch(b, *s);
    }
    buf_addch(b, '\'');
}

/* initdb into data.init, append our settings, then rename to data: a data
 * directory that exists is a complete one. */
static int init_cluster(struct localdb *l, const struct runas *ra, int logfd, struct pm_err *e)
{
    char *tmpdir = fs_join(l->clusterdir, "data.init");
    int rc = -1;
    remove_tree(tmpdir);
    off_t from = log_size(logfd);
    dprintf(logfd, "pgmig: initdb -D %s\n", tmpdir);
    const char *argv[] = {"initdb", "-D",   tmpdir,        "-U", "postgres", "--auth=trust",
                          "-E",     "UTF8", "--no-locale", "-N", NULL};
    int st = run_prog(l->bindir, argv, ra, logfd);
    if (st != 0) {
        step_failed(e, l, from, "initdb failed");
        remove_tree(tmpdir);
        goto out;
    }
    char *conf = fs_join(tmpdir, "postgresql.conf");
    int fd = open(conf, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    size_t len = strlen(pgmig_conf_settings);
    int ok = fd >= 0 && write(fd, pgmig_conf_settings, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok) {
        pm_err_set(e, PM_EXIT_ENV, "could not write %s: %s", conf, strerror(errno));
        free(conf);
        goto out;
    }
    free(conf);
    if (rename(tmpdir, l->datadir) != 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not rename %s to %s: %s", tmpdir, l->datadir,
                   strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(tmpdir);
    return rc;
}

static int write_pgmig_conf(const struct localdb *l, const struct runas *ra, struct pm_err *e)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "# Written by pgmig at each start of the local cluster; do not edit.\n");
    buf_addf(&b, "port = %d\n", l->port);
    /* A one-element list: double quotes keep spaces in the path. */
    struct buf dir = BUF_INIT;
    buf_addch(&dir, '"');
    for (const char *s = l->sockdir; *s; s++) {
        if (*s == '"')
            buf_addch(&dir, '"');
        buf_addch(&dir, *s);
    }
    buf_addch(&dir, '"');
    buf_adds(&b, "unix_socket_directories = ");
    conf_quote(&b, dir.data);
    buf_addch(&b, '\n');
    buf_release(&dir);

    char *f = fs_join(l->datadir, "pgmig.conf");
    struct buf old = BUF_INIT;
    struct pm_err ignore = PM_ERR_INIT;
    int rc = 0;
    if (fs_read_file(f, &old, &ignore) != 0 || strcmp(old.data, b.data) != 0)
        rc = write_file_as(f, b.data, 0600, ra, e);
    pm_err_release(&ignore);
    buf_release(&old);
    buf_release(&b);
    free(f);
    return rc;
}

static int start_server(struct localdb *l, const struct runas *ra, int logfd, struct pm_err *e)
{
    /* After a SIGKILL of the postmaster its children may hold the old shared
     * memory for a moment; the new postmaster then refuses to start. Retry. */
    for (int attempt = 0;; attempt++) {
        off_t from = log_size(logfd);
        const char *argv[] = {"pg_ctl", "-D", l->datadir, "-l",    l->logfile,
                              "-w",     "-t", "60",       "start", NULL};
        int st = run_prog(l->bindir, argv, ra, logfd);
        if (st == 0)
            return 0;
        char *tail = log_tail(l->logfile, from);
        int transient = strstr(tail, "is still in use") || strstr(tail, "already exists");
        free(tail);
        if (!transient || attempt >= 20 || live_postmaster(l))
            return step_failed(e, l, from, "the local PostgreSQL did not start");
        struct timespec ts = {0, 250000000L};
        nanosleep(&ts, NULL);
    }
}

static int lock_root(const struct localdb *l, struct pm_err *e)
{
    char *f = fs_join(l->root, "lock");
    int fd = open(f, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        pm_err_set(e, PM_EXIT_ENV, "could not open %s: %s", f, strerror(errno));
        free(f);
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            pm_err_set(e, PM_EXIT_ENV, "could not lock %s: %s", f, strerror(errno));
            close(fd);
            free(f);
            return -1;
        }
    }
    free(f);
    return fd;
}

/* Create <project>/.pgmig (0755: the server user may need to traverse it)
 * and <root> (0700: trust authentication is only as safe as the socket). */
static int make_root(const struct localdb *l, struct pm_err *e)
{
    if (fs_is_dir(l->root))
        return 0;
    char *parent = fs_dirname(l->root);
    int rc = fs_mkdirs(parent, 0755, e);
    free(parent);
    if (rc != 0)
        return -1;
    if (mkdir(l->root, 0700) != 0 && errno != EEXIST)
        return pm_err_set(e, PM_EXIT_ENV, "could not create directory %s: %s", l->root,
                          strerror(errno));
    return 0;
}

/* Where a new cluster goes: <root> when the server user can use it, else a
 * private directory. Only decided while no data directory exists. */
static int place_cluster(struct localdb *l, const struct runas *ra, struct pm_err *e)
{
    if (strcmp(l->clusterdir, l->root) != 0)
        return private_dir(l->clusterdir, ra, e); /* recorded: recreate if /var/tmp was cleaned */
    int in_root = !unsafe_for_cluster(l->root);
    if (in_root && ra->active) {
        if (chown(l->root, ra->uid, ra->gid) != 0)
            return pm_err_set(e, PM_EXIT_ENV, "could not change owner of %s: %s", l->root,
                              strerror(errno));
        in_root = reachable_by(l->root, ra);
        if (!in_root && chown(l->root, geteuid(), getegid()) != 0)
            return pm_err_set(e, PM_EXIT_ENV, "could not change owner of %s: %s", l->root,
                              strerror(errno));
    }
    if (in_root)
        return 0;
    return use_private_cluster(l, ra, e);
}

/* Point <root>/server.log at the real log of a private cluster, for whoever
 * looks there; only a convenience. */
static void link_log(const struct localdb *l)
{
    char *link = fs_join(l->root, "server.log");
    struct stat st;
    if (lstat(link, &st) != 0 || S_ISLNK(st.st_mode)) {
        unlink(link);
        if (symlink(l->logfile, link) != 0) {
            /* ignored */
        }
    }
    free(link);
}

/* A postmaster that is alive but not answering yet (starting up, recovering):
 * give it the time pg_ctl -w would. Returns 1 once it answers. */
static int wait_answering(const struct localdb *l)
{
    for (int i = 0; i < 600; i++) {
        if (answers(l))
            return 1;
        if (!live_postmaster(l))
            return 0;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

int localdb_start(struct localdb *l, struct pm_err *e)
{
    if (check_bindir(l, e) != 0)
        return -1;
    if (l->port) { /* fast path: already running with its database */
        PGconn *c = connect_db(l, LOCALDB_DBNAME);
        int ok = PQstatus(c) == CONNECTION_OK;
        PQfinish(c);
        if (ok)
            return 0;
    }
    if (make_root(l, e) != 0)
        return -1;
    int lockfd = lock_root(l, e);
    if (lockfd < 0)
        return -1;
    struct runas ra;
    int logfd = -1, rc = -1;
    load_layout(l); /* a concurrent pgmig may have decided the layout meanwhile */
    if (resolve_runas(l, &ra, e) != 0)
        goto out;
    if (!localdb_exists(l) && place_cluster(l, &ra, e) != 0)
        goto out;
    if ((logfd = open_log(l, &ra, e)) < 0)
        goto out;
    if (strcmp(l->clusterdir, l->root) != 0)
        link_log(l);
    if (prepare_sockdir(l, &ra, e) != 0)
        goto out;
    if (!l->port && choose_port(l, e) != 0)
        goto out;
    if (!localdb_exists(l) && init_cluster(l, &ra, logfd, e) != 0)
        goto out;
    if (!(live_postmaster(l) && wait_answering(l))) {
        remove_stale_locks(l);
        if (write_pgmig_conf(l, &ra, e) != 0 || start_server(l, &ra, logfd, e) != 0)
            goto out;
    }
    rc = ensure_database(l, e);
out:
    if (logfd >= 0)
        close(logfd);
    runas_release(&ra);
    close(lockfd); /* releases the flock */
    return rc;
}

int localdb_stop(struct localdb *l, struct pm_err *e)
{
    load_layout(l);
    if (!live_postmaster(l))
        return 0;
    if (check_bindir(l, e) != 0)
        return -1;
    int lockfd = lock_root(l, e);
    if (lockfd < 0)
        return -1;
    struct runas ra;
    int logfd = -1, rc = -1;
    if (resolve_runas(l, &ra, e) != 0)
        goto out;
    if (!live_postmaster(l)) {
        rc = 0;
        goto out;
    }
    if ((logfd = open_log(l, &ra, e)) < 0)
        goto out;
    off_t from = log_size(logfd);
    const char *argv[] = {"pg_ctl", "-D", l->datadir, "-m", "fast", "-w", "-t", "60", "stop", NULL};
    if (run_prog(l->bindir, argv, &ra, logfd) != 0 && live_postmaster(l)) {
        step_failed(e, l, from, "could not stop the local PostgreSQL");
        goto out;
    }
    rc = 0;
out:
    if (logfd >= 0)
        close(logfd);
    runas_release(&ra);
    close(lockfd);
    return rc;
}

/* ---- URL ---------------------------------------------------------------- */

static void pct_encode(struct buf *b, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
            buf_addch(b, (char)c);
        } else {
            buf_addch(b, '%');
            buf_addch(b, hex[c >> 4]);
            buf_addch(b, hex[c & 15]);
        }
    }
}

char *localdb_url(const struct localdb *l, const char *dbname)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "postgresql://postgres@/");
    pct_encode(&b, dbname ? dbname : LOCALDB_DBNAME, 0);
    buf_adds(&b, "?host=");
    pct_encode(&b, l->sockdir, 1);
    if (l->port)
        buf_addf(&b, "&port=%d", l->port);
    return buf_detach(&b, NULL);
}
