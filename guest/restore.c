#define _GNU_SOURCE
#include "restore.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"

int km_guest_is_fresh(const char **what)
{
    char buf[4096];
    siginfo_t info;
    /* The agent mounts its cgroup hierarchies only when setting up a cell. */
    *what = "memcg";
    if (km_read_file("/proc/mounts", buf, sizeof buf) < 0 || strstr(buf, " cgroup"))
        return -1;
    /* /proc/swaps is its header line alone while no swap is on. */
    *what = "swap";
    if (km_read_file("/proc/swaps", buf, sizeof buf) < 0 || strchr(buf, '\n') != buf + strlen(buf) - 1)
        return -1;
    /* The container init is PID 1's child; without one, waitid has nobody to wait for. */
    *what = "workload";
    memset(&info, 0, sizeof info);
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 || errno != ECHILD)
        return -1;
    return 0;
}
