#include "counters.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>

struct km_counters *km_counters_create(void)
{
    struct km_counters *c =
        mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED)
        return NULL;
    c->started = c->finished = c->killed = 0; /* touch it now, from the root cgroup */
    c->wlparent_running = c->wlparent_done = c->wlparent_status = 0;
    return c;
}

void km_counters_child_ended(struct km_counters *c, int status)
{
    if (WIFSIGNALED(status))
        __sync_fetch_and_add(&c->killed, 1);
    else
        __sync_fetch_and_add(&c->finished, 1);
}

void km_counters_parent_ended(struct km_counters *c, int status)
{
    if (__sync_bool_compare_and_swap(&c->wlparent_done, 0, 1))
        c->wlparent_status = status;
}

void km_status_string(int status, char *buf, unsigned size)
{
    if (WIFSIGNALED(status))
        snprintf(buf, size, "signal:%d", WTERMSIG(status));
    else
        snprintf(buf, size, "exit:%d", WEXITSTATUS(status));
}
