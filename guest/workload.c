#define _GNU_SOURCE
#include "workload.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define PAGE 4096u

static void child(const struct km_cell *cell) __attribute__((noreturn));
static void child(const struct km_cell *cell)
{
    /* Volatile: a malloc whose memory is only written is otherwise removed
     * by the compiler, and nothing is charged to the cgroup. */
    volatile unsigned char *p;
    size_t i;
    prctl(PR_SET_NAME, "wlchild", 0, 0, 0);
    p = malloc((size_t)cell->size);
    if (!p)
        _exit(ENOMEM);
    for (i = 0; i < cell->size; i += PAGE)
        p[i] = (unsigned char)(i / PAGE) | 1u;
    km_sleep_ms(cell->hold_ms);
    _exit(0);
}

void km_workload_parent(const struct km_cell *cell, struct km_counters *counters)
{
    uint64_t forked = 0;
    int status;
    pid_t pid;

    prctl(PR_SET_NAME, "wlparent", 0, 0, 0);
    km_counters_register(counters, KM_PARENT);
    if (cell->uid != 0) {
        gid_t gid = (gid_t)cell->uid;
        if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid((uid_t)cell->uid) != 0)
            _exit(1);
    }
    counters->wlparent_running = 1;
    while (forked < cell->procs) {
        pid = fork();
        if (pid == 0)
            child(cell);
        if (pid < 0) {
            /* Out of memory or pids for now: every child is still wanted. */
            km_sleep_ms(10);
            continue;
        }
        forked++;
        __sync_fetch_and_add(&counters->started, 1);
        if (cell->fork_pacing_ms && forked < cell->procs)
            km_sleep_ms(cell->fork_pacing_ms);
    }
    while ((pid = wait(&status)) > 0 || errno == EINTR)
        if (pid > 0)
            km_counters_child_ended(counters, status);
    _exit(0);
}
