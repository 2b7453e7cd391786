/*
 * kmatrix agent protocol, version 1 — the one definition shared by the guest
 * agent (C, musl) and the harness (C++). docs/agent-protocol.md explains it.
 *
 * The channel is the guest's second serial port (ttyS1), never the kernel
 * console. Every line, in both directions, is
 *
 *     @km1 <seq> <type>[ <key>=<value>]* #<crc>\n
 *
 * <seq>   decimal, starts at 1 and grows by one per line and direction, so a
 *         lost line shows as a gap;
 * <type>  one of the KM_MSG_* names below;
 * <value> percent-encoded: bytes outside KM_VALUE_SAFE are written as %XX, so
 *         values never contain spaces, '=', '#' or control bytes;
 * <crc>   CRC-32 (IEEE 802.3, the zlib one) of every byte from '@' up to, not
 *         including, the " #" separator, as 8 lowercase hex digits.
 *
 * A receiver ignores bytes before "@km1 " (serial noise), and rejects a line
 * whose CRC does not match, whose version is not 1, or that is cut short: a
 * torn or noisy line is detected, never misread.
 */
#ifndef KMATRIX_GUEST_PROTOCOL_H
#define KMATRIX_GUEST_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#define KM_PROTOCOL_VERSION 1
#define KM_LINE_PREFIX "@km1 "
#define KM_CRC_SEPARATOR " #"
#define KM_MAX_LINE 4096
#define KM_VALUE_SAFE \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:,/+-"

/* Guest -> host. */
#define KM_MSG_READY "ready"       /* proto= kernel=<uname -r> cgroup=v1|v2|v1,v2|none [restored=1] */
#define KM_MSG_CELL_OK "cell-ok"   /* parameters accepted, container being set up */
#define KM_MSG_STARTED "started"   /* workload parent running: ctinit=<pid> */
#define KM_MSG_ROLE "role"         /* a container process was created: pid=<pid> role=<KM_ROLE_*> */
#define KM_MSG_HEARTBEAT "hb"      /* every second, see KM_HB_* keys */
#define KM_MSG_SCORES "scores"     /* part=N (from 1), then repeated p=pid:comm:uid:oom_score */
#define KM_MSG_DONE "workload-done"/* parent and every child ended, or the container died:
                                      wlparent= ctinit=alive|exit:N|signal:N, counters */
#define KM_MSG_SYSRQ_DONE "sysrq-done"
#define KM_MSG_LOG "log"           /* what=<step> msg=... (informational) */
#define KM_MSG_ERROR "error"       /* what=<step> errno=N msg=strerror: the cell cannot go on */

/* Host -> guest. */
#define KM_MSG_CELL "cell"         /* the cell's parameters, see KM_CELL_* keys */
#define KM_MSG_SYSRQ "sysrq"       /* keys=wt: write them to /proc/sysrq-trigger */
#define KM_MSG_RESTORED "restored" /* the guest was restored from a snapshot taken at `ready`:
                                      check it is fresh and say `ready restored=1` again */

/* Roles, by pid as the kernel's console prints it (the root PID namespace's):
 * the container's init, each helper it starts (respawns included) and the
 * workload parent. Any other process of the container is a workload child. */
#define KM_ROLE_INIT "init"
#define KM_ROLE_HELPER "helper"
#define KM_ROLE_PARENT "parent"

/* Heartbeat keys. Counters are cumulative since the workload started. */
#define KM_HB_UPTIME_MS "up"       /* guest monotonic ms */
#define KM_HB_STARTED "started"    /* workload children forked */
#define KM_HB_FINISHED "finished"  /* children that exited normally */
#define KM_HB_KILLED "killed"      /* children ended by a signal */
#define KM_HB_LIVE "live"          /* children alive now */
#define KM_HB_USAGE "usage"        /* memcg usage, bytes */
#define KM_HB_FAILCNT "failcnt"    /* v1 memory.failcnt; v2 memory.events max */
#define KM_HB_UNDER_OOM "under_oom"/* v1 oom_control under_oom; v2 0 */
#define KM_HB_OOM_KILLS "oom_kills"/* memcg oom_kill count where the kernel has it, else -1 */
#define KM_HB_CPU_USER "cpu_user"  /* /proc/stat ticks: user+nice */
#define KM_HB_CPU_SYS "cpu_sys"    /* system+irq+softirq */
#define KM_HB_CPU_IDLE "cpu_idle"  /* idle+iowait */

/* Cell keys (host -> guest). Sizes in bytes, times in ms; 0 = unset. */
#define KM_CELL_PROCS "procs"
#define KM_CELL_SIZE "size"
#define KM_CELL_HOLD_MS "hold_ms"
#define KM_CELL_FORK_PACING_MS "fork_pacing_ms" /* optional: pause after each fork; absent = 0 */
#define KM_CELL_UID "uid"             /* uid of the workload parent, 0 = root */
#define KM_CELL_CGROUP "cgroup"       /* v1 | v2 */
#define KM_CELL_LIMIT "limit"         /* memory limit */
#define KM_CELL_MEMSW "memsw"         /* v1 memory+swap limit; v2: swap.max = memsw-limit */
#define KM_CELL_OOM_KILL_DISABLE "oom_kill_disable"
#define KM_CELL_PIDNS "pidns"         /* 1: container init is PID 1 of a new PID namespace */
#define KM_CELL_SWAP "swap"           /* swap device size, bytes; 0 = no swap */
#define KM_CELL_SWAP_DEV "swap_dev"   /* block device to write the swap header to */
#define KM_CELL_MODULE "mod"          /* repeated, in load order: file:params (file in /lib/kmatrix) */
#define KM_CELL_SYSCTL "sysctl"       /* repeated: name:value, e.g. vm.panic_on_oom:1 */
#define KM_MAX_SYSCTLS 32             /* sysctl= entries a cell may hold */
#define KM_SYSCTL_NAME_MAX 127        /* bytes of a sysctl name */
#define KM_SYSCTL_VALUE_MAX 63        /* bytes of its value */
#define KM_CELL_KILL_WLPARENT_MS "kill_wlparent_ms" /* optional fault: SIGKILL the workload parent
                                                       this long after `started`; absent = 0 = never */

/* CRC-32 (IEEE), bitwise: lines are short and this keeps one implementation
 * for both sides without a table to generate. */
static inline uint32_t km_crc32(const void *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    uint32_t crc = 0xffffffffu;
    size_t i;
    int bit;
    for (i = 0; i < len; i++) {
        crc ^= p[i];
        for (bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

#endif
