/* A real swap device for the guest: the header written by the agent itself
 * (there is no mkswap in the initramfs), then swapon(). */
#ifndef KMATRIX_GUEST_SWAP_H
#define KMATRIX_GUEST_SWAP_H

#include <stddef.h>
#include <stdint.h>

/* Waits for dev to appear (a module just created it), writes a version-1
 * swap header for size bytes and enables it. Returns 0 or -1 with errno;
 * *step names what failed, and why (why_size bytes) says more than errno
 * when it can: for a device smaller than size (ENOSPC), both sizes. */
int km_swap_enable(const char *dev, uint64_t size, const char **step, char *why, size_t why_size);

#endif
