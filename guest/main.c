/* kmatrix guest agent: PID 1 of the cell's initramfs. It says `ready` on its
 * own serial port, receives the cell, builds the container, runs the
 * workload and reports until the harness stops the VM. It never exits: the
 * kernel panics when PID 1 does. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell.h"
#include "channel.h"
#include "container.h"
#include "counters.h"
#include "memcg.h"
#include "report.h"
#include "restore.h"
#include "swap.h"
#include "system.h"
#include "util.h"

#define AGENT_TTY "/dev/ttyS1"
#define HEARTBEAT_MS 1000
#define SCORES_EVERY_MS 5000
#define SCORES_ROUNDS 5

static struct km_cell cell;
static struct km_counters *counters;
static pid_t ctinit_pid = -1;
static int ctinit_dead, ctinit_status;
static int started_sent, done_sent, wlparent_fault_sent;
static int restore_refused; /* `restored` found the guest used: no cell runs in it */
static uint64_t started_ms;
static unsigned char role_sent[KM_MAX_ROLES];
static int64_t last_failcnt;
static uint64_t last_scores_ms;
static int score_rounds;

static void send_ready(int restored)
{
    struct utsname u;
    struct km_line line;
    uname(&u);
    km_line_begin(&line, KM_MSG_READY);
    km_line_add_i64(&line, "proto", KM_PROTOCOL_VERSION);
    km_line_add(&line, "kernel", u.release);
    km_line_add(&line, "cgroup", km_memcg_support());
    if (restored)
        km_line_add_i64(&line, "restored", 1);
    km_line_send(&line);
}

/* An `error` line for what:detail, with errno and msg (strerror when empty). */
static int fail_because(const char *what, const char *detail, const char *msg)
{
    char full[128];
    int err = errno;
    snprintf(full, sizeof full, "%s%s%s", what, *detail ? ":" : "", detail);
    km_send_error(full, err, *msg ? msg : strerror(err));
    return -1;
}

static int fail(const char *what, const char *detail)
{
    return fail_because(what, detail, "");
}

/* Everything the cell asks for, up to a running container. */
static int start_cell(void)
{
    const char *step = "";
    char why[160];
    int i;
    for (i = 0; i < cell.nmodules; i++)
        if (km_load_module(cell.modules[i].file, cell.modules[i].params) != 0)
            return fail("module", cell.modules[i].file);
    for (i = 0; i < cell.nsysctls; i++)
        if (km_set_sysctl(cell.sysctls[i].name, cell.sysctls[i].value) != 0)
            return fail("sysctl", cell.sysctls[i].name);
    if (cell.swap > 0 && km_swap_enable(cell.swap_dev, cell.swap, &step, why, sizeof why) != 0)
        return fail_because("swap", step, why);
    if (km_memcg_setup(&cell, &step) != 0)
        return fail("memcg", step);
    if (!(counters = km_counters_create()))
        return fail("counters", "");
    ctinit_pid = km_container_start(&cell, counters, &step);
    if (ctinit_pid < 0)
        return fail("container", step);
    return 0;
}

static void send_role(long pid, const char *role)
{
    struct km_line line;
    km_line_begin(&line, KM_MSG_ROLE);
    km_line_add_i64(&line, "pid", pid);
    km_line_add(&line, "role", role);
    km_line_send(&line);
}

/* Roles as the container's processes registered them, each sent once, so the
 * harness can tell who an OOM victim was whatever its name said. */
static void report_roles(void)
{
    int i, n = km_counters_nroles(counters);
    pid_t pid;
    enum km_role role;
    for (i = 0; i < n; i++) {
        if (role_sent[i] || !km_counters_role_at(counters, i, &pid, &role))
            continue;
        role_sent[i] = 1;
        send_role(pid, role == KM_PARENT ? KM_ROLE_PARENT : KM_ROLE_HELPER);
    }
}

static void on_cell(const struct km_msg *msg)
{
    char why[128];
    struct km_line line;
    if (counters)
        return km_send_error("cell", EALREADY, "this guest already ran a cell");
    if (restore_refused)
        return km_send_error("cell", EEXIST, "the restored guest is not fresh");
    if (km_cell_parse(msg, &cell, why, sizeof why) != 0)
        return km_send_error("cell", EINVAL, why);
    km_line_begin(&line, KM_MSG_CELL_OK);
    km_line_send(&line);
    if (start_cell() == 0)
        send_role(ctinit_pid, KM_ROLE_INIT);
}

/* A restored guest answers to a new harness: `ready` again, once it has
 * checked that the snapshot holds no experiment. The harness sends the cell
 * right behind `restored`, so a guest that fails the check refuses it. */
static void on_restored(void)
{
    const char *leftover;
    if (counters || km_guest_is_fresh(&leftover) != 0) {
        restore_refused = 1;
        return km_send_error("restore", EEXIST, counters ? "workload" : leftover);
    }
    send_ready(1);
}

static void on_sysrq(const struct km_msg *msg)
{
    const char *keys = km_msg_get(msg, "keys");
    struct km_line line;
    char key[2] = {0, 0};
    for (; keys && *keys; keys++) {
        key[0] = *keys;
        if (km_write_file("/proc/sysrq-trigger", key) != 0)
            fail("sysrq", key);
    }
    km_line_begin(&line, KM_MSG_SYSRQ_DONE);
    km_line_send(&line);
}

/* Who an orphan the agent reaped was: by the role it registered, else by
 * its name, for one killed before it could register (a fork of ctinit is
 * still called "ctinit", one of wlparent "wlparent"). */
static enum km_role orphan_role(pid_t pid, const char *comm)
{
    enum km_role role = km_counters_role_of(counters, pid);
    if (role != KM_NO_ROLE)
        return role;
    if (strcmp(comm, "ctinit") == 0)
        return KM_HELPER;
    if (strcmp(comm, "wlparent") == 0 && km_counters_pid_of(counters, KM_PARENT) < 0)
        return KM_PARENT;
    return KM_NO_ROLE;
}

/* As PID 1 the agent adopts every orphan (without a PID namespace, or once
 * ctinit is gone). Each is named before it is reaped (WNOWAIT), so that the
 * workload's processes are counted whoever their parent was when they died. */
static void reap(void)
{
    siginfo_t info;
    char comm[32];
    int status;
    for (;;) {
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
            return;
        if (km_read_comm(info.si_pid, comm, sizeof comm) != 0)
            comm[0] = '\0';
        if (waitpid(info.si_pid, &status, WNOHANG) <= 0)
            return;
        if (info.si_pid == ctinit_pid) {
            ctinit_dead = 1;
            ctinit_status = status;
            /* With its own PID namespace the container died with its init:
             * the kernel killed what was left, and nobody here saw it. No
             * writer is left, so a plain add is safe. */
            if (cell.pidns)
                counters->killed += counters->started - counters->finished - counters->killed;
        } else if (counters) {
            switch (orphan_role(info.si_pid, comm)) {
            case KM_PARENT: km_counters_parent_ended(counters, status); break;
            case KM_HELPER: break;
            case KM_NO_ROLE: km_counters_child_ended(counters, status); break;
            }
        }
    }
}

static void check_workload(void)
{
    char wlparent[32], ctinit[32];
    struct km_line line;
    int done = km_workload_over(counters, ctinit_dead, cell.pidns);
    if (!started_sent && (counters->wlparent_running || done)) {
        km_line_begin(&line, KM_MSG_STARTED);
        km_line_add_i64(&line, "ctinit", ctinit_pid);
        km_line_send(&line);
        started_sent = 1;
        started_ms = km_now_ms();
    }
    if (!done || done_sent)
        return;
    if (counters->wlparent_done)
        km_status_string(counters->wlparent_status, wlparent, sizeof wlparent);
    else
        snprintf(wlparent, sizeof wlparent, "signal:9"); /* killed with its namespace */
    if (ctinit_dead)
        km_status_string(ctinit_status, ctinit, sizeof ctinit);
    else
        snprintf(ctinit, sizeof ctinit, "alive");
    km_line_begin(&line, KM_MSG_DONE);
    km_line_add(&line, "wlparent", wlparent);
    km_line_add(&line, "ctinit", ctinit);
    km_add_counters(&line, counters);
    km_line_send(&line);
    done_sent = 1;
}

/* Fault injection for testing that a killed parent does not end the cell. */
static void maybe_kill_parent(uint64_t now)
{
    char msg[64];
    struct km_line line;
    pid_t wlparent_pid;
    if (!cell.kill_wlparent_ms || wlparent_fault_sent || !started_sent || counters->wlparent_done ||
        now - started_ms < cell.kill_wlparent_ms || (wlparent_pid = km_counters_pid_of(counters, KM_PARENT)) < 0)
        return;
    wlparent_fault_sent = 1;
    snprintf(msg, sizeof msg, "SIGKILL to wlparent %ld", (long)wlparent_pid);
    if (kill(wlparent_pid, SIGKILL) != 0)
        return (void)fail("fault", "kill wlparent");
    km_line_begin(&line, KM_MSG_LOG);
    km_line_add(&line, "what", "fault");
    km_line_add(&line, "msg", msg);
    km_line_send(&line);
}

/* Scores are wanted under pressure: when the container keeps hitting its
 * limit, a few rounds, some seconds apart. */
static void maybe_report_scores(uint64_t now)
{
    struct km_memcg_stats stats;
    int pressure;
    if (!counters || done_sent || score_rounds >= SCORES_ROUNDS || now - last_scores_ms < SCORES_EVERY_MS)
        return;
    km_memcg_read(&stats);
    pressure = stats.failcnt > last_failcnt || stats.under_oom > 0;
    last_failcnt = stats.failcnt;
    if (!pressure)
        return;
    km_report_scores();
    last_scores_ms = now;
    score_rounds++;
}

static void dispatch(const struct km_msg *msg)
{
    if (strcmp(msg->type, KM_MSG_CELL) == 0)
        on_cell(msg);
    else if (strcmp(msg->type, KM_MSG_SYSRQ) == 0)
        on_sysrq(msg);
    else if (strcmp(msg->type, KM_MSG_RESTORED) == 0)
        on_restored();
    else
        km_send_error("message", EINVAL, msg->type);
}

int main(void)
{
    struct pollfd pfd;
    struct km_msg msg;
    uint64_t next_heartbeat;

    km_mount_basics();
    if (km_set_oom_protection(1) != 0)
        km_warn("cannot protect myself from the OOM killer: %s", strerror(errno));
    km_write_file("/proc/sys/kernel/sysrq", "1");
    while (km_channel_open(AGENT_TTY) != 0) {
        km_warn("%s: %s", AGENT_TTY, strerror(errno));
        km_sleep_ms(1000);
    }
    send_ready(0);
    next_heartbeat = km_now_ms() + HEARTBEAT_MS;
    pfd.fd = km_channel_fd();
    pfd.events = POLLIN;
    for (;;) {
        uint64_t now;
        if (poll(&pfd, 1, 200) > 0 && km_channel_read() != 0)
            km_warn("reading %s: %s", AGENT_TTY, strerror(errno));
        while (km_channel_next(&msg))
            dispatch(&msg);
        now = km_now_ms();
        if (counters) {
            report_roles();
            maybe_kill_parent(now);
        }
        reap();
        if (counters && ctinit_pid > 0)
            check_workload();
        if (now >= next_heartbeat) {
            km_report_heartbeat(counters);
            maybe_report_scores(now);
            next_heartbeat = now + HEARTBEAT_MS;
        }
    }
}
