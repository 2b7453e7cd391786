/* The seed post's program: a parent forks N children (pausing P ms after
 * each fork when the cell paces them); each allocates S bytes, touches every
 * page, holds them H ms and exits; the parent waits for all of them. */
#ifndef KMATRIX_GUEST_WORKLOAD_H
#define KMATRIX_GUEST_WORKLOAD_H

#include "cell.h"
#include "counters.h"

/* Runs as the workload parent ("wlparent") under the cell's uid; never
 * returns. The exit status is 0, or 1 when it could not drop privileges. */
void km_workload_parent(const struct km_cell *cell, struct km_counters *counters) __attribute__((noreturn));

#endif
