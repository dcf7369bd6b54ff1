/*
 * test_dotenv.c - .env parsing and expansion (util/dotenv.c) against what
 * dotenv 16.4.7 and Prisma's dotenvExpand produce for the same text.
 */
#include "unit.h"
#include "util/buf.h"
#include "util/dotenv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void collect(const char *key, const char *value, void *ud)
{
    struct buf *b = ud;
    buf_addf(b, "%s=%s\n", key, value);
}

/* Every pair of text as "KEY=VALUE\n" lines, in the order reported. Caller frees. */
static char *parse(const char *text, int *count)
{
    struct buf b = BUF_INIT;
    int n = dotenv_parse(text, strlen(text), collect, &b);
    if (count)
        *count = n;
    return buf_detach(&b, NULL);
}

#define CHECK_ENV(text, expected)                                                                  \
    do {                                                                                           \
        char *got_ = parse(text, NULL);                                                            \
        CHECK_STR(got_, expected);                                                                 \
        free(got_);                                                                                \
    } while (0)

static void test_comments_and_blank_lines(void)
{
    int n = -1;
    char *got = parse("# comment\n\nA=1\n   # indented comment\n\t\nB=2\n#C=3\n", &n);
    CHECK_STR(got, "A=1\nB=2\n");
    CHECK_INT(n, 2);
    free(got);
    CHECK_ENV("", "");
    CHECK_ENV("\n\n# only comments\n", "");
}

static void test_export_prefix(void)
{
    CHECK_ENV("export A=1\nexport  B = 2\nexport\tC=3\n", "A=1\nB=2\nC=3\n");
    /* "export" alone is a key like any other */
    CHECK_ENV("export=4\nexport\nexportX=5\n", "export=4\nexportX=5\n");
}

static void test_spaces_and_separators(void)
{
    CHECK_ENV("A = spaced value   \n  B=  2\nC\t=\t3\n", "A=spaced value\nB=2\nC=3\n");
    CHECK_ENV("A: colon\nB:nospace\n", "A=colon\n");
    CHECK_ENV("A=\nB=\n", "A=\nB=\n");
    CHECK_ENV("K.e-y_1=ok\n", "K.e-y_1=ok\n");
}

static void test_single_quotes(void)
{
    CHECK_ENV("A='a\\nb'\nB='#not a comment' # comment\nC=' padded '\n",
              "A=a\\nb\nB=#not a comment\nC= padded \n");
    CHECK_ENV("A='it\\'s'\n", "A=it\\'s\n");
    CHECK_ENV("A='two\nlines'\n", "A=two\nlines\n");
}

static void test_double_quotes(void)
{
    CHECK_ENV("A=\"l1\\nl2\"\n", "A=l1\nl2\n");
    CHECK_ENV("A=\"cr\\rx\"\n", "A=cr\rx\n");
    CHECK_ENV("A=\"multi\nline\nvalue\"\nB=after\n", "A=multi\nline\nvalue\nB=after\n");
    CHECK_ENV("A=\"a\\\"b\"\n", "A=a\\\"b\n"); /* \" is not unescaped */
    CHECK_ENV("A=\"a # b\" # c\n", "A=a # b\n");
    CHECK_ENV("A=\"\"\n", "A=\n");
    /* \\n is a backslash then the \n escape */
    CHECK_ENV("A=\"x\\\\ny\"\n", "A=x\\\ny\n");
}

static void test_backquotes(void)
{
    CHECK_ENV("A=`it's \"q\"`\nB=`no\\nescape`\n", "A=it's \"q\"\nB=no\\nescape\n");
}

static void test_inline_comments(void)
{
    CHECK_ENV("A=value # comment\nB=value#comment\nC=#all comment\nD=x #\n",
              "A=value\nB=value\nC=\nD=x\n");
    /* dotenv 16 ends an unquoted value at any '#': a#b is "a" */
    CHECK_ENV("A=a#b\n", "A=a\n");
    CHECK_ENV("A='a#b'\nB=\"a#b\"\n", "A=a#b\nB=a#b\n");
}

static void test_quote_oddities(void)
{
    /* unterminated: the quote is part of an unquoted value */
    CHECK_ENV("A=\"abc\nB=2\n", "A=\"abc\nB=2\n");
    /* text after the closing quote: the whole rest of the line, quotes kept */
    CHECK_ENV("A=\"x\" y\n", "A=\"x\" y\n");
    /* a quoted value may start on the next line */
    CHECK_ENV("A=\n\"q\"\n", "A=q\n");
    /* with ':' the value may be the whole next line */
    CHECK_ENV("A:\nB=2\n", "A=B=2\n");
}

static void test_expansion(void)
{
    setenv("DOTENV_T_ENV", "fromenv", 1);
    unsetenv("DOTENV_T_UNSET");
    CHECK_ENV("A=${DOTENV_T_ENV}/x\n"
              "B=${A}-${C}\n"
              "C=later\n"
              "D=$A\n"
              "E=\\${A}\n"
              "F=${DOTENV_T_UNSET}.\n"
              "G='${A}'\n"
              "H=${}|${A|$\n",
              "A=fromenv/x\n"
              "B=fromenv/x-later\n"
              "C=later\n"
              "D=$A\n"
              "E=${A}\n"
              "F=.\n"
              "G=fromenv/x\n"
              "H=|${A|$\n");
    /* a '$' in a password stays as written */
    CHECK_ENV("DATABASE_URL=postgresql://u:pa$$w$rd@h/db\n",
              "DATABASE_URL=postgresql://u:pa$$w$rd@h/db\n");
    /* a composed URL */
    CHECK_ENV(
        "DB_USER=app\nDB_PASS=s3cret\n"
        "DATABASE_URL=\"postgresql://${DB_USER}:${DB_PASS}@localhost:5432/app?schema=public\"\n",
        "DB_USER=app\nDB_PASS=s3cret\n"
        "DATABASE_URL=postgresql://app:s3cret@localhost:5432/app?schema=public\n");
    unsetenv("DOTENV_T_ENV");
}

static void test_environment_wins(void)
{
    setenv("DOTENV_T_WIN", "env", 1);
    CHECK_ENV("DOTENV_T_WIN=file\nX=${DOTENV_T_WIN}\n", "DOTENV_T_WIN=env\nX=env\n");
    /* an environment value is expanded too */
    setenv("DOTENV_T_WIN", "env-${Y}", 1);
    CHECK_ENV("X=${DOTENV_T_WIN}\nY=y\n", "X=env-y\nY=y\n");
    unsetenv("DOTENV_T_WIN");
}

static void test_cycles_and_duplicates(void)
{
    CHECK_ENV("A=${B}\nB=${A}x\n", "A=x\nB=x\n");
    CHECK_ENV("A=${A}${A}\n", "A=\n");
    int n = 0;
    char *got = parse("A=1\nB=2\nA=3\n", &n);
    CHECK_STR(got, "A=3\nB=2\n");
    CHECK_INT(n, 2);
    free(got);
    CHECK_ENV("A=first\nB=${A}\nA=second\n", "A=second\nB=second\n");
}

static void test_crlf(void)
{
    CHECK_ENV("A=1\r\nB=\"x\r\ny\"\r\nC=3\r", "A=1\nB=x\ny\nC=3\n");
    CHECK_ENV("A=1\rB=2\r", "A=1\nB=2\n");
}

static void test_malformed_lines_skipped(void)
{
    CHECK_ENV("JUSTAWORD\nA=1\nnot a valid line\n=novalue\n#X=1\nB c=2\n$D=3\n", "A=1\n");
    /* a byte order mark is whitespace to dotenv */
    CHECK_ENV("\xEF\xBB\xBF"
              "A=1\n",
              "A=1\n");
    /* NUL bytes do not stop the parser */
    const char text[] = "A=1\n\0\nB=2\n";
    struct buf b = BUF_INIT;
    CHECK_INT(dotenv_parse(text, sizeof(text) - 1, collect, &b), 2);
    CHECK_STR(b.data, "A=1\nB=2\n");
    buf_release(&b);
}

static void test_load(void)
{
    char dir[] = "/tmp/pgmig-dotenv-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char path[256];
    snprintf(path, sizeof(path), "%s/.env", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        CHECK(0);
        return;
    }
    fputs("DOTENV_T_NEW=new\nDOTENV_T_OLD=file\nDOTENV_T_REF=${DOTENV_T_NEW}\n", f);
    fclose(f);
    setenv("DOTENV_T_OLD", "kept", 1);
    unsetenv("DOTENV_T_NEW");
    unsetenv("DOTENV_T_REF");
    struct pm_err e = PM_ERR_INIT;
    CHECK_INT(dotenv_load(path, &e), 3);
    CHECK_STR(getenv("DOTENV_T_NEW"), "new");
    CHECK_STR(getenv("DOTENV_T_OLD"), "kept");
    CHECK_STR(getenv("DOTENV_T_REF"), "new");

    /* missing: not an error */
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/nope/.env", dir);
    CHECK_INT(dotenv_load(missing, &e), 0);
    CHECK_INT(e.exit_code, 0);
    /* unreadable (a directory): an error */
    CHECK_INT(dotenv_load(dir, &e), -1);
    CHECK_INT(e.exit_code, PM_EXIT_ENV);
    CHECK(e.primary && strstr(e.primary, dir));
    pm_err_release(&e);

    unlink(path);
    rmdir(dir);
    unsetenv("DOTENV_T_NEW");
    unsetenv("DOTENV_T_OLD");
    unsetenv("DOTENV_T_REF");
}

int main(void)
{
    RUN(test_comments_and_blank_lines);
    RUN(test_export_prefix);
    RUN(test_spaces_and_separators);
    RUN(test_single_quotes);
    RUN(test_double_quotes);
    RUN(test_backquotes);
    RUN(test_inline_comments);
    RUN(test_quote_oddities);
    RUN(test_expansion);
    RUN(test_environment_wins);
    RUN(test_cycles_and_duplicates);
    RUN(test_crlf);
    RUN(test_malformed_lines_skipped);
    RUN(test_load);
    UNIT_DONE();
}
