/* One cell's parameters, as the harness sends them in a `cell` line. */
#ifndef KMATRIX_GUEST_CELL_H
#define KMATRIX_GUEST_CELL_H

#include <stdint.h>

#include "channel.h"

#define KM_MAX_MODULES 16

struct km_cell {
    uint64_t procs, size, hold_ms, uid;
    uint64_t fork_pacing_ms; /* 0: fork as fast as possible */
    uint64_t kill_wlparent_ms; /* fault: SIGKILL the workload parent this long after it started; 0 = never */
    int cgroup_v2;
    uint64_t limit, memsw; /* memsw 0: same as limit */
    int oom_kill_disable;
    int pidns;
    uint64_t swap;
    char swap_dev[64];
    int nmodules;
    struct {
        char file[64];
        char params[256];
    } modules[KM_MAX_MODULES];
    int nsysctls;
    struct {
        char name[KM_SYSCTL_NAME_MAX + 1];
        char value[KM_SYSCTL_VALUE_MAX + 1];
    } sysctls[KM_MAX_SYSCTLS];
};

/* Fills cell from msg. Returns 0, or -1 with a reason in why. */
int km_cell_parse(const struct km_msg *msg, struct km_cell *cell, char *why, unsigned why_size);

#endif
