/* Counters shared by the agent, the container init and the workload parent:
 * one anonymous shared mapping, created before the container exists so that
 * it is charged to the root cgroup, not to the container. */
#ifndef KMATRIX_GUEST_COUNTERS_H
#define KMATRIX_GUEST_COUNTERS_H

#include <stdint.h>

struct km_counters {
    volatile int64_t started;  /* workload children forked */
    volatile int64_t finished; /* children that exited */
    volatile int64_t killed;   /* children ended by a signal */
    volatile int wlparent_running;
    volatile int wlparent_done;
    volatile int wlparent_status; /* wait() status, valid once done */
};

/* NULL on failure. */
struct km_counters *km_counters_create(void);

/* Counts a reaped workload child by its wait() status. */
void km_counters_child_ended(struct km_counters *c, int status);
/* Records the workload parent's end, once, whoever reaps it. */
void km_counters_parent_ended(struct km_counters *c, int status);

/* "exit:N" or "signal:N". */
void km_status_string(int status, char *buf, unsigned size);

#endif
