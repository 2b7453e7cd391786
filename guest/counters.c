#include "counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct km_counters *km_counters_create(void)
{
    struct km_counters *c =
        mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED)
        return NULL;
    memset((void *)c, 0, sizeof *c); /* touch every page now, from the root cgroup */
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

/* Our pid as the root PID namespace sees it: /proc is the agent's mount, and
 * /proc/self resolves in the namespace of the mount, not of the caller
 * (getpid() in the container's namespace would say 1, 2, 3...). */
static pid_t root_namespace_pid(void)
{
    char link[32];
    ssize_t n = readlink("/proc/self", link, sizeof link - 1);
    if (n <= 0)
        return -1;
    link[n] = '\0';
    return (pid_t)atol(link);
}

void km_counters_register(struct km_counters *c, enum km_role role)
{
    pid_t pid = root_namespace_pid();
    int slot;
    if (pid <= 0)
        return;
    slot = __sync_fetch_and_add(&c->nroles, 1);
    if (slot < KM_MAX_ROLES)
        c->roles[slot] = (int64_t)pid << 8 | role; /* one store: never half-written */
}

int km_counters_nroles(const struct km_counters *c)
{
    return c->nroles < KM_MAX_ROLES ? c->nroles : KM_MAX_ROLES;
}

int km_counters_role_at(const struct km_counters *c, int i, pid_t *pid, enum km_role *role)
{
    int64_t entry = c->roles[i];
    if (entry == 0)
        return 0;
    *pid = (pid_t)(entry >> 8);
    *role = (enum km_role)(entry & 0xff);
    return 1;
}

enum km_role km_counters_role_of(const struct km_counters *c, pid_t pid)
{
    int i, n = km_counters_nroles(c);
    pid_t p;
    enum km_role role;
    for (i = 0; i < n; i++)
        if (km_counters_role_at(c, i, &p, &role) && p == pid)
            return role;
    return KM_NO_ROLE;
}

pid_t km_counters_pid_of(const struct km_counters *c, enum km_role role)
{
    int i, n = km_counters_nroles(c);
    pid_t p;
    enum km_role r;
    for (i = 0; i < n; i++)
        if (km_counters_role_at(c, i, &p, &r) && r == role)
            return p;
    return -1;
}

int km_workload_over(const struct km_counters *c, int ctinit_dead, int pidns)
{
    /* Without a namespace the workload outlives its init, unless the init
     * died before the parent ran: then nothing will ever start. */
    if (ctinit_dead && (pidns || !c->wlparent_running))
        return 1;
    return c->wlparent_done && c->started - c->finished - c->killed <= 0;
}

void km_status_string(int status, char *buf, unsigned size)
{
    if (WIFSIGNALED(status))
        snprintf(buf, size, "signal:%d", WTERMSIG(status));
    else
        snprintf(buf, size, "exit:%d", WEXITSTATUS(status));
}
