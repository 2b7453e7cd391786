#define _GNU_SOURCE
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "memcg.h"
#include "util.h"

void km_add_counters(struct km_line *line, const struct km_counters *c)
{
    int64_t started = c ? c->started : 0, finished = c ? c->finished : 0, killed = c ? c->killed : 0;
    km_line_add_i64(line, KM_HB_STARTED, started);
    km_line_add_i64(line, KM_HB_FINISHED, finished);
    km_line_add_i64(line, KM_HB_KILLED, killed);
    km_line_add_i64(line, KM_HB_LIVE, started - finished - killed);
}

/* Whole-guest ticks from the first line of /proc/stat. */
static void add_cpu(struct km_line *line)
{
    char buf[512];
    unsigned long long v[8] = {0};
    if (km_read_file("/proc/stat", buf, sizeof buf) > 0)
        sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
    km_line_add_i64(line, KM_HB_CPU_USER, (int64_t)(v[0] + v[1]));
    km_line_add_i64(line, KM_HB_CPU_SYS, (int64_t)(v[2] + v[5] + v[6]));
    km_line_add_i64(line, KM_HB_CPU_IDLE, (int64_t)(v[3] + v[4]));
}

void km_report_heartbeat(const struct km_counters *counters)
{
    struct km_line line;
    struct km_memcg_stats stats;
    km_memcg_read(&stats);
    km_line_begin(&line, KM_MSG_HEARTBEAT);
    km_line_add_i64(&line, KM_HB_UPTIME_MS, (int64_t)km_now_ms());
    km_add_counters(&line, counters);
    km_line_add_i64(&line, KM_HB_USAGE, stats.usage);
    km_line_add_i64(&line, KM_HB_FAILCNT, stats.failcnt);
    km_line_add_i64(&line, KM_HB_UNDER_OOM, stats.under_oom);
    km_line_add_i64(&line, KM_HB_OOM_KILLS, stats.oom_kills);
    add_cpu(&line);
    km_line_send(&line);
}

/* "pid:comm:uid:score" of one task, or 0 when it is gone. */
static int describe(long pid, char *out, size_t size)
{
    char path[64], status[1024], comm[32];
    const char *uid_line;
    long uid = -1;
    int64_t score;
    if (km_read_comm(pid, comm, sizeof comm) != 0)
        return 0;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (km_read_file(path, status, sizeof status) > 0 && (uid_line = strstr(status, "\nUid:")) != NULL)
        uid = strtol(uid_line + 5, NULL, 10);
    snprintf(path, sizeof path, "/proc/%ld/oom_score", pid);
    score = km_read_i64(path);
    if (score < 0)
        return 0;
    snprintf(out, size, "%ld:%s:%ld:%lld", pid, comm, uid, (long long)score);
    return 1;
}

void km_report_scores(void)
{
    /* Lines hold ~100 entries; a few thousand tasks fit in a few dozen. */
    enum { PER_LINE = 100 };
    static char tasks[256 * 1024];
    const char *file = km_memcg_tasks_file();
    struct km_line line;
    char entry[96];
    char *p, *next;
    int in_line = 0, part = 1;

    if (!file || km_read_file(file, tasks, sizeof tasks) < 0)
        return;
    for (p = tasks; *p; p = next) {
        long pid = strtol(p, &next, 10);
        if (next == p)
            break;
        if (!describe(pid, entry, sizeof entry))
            continue;
        if (in_line == 0) {
            km_line_begin(&line, KM_MSG_SCORES);
            km_line_add_i64(&line, "part", part++);
        }
        km_line_add(&line, "p", entry);
        if (++in_line == PER_LINE) {
            km_line_send(&line);
            in_line = 0;
        }
    }
    if (in_line > 0)
        km_line_send(&line);
}
