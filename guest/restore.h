/* A guest restored from a snapshot taken at `ready` must be the guest that
 * said `ready`: nothing of an experiment set up yet. The agent checks the
 * kernel's own view of that, not its flags. */
#ifndef KMATRIX_GUEST_RESTORE_H
#define KMATRIX_GUEST_RESTORE_H

/* 0 when no cgroup is mounted, no swap is on and PID 1 has no child;
 * otherwise -1 with *what naming the first leftover ("memcg", "swap", "workload"). */
int km_guest_is_fresh(const char **what);

#endif
