/* What the agent reports while a cell runs: the heartbeat's counters and
 * the container's per-process OOM scores. */
#ifndef KMATRIX_GUEST_REPORT_H
#define KMATRIX_GUEST_REPORT_H

#include "counters.h"

/* One `hb` line; counters is NULL before the workload exists. */
void km_report_heartbeat(const struct km_counters *counters);

/* `scores` lines: pid:comm:uid:oom_score of every task in the container. */
void km_report_scores(void);

/* Adds the counter fields (started, finished, killed, live) to a line. */
struct km_line;
void km_add_counters(struct km_line *line, const struct km_counters *counters);

#endif
