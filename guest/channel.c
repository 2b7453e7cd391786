#define _GNU_SOURCE
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

static int channel_fd = -1;
static uint64_t next_seq = 1;
static char inbuf[2 * KM_MAX_LINE];
static size_t inlen;
static char current[KM_MAX_LINE]; /* the line km_channel_next() returned */

int km_channel_open(const char *tty)
{
    struct termios tio;
    channel_fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (channel_fd < 0)
        return -1;
    /* Raw: no echo, no line editing, no CR/LF translation of our bytes. */
    if (tcgetattr(channel_fd, &tio) == 0) {
        cfmakeraw(&tio);
        cfsetispeed(&tio, B115200);
        cfsetospeed(&tio, B115200);
        tio.c_cflag |= CLOCAL | CREAD;
        tcsetattr(channel_fd, TCSANOW, &tio);
    }
    return 0;
}

int km_channel_fd(void)
{
    return channel_fd;
}

void km_line_begin(struct km_line *line, const char *type)
{
    line->truncated = 0;
    line->len = (size_t)snprintf(line->buf, sizeof line->buf, "%s%" PRIu64 " %s", KM_LINE_PREFIX,
                                 next_seq++, type);
}

static int is_safe(unsigned char c)
{
    return c != '\0' && strchr(KM_VALUE_SAFE, c) != NULL;
}

void km_line_add(struct km_line *line, const char *key, const char *value)
{
    /* Room kept for " truncated=1 #xxxxxxxx\n". */
    const size_t limit = sizeof line->buf - 32;
    size_t len = line->len;
    const unsigned char *v;
    len += (size_t)snprintf(line->buf + len, limit > len ? limit - len : 0, " %s=", key);
    for (v = (const unsigned char *)value; *v && len + 3 < limit; v++) {
        if (is_safe(*v))
            line->buf[len++] = (char)*v;
        else
            len += (size_t)snprintf(line->buf + len, 4, "%%%02X", *v);
    }
    if (*v || len >= limit) {
        line->buf[line->len] = '\0';
        line->truncated = 1;
        return;
    }
    line->len = len;
    line->buf[len] = '\0';
}

void km_line_add_i64(struct km_line *line, const char *key, int64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    km_line_add(line, key, text);
}

static int write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(channel_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) { /* the port's buffer is full: it drains at line speed */
                km_sleep_ms(5);
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int km_line_send(struct km_line *line)
{
    if (line->truncated) {
        line->truncated = 0;
        km_line_add(line, "truncated", "1");
    }
    line->len += (size_t)snprintf(line->buf + line->len, sizeof line->buf - line->len, "%s%08" PRIx32 "\n",
                                  KM_CRC_SEPARATOR, km_crc32(line->buf, line->len));
    return write_all(line->buf, line->len);
}

void km_send_error(const char *what, int err, const char *msg)
{
    struct km_line line;
    km_warn("%s: %s", what, msg);
    km_line_begin(&line, KM_MSG_ERROR);
    km_line_add(&line, "what", what);
    km_line_add_i64(&line, "errno", err);
    km_line_add(&line, "msg", msg);
    km_line_send(&line);
}

void km_send_log(const char *what, const char *msg)
{
    struct km_line line;
    km_line_begin(&line, KM_MSG_LOG);
    km_line_add(&line, "what", what);
    km_line_add(&line, "msg", msg);
    km_line_send(&line);
}

int km_channel_read(void)
{
    for (;;) {
        ssize_t n;
        if (inlen == sizeof inbuf) /* a line longer than the protocol allows: drop it */
            inlen = 0;
        n = read(channel_fd, inbuf + inlen, sizeof inbuf - inlen);
        if (n > 0) {
            inlen += (size_t)n;
            continue;
        }
        if (n == 0 || errno == EAGAIN)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* In place; returns -1 on a malformed escape. */
static int percent_decode(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '%') {
            int hi = hex_value(s[1]), lo = hi < 0 ? -1 : hex_value(s[2]);
            if (lo < 0)
                return -1;
            *out++ = (char)(hi * 16 + lo);
            s += 2;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
    return 0;
}

/* Checks and splits `current` (one line without '\n'). 0 when valid. */
static int parse_current(struct km_msg *msg)
{
    char *start = strstr(current, KM_LINE_PREFIX);
    char *sep, *end, *tok, *save = NULL;
    unsigned long crc;
    if (!start || !(sep = strstr(start, KM_CRC_SEPARATOR)))
        return -1;
    crc = strtoul(sep + 2, &end, 16);
    if (end != sep + 10 || (*end != '\0' && *end != '\r'))
        return -1;
    if ((uint32_t)crc != km_crc32(start, (size_t)(sep - start)))
        return -1;
    *sep = '\0';
    msg->nfields = 0;
    strtok_r(start, " ", &save);     /* "@km1" */
    if (!strtok_r(NULL, " ", &save)) /* seq */
        return -1;
    msg->type = strtok_r(NULL, " ", &save);
    if (!msg->type)
        return -1;
    while ((tok = strtok_r(NULL, " ", &save)) != NULL && msg->nfields < KM_MAX_FIELDS) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return -1;
        *eq = '\0';
        if (percent_decode(eq + 1) != 0)
            return -1;
        msg->keys[msg->nfields] = tok;
        msg->values[msg->nfields] = eq + 1;
        msg->nfields++;
    }
    return 0;
}

int km_channel_next(struct km_msg *msg)
{
    char *nl;
    while ((nl = memchr(inbuf, '\n', inlen)) != NULL) {
        size_t len = (size_t)(nl - inbuf);
        int ok = len < sizeof current;
        if (ok) {
            memcpy(current, inbuf, len);
            current[len] = '\0';
        }
        memmove(inbuf, nl + 1, inlen - len - 1);
        inlen -= len + 1;
        if (ok && parse_current(msg) == 0)
            return 1;
        if (len > 0)
            km_send_log("rejected-line", "a received line failed its checks");
    }
    return 0;
}

const char *km_msg_get(const struct km_msg *msg, const char *key)
{
    int i;
    for (i = 0; i < msg->nfields; i++)
        if (strcmp(msg->keys[i], key) == 0)
            return msg->values[i];
    return NULL;
}
