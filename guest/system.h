/* Setting up the guest system the agent runs as PID 1 of: file systems,
 * its own OOM protection, kernel modules and sysctls. */
#ifndef KMATRIX_GUEST_SYSTEM_H
#define KMATRIX_GUEST_SYSTEM_H

/* Mounts /proc, /sys and devtmpfs on /dev (where the kernel has it). */
void km_mount_basics(void);

/* oom_score_adj (2.6.36+), else the older oom_adj: the value for "never
 * kill" or, with protect = 0, the default. Returns 0 or -1. */
int km_set_oom_protection(int protect);

/* init_module() of /lib/kmatrix/<file> with params; an already loaded
 * module is fine. Returns 0 or -1 with errno. */
int km_load_module(const char *file, const char *params);

/* "vm.panic_on_oom" = "1" -> /proc/sys/vm/panic_on_oom. Returns 0 or -1. */
int km_set_sysctl(const char *name, const char *value);

#endif
