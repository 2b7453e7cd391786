#define _GNU_SOURCE
#include "system.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

void km_mount_basics(void)
{
    km_mkdir("/proc");
    km_mkdir("/sys");
    km_mkdir("/dev");
    if (mount("proc", "/proc", "proc", 0, NULL) != 0)
        km_warn("mount /proc: %s", strerror(errno));
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0)
        km_warn("mount /sys: %s", strerror(errno));
    /* Without devtmpfs the initramfs's static nodes remain. */
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0 && errno != EBUSY)
        km_warn("mount devtmpfs: %s (keeping the static /dev)", strerror(errno));
}

int km_set_oom_protection(int protect)
{
    if (km_exists("/proc/self/oom_score_adj"))
        return km_write_file("/proc/self/oom_score_adj", protect ? "-1000" : "0");
    return km_write_file("/proc/self/oom_adj", protect ? "-17" : "0");
}

int km_load_module(const char *file, const char *params)
{
    char path[256];
    struct stat st;
    char *image;
    int fd, rc, saved;
    snprintf(path, sizeof path, "/lib/kmatrix/%s", file);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !(image = malloc((size_t)st.st_size))) {
        saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    rc = read(fd, image, (size_t)st.st_size) == st.st_size ? 0 : -1;
    if (rc == 0)
        rc = (int)syscall(SYS_init_module, image, (unsigned long)st.st_size, params);
    saved = errno;
    free(image);
    close(fd);
    if (rc != 0 && saved == EEXIST)
        return 0;
    errno = saved;
    return rc;
}

int km_set_sysctl(const char *name, const char *value)
{
    char path[256];
    char *p;
    if (strstr(name, "..") || strchr(name, '/')) {
        errno = EINVAL;
        return -1;
    }
    snprintf(path, sizeof path, "/proc/sys/%s", name);
    for (p = path + strlen("/proc/sys/"); *p; p++)
        if (*p == '.')
            *p = '/';
    return km_write_file(path, value);
}
