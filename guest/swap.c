#define _GNU_SOURCE
#include "swap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <unistd.h>

#include "swap_size.h"
#include "util.h"

#define SWAP_PAGE 4096u /* x86: the swap header's unit */

/* The kernel's union swap_header, info part: after 1024 boot-sector bytes. */
struct swap_info_header {
    uint32_t version;
    uint32_t last_page;
    uint32_t nr_badpages;
    unsigned char uuid[16];
    char label[16];
};

/* The header page, once the device is known to hold the whole area. */
static int write_header(int fd, const char *dev, uint64_t size, const unsigned char *page, const char **step,
                        char *why, size_t why_size)
{
    uint64_t dev_bytes;
    *step = "device-size";
    if (ioctl(fd, BLKGETSIZE64, &dev_bytes) != 0)
        return -1;
    /* On a shorter device swapon fails with a bare EINVAL ("Swap area shorter
     * than signature indicates" on the console): say which sizes instead. */
    if (km_swap_size_check(dev, dev_bytes, size, why, why_size) != 0) {
        errno = ENOSPC;
        return -1;
    }
    *step = "write-header";
    if (write(fd, page, SWAP_PAGE) != (ssize_t)SWAP_PAGE || fsync(fd) != 0)
        return -1;
    return 0;
}

int km_swap_enable(const char *dev, uint64_t size, const char **step, char *why, size_t why_size)
{
    static unsigned char page[SWAP_PAGE];
    struct swap_info_header info = {.version = 1, .last_page = (uint32_t)(size / SWAP_PAGE - 1)};
    int fd, waited;

    why[0] = '\0';
    *step = "wait-device";
    for (waited = 0; !km_exists(dev); waited += 50) {
        if (waited >= 5000) {
            errno = ENOENT;
            return -1;
        }
        km_sleep_ms(50);
    }
    if (size < 16 * SWAP_PAGE) {
        *step = "size";
        errno = EINVAL;
        return -1;
    }
    memset(page, 0, sizeof page);
    memcpy(info.label, "kmatrix", 7);
    memcpy(page + 1024, &info, sizeof info);
    memcpy(page + SWAP_PAGE - 10, "SWAPSPACE2", 10);

    *step = "write-header";
    fd = open(dev, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (write_header(fd, dev, size, page, step, why, why_size) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    close(fd);
    *step = "swapon";
    return swapon(dev, 0);
}
