#define _GNU_SOURCE
#include "memcg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "util.h"

/* Mounted on the initramfs's own root: /sys/fs/cgroup does not exist on old
 * kernels, and our mount points must not depend on the sysfs layout. */
#define V1_ROOT "/cgroup/memory"
#define V2_ROOT "/cgroup2"
#define GROUP "kmx"

static char group[64]; /* the container's group directory, "" before setup */
static int v2;

static int has_line(const char *path, const char *word)
{
    char buf[4096];
    const char *p = buf;
    size_t len = strlen(word);
    if (km_read_file(path, buf, sizeof buf) < 0)
        return 0;
    while ((p = strstr(p, word)) != NULL) {
        int starts = p == buf || p[-1] == '\n' || p[-1] == '\t';
        int ends = p[len] == '\n' || p[len] == '\t' || p[len] == '\0';
        if (starts && ends)
            return 1;
        p += len;
    }
    return 0;
}

const char *km_memcg_support(void)
{
    int has_v1 = has_line("/proc/cgroups", "memory");
    int has_v2 = has_line("/proc/filesystems", "cgroup2");
    if (has_v1 && has_v2)
        return "v1,v2";
    return has_v1 ? "v1" : has_v2 ? "v2" : "none";
}

static int set(const char *file, uint64_t value, const char **step)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", group, file);
    *step = file;
    return km_write_u64(path, value);
}

static int setup_v1(const struct km_cell *cell, const char **step)
{
    char path[128];
    uint64_t memsw = cell->memsw ? cell->memsw : cell->limit;
    *step = "mount-v1";
    if (km_mkdir("/cgroup") != 0 || km_mkdir(V1_ROOT) != 0 ||
        mount("cgroup", V1_ROOT, "cgroup", 0, "memory") != 0)
        return -1;
    snprintf(group, sizeof group, "%s/%s", V1_ROOT, GROUP);
    *step = "mkdir";
    if (km_mkdir(group) != 0)
        return -1;
    /* The memory limit first: memsw may never be below it. */
    if (set("memory.limit_in_bytes", cell->limit, step) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", group);
    if (km_exists(path)) {
        if (set("memory.memsw.limit_in_bytes", memsw, step) != 0)
            return -1;
    } else if (cell->memsw) {
        *step = "memory.memsw.limit_in_bytes";
        errno = ENOENT; /* swap accounting off or not built */
        return -1;
    }
    if (cell->oom_kill_disable && set("memory.oom_control", 1, step) != 0)
        return -1;
    return 0;
}

static int setup_v2(const struct km_cell *cell, const char **step)
{
    char path[128];
    *step = "mount-v2";
    if (km_mkdir(V2_ROOT) != 0 || mount("cgroup2", V2_ROOT, "cgroup2", 0, NULL) != 0)
        return -1;
    *step = "subtree_control";
    if (km_write_file(V2_ROOT "/cgroup.subtree_control", "+memory") != 0)
        return -1;
    snprintf(group, sizeof group, "%s/%s", V2_ROOT, GROUP);
    v2 = 1;
    *step = "mkdir";
    if (km_mkdir(group) != 0)
        return -1;
    if (cell->oom_kill_disable) {
        *step = "oom_kill_disable";
        errno = EOPNOTSUPP; /* cgroup v2 has no such switch */
        return -1;
    }
    if (set("memory.max", cell->limit, step) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/memory.swap.max", group);
    if (km_exists(path))
        return set("memory.swap.max", cell->memsw > cell->limit ? cell->memsw - cell->limit : 0, step);
    if (cell->memsw) {
        *step = "memory.swap.max";
        errno = ENOENT;
        return -1;
    }
    return 0;
}

int km_memcg_setup(const struct km_cell *cell, const char **step)
{
    int rc = cell->cgroup_v2 ? setup_v2(cell, step) : setup_v1(cell, step);
    if (rc != 0) {
        int saved = errno;
        group[0] = '\0';
        errno = saved;
    }
    return rc;
}

int km_memcg_attach(int pid)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", group, v2 ? "cgroup.procs" : "tasks");
    return km_write_u64(path, (uint64_t)pid);
}

const char *km_memcg_tasks_file(void)
{
    static char path[128];
    if (!group[0])
        return NULL;
    snprintf(path, sizeof path, "%s/%s", group, v2 ? "cgroup.procs" : "tasks");
    return path;
}

void km_memcg_read(struct km_memcg_stats *stats)
{
    char path[128];
    memset(stats, 0, sizeof *stats);
    stats->oom_kills = -1;
    if (!group[0])
        return;
    if (v2) {
        snprintf(path, sizeof path, "%s/memory.current", group);
        stats->usage = km_read_i64(path);
        snprintf(path, sizeof path, "%s/memory.events", group);
        stats->failcnt = km_read_keyed(path, "max");
        stats->oom_kills = km_read_keyed(path, "oom_kill");
        return;
    }
    snprintf(path, sizeof path, "%s/memory.usage_in_bytes", group);
    stats->usage = km_read_i64(path);
    snprintf(path, sizeof path, "%s/memory.failcnt", group);
    stats->failcnt = km_read_i64(path);
    snprintf(path, sizeof path, "%s/memory.oom_control", group);
    stats->under_oom = km_read_keyed(path, "under_oom");
    stats->oom_kills = km_read_keyed(path, "oom_kill"); /* 4.13+ */
}
