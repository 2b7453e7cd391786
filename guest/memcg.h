/* The container's memory cgroup, v1 or v2: creation, limits, membership and
 * the counters the heartbeat reports. */
#ifndef KMATRIX_GUEST_MEMCG_H
#define KMATRIX_GUEST_MEMCG_H

#include <stdint.h>

#include "cell.h"

struct km_memcg_stats {
    int64_t usage;     /* bytes */
    int64_t failcnt;   /* v1 failcnt; v2 memory.events "max" */
    int64_t under_oom; /* v1 only; 0 on v2 */
    int64_t oom_kills; /* -1 where the kernel does not count them */
};

/* What the kernel offers, for the `ready` line: "v1", "v2", "v1,v2" or "none". */
const char *km_memcg_support(void);

/* Mounts the hierarchy, creates the container's group and sets its limits
 * from the cell. Returns 0, or -1 with errno and *step naming what failed. */
int km_memcg_setup(const struct km_cell *cell, const char **step);

/* Moves pid into the container's group. Returns 0 or -1. */
int km_memcg_attach(int pid);

/* All zero before setup. */
void km_memcg_read(struct km_memcg_stats *stats);

/* The file listing the group's tasks (host pids), or NULL before setup. */
const char *km_memcg_tasks_file(void);

#endif
