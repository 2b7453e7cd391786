/* Counters shared by the agent, the container init and the workload parent:
 * one anonymous shared mapping, created before the container exists so that
 * it is charged to the root cgroup, not to the container. */
#ifndef KMATRIX_GUEST_COUNTERS_H
#define KMATRIX_GUEST_COUNTERS_H

#include <stdint.h>
#include <sys/types.h>

/* Helpers respawn each time they are killed; a livelocked old kernel may kill
 * them many times. Registrations past this many are not reported, and the
 * harness falls back on the process name. */
#define KM_MAX_ROLES 1024

/* The init is the agent's own child: it knows its pid without a slot. */
enum km_role { KM_NO_ROLE = 0, KM_HELPER = 1, KM_PARENT = 2 };

struct km_counters {
    volatile int64_t started;  /* workload children forked */
    volatile int64_t finished; /* children that exited */
    volatile int64_t killed;   /* children ended by a signal */
    volatile int wlparent_running;
    volatile int wlparent_done;
    volatile int wlparent_status; /* wait() status, valid once done */
    /* Container processes by role: slot i holds pid << 8 | role once the
     * process wrote it, 0 before. Pids are the root namespace's. */
    volatile int nroles; /* slots claimed */
    volatile int64_t roles[KM_MAX_ROLES];
};

/* NULL on failure. */
struct km_counters *km_counters_create(void);

/* Counts a reaped workload child by its wait() status. */
void km_counters_child_ended(struct km_counters *c, int status);
/* Records the workload parent's end, once, whoever reaps it. */
void km_counters_parent_ended(struct km_counters *c, int status);

/* The calling process announces its role; called right after it named
 * itself, so a process killed before this is still known by its name. */
void km_counters_register(struct km_counters *c, enum km_role role);
/* Slots that may hold a registration (claimed, within KM_MAX_ROLES). */
int km_counters_nroles(const struct km_counters *c);
/* Slot i's registration: 1 with pid and role, 0 while it is not written yet. */
int km_counters_role_at(const struct km_counters *c, int i, pid_t *pid, enum km_role *role);
/* The registered role of a root-namespace pid, KM_NO_ROLE if none. */
enum km_role km_counters_role_of(const struct km_counters *c, pid_t pid);
/* The first pid registered with `role`, -1 if none yet. */
pid_t km_counters_pid_of(const struct km_counters *c, enum km_role role);

/* The workload is over when the parent and every child it forked have ended,
 * or when the container died with its PID namespace (its init's pid ended),
 * or its init died before the parent ran.
 * A killed parent alone is not the end: its children may hold the memory on. */
int km_workload_over(const struct km_counters *c, int ctinit_dead, int pidns);

/* "exit:N" or "signal:N". */
void km_status_string(int status, char *buf, unsigned size);

#endif
