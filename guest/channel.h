/* The agent's side of the wire protocol (protocol.h): framing, CRC and
 * percent-encoding of lines on the agent's own serial port. */
#ifndef KMATRIX_GUEST_CHANNEL_H
#define KMATRIX_GUEST_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define KM_MAX_FIELDS 128

/* An outgoing line, built field by field. A field that does not fit is
 * dropped and the line marked truncated (sent with truncated=1). */
struct km_line {
    char buf[KM_MAX_LINE];
    size_t len;
    int truncated;
};

/* A received, CRC-checked line; keys and values point into the channel's
 * buffer and stay valid until the next km_channel_next() call. */
struct km_msg {
    const char *type;
    int nfields;
    const char *keys[KM_MAX_FIELDS];
    const char *values[KM_MAX_FIELDS]; /* decoded */
};

int km_channel_open(const char *tty); /* 0, or -1 with errno */
int km_channel_fd(void);

void km_line_begin(struct km_line *line, const char *type);
void km_line_add(struct km_line *line, const char *key, const char *value);
void km_line_add_i64(struct km_line *line, const char *key, int64_t value);
/* Appends the CRC and writes the line. Returns 0 or -1. */
int km_line_send(struct km_line *line);

/* Convenience for the common one-liners. */
void km_send_error(const char *what, int err, const char *msg);
void km_send_log(const char *what, const char *msg);

/* Reads what the port has (non-blocking). Returns -1 on a read error. */
int km_channel_read(void);
/* The next complete, valid line, or 0 when none is buffered. Invalid lines
 * (noise, bad CRC) are skipped and reported with a log line. */
int km_channel_next(struct km_msg *msg);

/* The first value of key, or NULL. */
const char *km_msg_get(const struct km_msg *msg, const char *key);

#endif
