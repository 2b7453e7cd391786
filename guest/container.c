#define _GNU_SOURCE
#include "container.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "memcg.h"
#include "system.h"
#include "util.h"
#include "workload.h"

#define HELPERS 2
#define STACK_SIZE (256 * 1024)

struct ctinit_args {
    const struct km_cell *cell;
    struct km_counters *counters;
    int release_fd; /* readable once the agent has put us in the cgroup */
};

static pid_t start_helper(struct km_counters *counters)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* Named and registered first: until then it is a "ctinit" to the
         * kernel's OOM report. */
        prctl(PR_SET_NAME, "helper", 0, 0, 0);
        km_counters_register(counters, KM_HELPER);
        for (;;)
            pause();
    }
    return pid;
}

static pid_t start_workload(const struct ctinit_args *a)
{
    pid_t pid;
    while ((pid = fork()) < 0)
        km_sleep_ms(10);
    if (pid == 0)
        km_workload_parent(a->cell, a->counters);
    return pid;
}

static int ctinit(void *arg)
{
    const struct ctinit_args *a = arg;
    pid_t helpers[HELPERS], wlparent, pid;
    char go;
    int i, status;

    if (read(a->release_fd, &go, 1) != 1)
        _exit(111);
    close(a->release_fd);
    close(km_channel_fd()); /* only the agent talks to the host */
    prctl(PR_SET_NAME, "ctinit", 0, 0, 0);
    /* The agent's OOM immunity is inherited: the container must not have it. */
    km_set_oom_protection(0);
    for (i = 0; i < HELPERS; i++)
        helpers[i] = start_helper(a->counters);
    wlparent = start_workload(a);

    /* Like a container's init: reap everything, respawn the helpers. Any
     * other child is a workload child orphaned by its parent's death. */
    for (;;) {
        pid = wait(&status);
        if (pid < 0) {
            if (errno != EINTR)
                km_sleep_ms(100);
            continue;
        }
        if (pid == wlparent) {
            km_counters_parent_ended(a->counters, status);
            continue;
        }
        for (i = 0; i < HELPERS && helpers[i] != pid; i++)
            ;
        if (i < HELPERS)
            helpers[i] = start_helper(a->counters);
        else
            km_counters_child_ended(a->counters, status);
    }
}

int km_container_start(const struct km_cell *cell, struct km_counters *counters, const char **step)
{
    static struct ctinit_args args;
    int release[2], flags = SIGCHLD, saved;
    char *stack;
    pid_t pid;

    *step = "pipe";
    if (pipe(release) != 0)
        return -1;
    args = (struct ctinit_args){cell, counters, release[0]};
    *step = "clone";
    stack = malloc(STACK_SIZE);
    if (!stack)
        return -1;
    if (cell->pidns)
        flags |= CLONE_NEWPID;
    /* No CLONE_VM: the child gets its own copy of memory, as with fork(). */
    pid = clone(ctinit, stack + STACK_SIZE, flags, &args);
    saved = errno;
    close(release[0]);
    free(stack);
    if (pid < 0) {
        close(release[1]);
        errno = saved;
        return -1;
    }
    /* ctinit waits on the pipe, so it allocates nothing until it is charged
     * to the container. */
    *step = "attach";
    if (km_memcg_attach(pid) != 0)
        goto kill_ctinit;
    *step = "release";
    if (write(release[1], "g", 1) != 1)
        goto kill_ctinit;
    close(release[1]);
    return pid;

kill_ctinit:
    saved = errno;
    kill(pid, SIGKILL);
    close(release[1]);
    errno = saved;
    return -1;
}
