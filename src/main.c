/* main.c - placeholder until the command table lands. */
#include <stdio.h>

int main(void)
{
    fputs("pgmig: under construction\n", stderr);
    return 2;
}
