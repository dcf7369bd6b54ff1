/* bench/runstat.c - runs one or more commands one after the other and writes
 * "WALL_MICROSECONDS MAX_RSS_KIB EXIT_STATUS" to a file, for bench/run.
 * Usage: runstat OUTFILE CMD [ARG...] [::: CMD [ARG...]]...
 *
 * Wall time runs from just before the first fork to just after the last
 * wait4(), so the cost of starting runstat itself is not counted (unlike
 * timing `/usr/bin/time CMD` from a shell, which adds about a millisecond).
 * Peak memory is ru_maxrss of each child from wait4() (the figure GNU time's
 * %M prints), the largest over the commands. A command that fails stops the
 * sequence; its status (128+signal when killed) is the one written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* run_one: fork/exec argv, wait for it; returns its status (-1: could not run). */
static int run_one(char **argv, long *maxrss)
{
    struct rusage ru;
    int st;
    pid_t pid = fork();
    if (pid < 0) {
        perror("runstat: fork");
        return -1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "runstat: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (wait4(pid, &st, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("runstat: wait4");
            return -1;
        }
    }
    if (ru.ru_maxrss > *maxrss)
        *maxrss = ru.ru_maxrss;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

int main(int argc, char **argv)
{
    long maxrss = 0;
    int rc = 0;
    long long t0, t1;
    FILE *out;
    int i, start;

    if (argc < 3) {
        fprintf(stderr, "usage: runstat OUTFILE CMD [ARG...] [::: CMD [ARG...]]...\n");
        return 2;
    }
    t0 = now_us();
    start = 2;
    for (i = 2; i <= argc; i++) {
        if (i < argc && strcmp(argv[i], ":::") != 0)
            continue;
        argv[i] = NULL; /* argv[argc] is NULL already */
        if (i > start)
            rc = run_one(argv + start, &maxrss);
        if (rc != 0)
            break;
        start = i + 1;
    }
    t1 = now_us();
    out = fopen(argv[1], "w");
    if (out == NULL) {
        perror(argv[1]);
        return 2;
    }
    fprintf(out, "%lld %ld %d\n", t1 - t0, maxrss, rc);
    if (fclose(out) != 0) {
        perror(argv[1]);
        return 2;
    }
    return rc == 0 ? 0 : 1;
}
