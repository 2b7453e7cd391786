#include "cell.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_u64(const char *text, uint64_t *out)
{
    char *end;
    if (!text || !*text || *text == '-')
        return -1;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return errno || *end ? -1 : 0;
}

/* "name:rest" -> name and rest, each bounded. */
static int split_pair(const char *text, char *a, size_t a_size, char *b, size_t b_size)
{
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : 0;
    if (!colon || len == 0 || len >= a_size || strlen(colon + 1) >= b_size)
        return -1;
    memcpy(a, text, len);
    a[len] = '\0';
    strcpy(b, colon + 1);
    return 0;
}

int km_cell_parse(const struct km_msg *msg, struct km_cell *cell, char *why, unsigned why_size)
{
    static const struct {
        const char *key;
        size_t offset;
    } numbers[] = {
        {KM_CELL_PROCS, offsetof(struct km_cell, procs)}, {KM_CELL_SIZE, offsetof(struct km_cell, size)},
        {KM_CELL_HOLD_MS, offsetof(struct km_cell, hold_ms)}, {KM_CELL_UID, offsetof(struct km_cell, uid)},
        {KM_CELL_LIMIT, offsetof(struct km_cell, limit)}, {KM_CELL_MEMSW, offsetof(struct km_cell, memsw)},
        {KM_CELL_SWAP, offsetof(struct km_cell, swap)},
    };
    const char *cgroup = km_msg_get(msg, KM_CELL_CGROUP);
    const char *dev = km_msg_get(msg, KM_CELL_SWAP_DEV);
    const char *pacing = km_msg_get(msg, KM_CELL_FORK_PACING_MS);
    const char *kill_parent = km_msg_get(msg, KM_CELL_KILL_WLPARENT_MS);
    uint64_t flag;
    size_t i;
    int f;

    memset(cell, 0, sizeof *cell);
    for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        if (parse_u64(km_msg_get(msg, numbers[i].key), (uint64_t *)((char *)cell + numbers[i].offset)) != 0) {
            snprintf(why, why_size, "%s: missing or not a number", numbers[i].key);
            return -1;
        }
    }
    /* Optional, so that a harness that predates them still talks to this agent. */
    if (pacing && parse_u64(pacing, &cell->fork_pacing_ms) != 0) {
        snprintf(why, why_size, "%s: not a number", KM_CELL_FORK_PACING_MS);
        return -1;
    }
    if (kill_parent && parse_u64(kill_parent, &cell->kill_wlparent_ms) != 0) {
        snprintf(why, why_size, "%s: not a number", KM_CELL_KILL_WLPARENT_MS);
        return -1;
    }
    if (parse_u64(km_msg_get(msg, KM_CELL_OOM_KILL_DISABLE), &flag) != 0 || flag > 1) {
        snprintf(why, why_size, "%s: must be 0 or 1", KM_CELL_OOM_KILL_DISABLE);
        return -1;
    }
    cell->oom_kill_disable = (int)flag;
    if (parse_u64(km_msg_get(msg, KM_CELL_PIDNS), &flag) != 0 || flag > 1) {
        snprintf(why, why_size, "%s: must be 0 or 1", KM_CELL_PIDNS);
        return -1;
    }
    cell->pidns = (int)flag;
    if (!cgroup || (strcmp(cgroup, "v1") != 0 && strcmp(cgroup, "v2") != 0)) {
        snprintf(why, why_size, "%s: must be v1 or v2", KM_CELL_CGROUP);
        return -1;
    }
    cell->cgroup_v2 = strcmp(cgroup, "v2") == 0;
    if (cell->procs == 0 || cell->size == 0 || cell->limit == 0) {
        snprintf(why, why_size, "procs, size and limit must be positive");
        return -1;
    }
    if (cell->swap > 0 && (!dev || strlen(dev) >= sizeof cell->swap_dev)) {
        snprintf(why, why_size, "%s: needed with swap", KM_CELL_SWAP_DEV);
        return -1;
    }
    if (dev)
        snprintf(cell->swap_dev, sizeof cell->swap_dev, "%s", dev);

    for (f = 0; f < msg->nfields; f++) {
        if (strcmp(msg->keys[f], KM_CELL_MODULE) == 0) {
            if (cell->nmodules == KM_MAX_MODULES ||
                split_pair(msg->values[f], cell->modules[cell->nmodules].file, sizeof cell->modules[0].file,
                           cell->modules[cell->nmodules].params, sizeof cell->modules[0].params) != 0) {
                snprintf(why, why_size, "%s: bad or too many entries", KM_CELL_MODULE);
                return -1;
            }
            cell->nmodules++;
        } else if (strcmp(msg->keys[f], KM_CELL_SYSCTL) == 0) {
            if (cell->nsysctls == KM_MAX_SYSCTLS ||
                split_pair(msg->values[f], cell->sysctls[cell->nsysctls].name, sizeof cell->sysctls[0].name,
                           cell->sysctls[cell->nsysctls].value, sizeof cell->sysctls[0].value) != 0) {
                snprintf(why, why_size, "%s: bad or too many entries", KM_CELL_SYSCTL);
                return -1;
            }
            cell->nsysctls++;
        }
    }
    return 0;
}
