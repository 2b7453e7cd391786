#include "swap_size.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int km_swap_size_check(const char *dev, uint64_t dev_bytes, uint64_t want_bytes, char *msg, size_t msg_size)
{
    if (dev_bytes >= want_bytes)
        return 0;
    /* A built-in brd keeps its configured size unless the command line sets it. */
    snprintf(msg, msg_size, "swap on %s is %" PRIu64 " KiB, the cell asks %" PRIu64 " KiB%s", dev, dev_bytes >> 10,
             want_bytes >> 10, strncmp(dev, "/dev/ram", 8) == 0 ? " (brd built in without brd.rd_size=?)" : "");
    return -1;
}
