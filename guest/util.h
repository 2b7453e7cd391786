/* Small file and time helpers for the agent: it has no libc niceties to lean
 * on beyond musl, and every /proc or cgroup access is one of these. */
#ifndef KMATRIX_GUEST_UTIL_H
#define KMATRIX_GUEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Writes the whole string to an existing file (no O_CREAT: /proc, cgroups).
 * Returns 0, or -1 with errno set. */
int km_write_file(const char *path, const char *text);
int km_write_u64(const char *path, uint64_t value);

/* Reads up to size-1 bytes, NUL-terminated. Returns the length or -1. */
long km_read_file(const char *path, char *buf, size_t size);

/* The first integer in the file, or -1 when it cannot be read. */
int64_t km_read_i64(const char *path);

/* The value after "<key> " on a line of a "key value" file (memory.events,
 * memory.oom_control), or -1 when absent. */
int64_t km_read_keyed(const char *path, const char *key);

/* A task's name from /proc/PID/stat (/proc/PID/comm is 2.6.33+); also works
 * for a zombie. Returns 0, or -1 when the task is gone. */
int km_read_comm(long pid, char *comm, size_t size);

int km_exists(const char *path);
int km_mkdir(const char *path); /* 0 also when it already exists */

uint64_t km_now_ms(void);          /* CLOCK_MONOTONIC */
void km_sleep_ms(uint64_t ms);     /* whole duration, despite signals */

/* Diagnostics to the kernel console (fd 2), for when the channel is down. */
void km_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
