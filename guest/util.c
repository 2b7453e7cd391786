#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int km_write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    ssize_t n;
    int saved;
    if (fd < 0)
        return -1;
    n = write(fd, text, len);
    saved = errno;
    close(fd);
    if (n != (ssize_t)len) {
        errno = n < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

int km_write_u64(const char *path, uint64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, value);
    return km_write_file(path, text);
}

long km_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t len = 0;
    ssize_t n;
    if (fd < 0)
        return -1;
    while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return -1;
        }
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(fd);
    return (long)len;
}

int64_t km_read_i64(const char *path)
{
    char buf[64];
    if (km_read_file(path, buf, sizeof buf) <= 0)
        return -1;
    return strtoll(buf, NULL, 10);
}

int64_t km_read_keyed(const char *path, const char *key)
{
    char buf[1024];
    size_t key_len = strlen(key);
    const char *line = buf;
    if (km_read_file(path, buf, sizeof buf) < 0)
        return -1;
    while (line && *line) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ' ')
            return strtoll(line + key_len + 1, NULL, 10);
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

int km_read_comm(long pid, char *comm, size_t size)
{
    char path[64], stat[512];
    const char *open_paren, *close_paren;
    size_t len;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if (km_read_file(path, stat, sizeof stat) <= 0)
        return -1;
    /* The name may itself contain ')' or spaces: take the outermost pair. */
    open_paren = strchr(stat, '(');
    close_paren = strrchr(stat, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return -1;
    len = (size_t)(close_paren - open_paren - 1);
    if (len >= size)
        len = size - 1;
    memcpy(comm, open_paren + 1, len);
    comm[len] = '\0';
    return 0;
}

int km_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int km_mkdir(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

uint64_t km_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void km_sleep_ms(uint64_t ms)
{
    struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

void km_warn(const char *fmt, ...)
{
    va_list ap;
    fputs("kmatrix-agent: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
