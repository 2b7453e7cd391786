/* Whether a swap device can hold the swap a cell asks for. Pure, so that the
 * harness's unit tests compile it too. */
#ifndef KMATRIX_GUEST_SWAP_SIZE_H
#define KMATRIX_GUEST_SWAP_SIZE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 when a device of dev_bytes holds a swap area of want_bytes. Otherwise
 * -1, with msg (msg_size bytes) naming the device and both sizes in KiB. */
int km_swap_size_check(const char *dev, uint64_t dev_bytes, uint64_t want_bytes, char *msg, size_t msg_size);

#ifdef __cplusplus
}
#endif

#endif
