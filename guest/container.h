/* The container: an init ("ctinit", uid 0) in the memory cgroup, by default
 * PID 1 of its own PID namespace, that keeps two tiny helpers alive (the
 * post's mingetty) and starts the workload parent. */
#ifndef KMATRIX_GUEST_CONTAINER_H
#define KMATRIX_GUEST_CONTAINER_H

#include "cell.h"
#include "counters.h"

/* Starts ctinit, moves it into the memory cgroup before it runs anything,
 * then lets it go. Returns its pid (as the agent sees it), or -1 with errno
 * and *step naming what failed. */
int km_container_start(const struct km_cell *cell, struct km_counters *counters, const char **step);

#endif
