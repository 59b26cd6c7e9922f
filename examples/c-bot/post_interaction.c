/*
 * post_interaction: posts one customer contact into Swarm as a case.interaction, over the
 * WebSocket protocol, with libwebsockets.
 *
 *   post_interaction [-u URL] [-t TOKEN] [-n CUSTOMER_NAME] CHANNEL HANDLE TEXT [EXTERNAL_ID]
 *
 * Each argument may come from the environment instead: SWARM_URL (default
 * ws://127.0.0.1:7420/v1/ws), SWARM_TOKEN, SWARM_CUSTOMER_NAME, SWARM_CHANNEL, SWARM_HANDLE,
 * SWARM_TEXT, SWARM_EXTERNAL_ID. CHANNEL is the contact channel (whatsapp, email, phone, ...)
 * and HANDLE the customer's address on it. Prints the reply frame; exits 0 when the server
 * accepted the contact, 1 otherwise.
 *
 * Flow: connect -> hello {token} -> wait for its reply -> case.interaction -> wait for its
 * reply -> close. Events (frames with "ev") that arrive in between are ignored.
 */
#include <ctype.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_SECONDS 30
#define MAX_FRAME (1 << 20)

enum stage { SEND_HELLO, AWAIT_HELLO, SEND_INTERACTION, AWAIT_INTERACTION, DONE };

static struct {
    const char *token, *name, *channel, *handle, *text, *external_id;
    enum stage stage;
    int exit_code;
    char *rx;       /* the message being reassembled from fragments */
    size_t rx_len;
} bot = { .exit_code = 1 };

/* ---- JSON, just enough: escaping strings we send, finding top-level members we receive ---- */

struct buf { char *p; size_t len, cap; };

static void put(struct buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { perror("realloc"); exit(1); }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string literal: quotes, backslashes and control characters escaped; UTF-8 as is. */
static void put_string(struct buf *b, const char *s) {
    put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(b, esc, 2); }
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); put(b, esc, 6); }
        else put(b, (const char *)&c, 1);
    }
    put(b, "\"", 1);
}

/* Finds the member `key` of the outermost JSON object and returns its raw text in *val and *vlen.
 * Strings are skipped with their escapes, so keys or braces inside values never confuse it. */
static int member(const char *s, size_t n, const char *key, const char **val, size_t *vlen) {
    size_t i = 0, klen = strlen(key);
    int depth = 0;
    while (i < n) {
        if (s[i] == '"') {
            size_t start = ++i;
            while (i < n && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
            if (i >= n) return 0;
            size_t end = i++, j = i;
            while (j < n && isspace((unsigned char)s[j])) j++;
            /* Only a key is followed by ':'. */
            if (depth == 1 && j < n && s[j] == ':' && end - start == klen && !memcmp(s + start, key, klen)) {
                for (j++; j < n && isspace((unsigned char)s[j]); j++) {}
                size_t from = j;
                int d = 0, in_string = 0;
                for (; j < n; j++) {
                    char c = s[j];
                    if (in_string) { if (c == '\\') j++; else if (c == '"') in_string = 0; continue; }
                    if (c == '"') in_string = 1;
                    else if (c == '{' || c == '[') d++;
                    else if ((c == '}' || c == ']') && d-- == 0) break;
                    else if (c == ',' && d == 0) break;
                }
                while (j > from && isspace((unsigned char)s[j - 1])) j--;
                *val = s + from;
                *vlen = j - from;
                return 1;
            }
            continue;
        }
        if (s[i] == '{' || s[i] == '[') depth++;
        else if (s[i] == '}' || s[i] == ']') depth--;
        i++;
    }
    return 0;
}

static int member_is(const char *s, size_t n, const char *key, const char *want) {
    const char *v;
    size_t vn;
    return member(s, n, key, &v, &vn) && vn == strlen(want) && !memcmp(v, want, vn);
}

/* ---- frames ---- */

/* Sends one text frame; lws needs LWS_PRE bytes of headroom before the payload. */
static int send_frame(struct lws *wsi, struct buf *payload) {
    unsigned char *frame = malloc(LWS_PRE + payload->len);
    if (!frame) return -1;
    memcpy(frame + LWS_PRE, payload->p, payload->len);
    int n = lws_write(wsi, frame + LWS_PRE, payload->len, LWS_WRITE_TEXT);
    free(frame);
    free(payload->p);
    return n < (int)payload->len ? -1 : 0;
}

static int send_hello(struct lws *wsi) {
    struct buf b = {0};
    puts_(&b, "{\"id\":\"1\",\"op\":\"hello\",\"data\":{\"token\":");
    put_string(&b, bot.token);
    puts_(&b, ",\"client\":\"post_interaction.c\"}}");
    return send_frame(wsi, &b);
}

static int send_interaction(struct lws *wsi) {
    struct buf b = {0};
    puts_(&b, "{\"id\":\"2\",\"op\":\"case.interaction\",\"data\":{\"identity\":{\"channel\":");
    put_string(&b, bot.channel);
    puts_(&b, ",\"handle\":");
    put_string(&b, bot.handle);
    puts_(&b, "},\"channel\":");
    put_string(&b, bot.channel);
    puts_(&b, ",\"direction\":\"inbound\",\"text\":");
    put_string(&b, bot.text);
    if (bot.name) { puts_(&b, ",\"customer_name\":"); put_string(&b, bot.name); }
    if (bot.external_id) { puts_(&b, ",\"external_id\":"); put_string(&b, bot.external_id); }
    puts_(&b, "}}");
    return send_frame(wsi, &b);
}

/* One complete message from the server. Returns -1 to close the connection. */
static int on_message(struct lws *wsi, const char *msg, size_t len) {
    if (member(msg, len, "ev", &(const char *){0}, &(size_t){0})) return 0; /* an event: not ours */
    int ok = member_is(msg, len, "ok", "true");
    if (bot.stage == AWAIT_HELLO && (member_is(msg, len, "re", "\"1\"") || member_is(msg, len, "re", "null"))) {
        if (!ok) {
            fprintf(stderr, "hello refused: %.*s\n", (int)len, msg);
            bot.stage = DONE;
            return -1;
        }
        bot.stage = SEND_INTERACTION;
        lws_callback_on_writable(wsi);
    } else if (bot.stage == AWAIT_INTERACTION && (member_is(msg, len, "re", "\"2\"") || member_is(msg, len, "re", "null"))) {
        printf("%.*s\n", (int)len, msg);
        bot.exit_code = ok ? 0 : 1;
        bot.stage = DONE;
        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
        return -1;
    }
    return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        fprintf(stderr, "connection failed: %s\n", in ? (const char *)in : "(no reason)");
        bot.stage = DONE;
        break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        lws_callback_on_writable(wsi);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (bot.stage == SEND_HELLO) {
            if (send_hello(wsi)) return -1;
            bot.stage = AWAIT_HELLO;
        } else if (bot.stage == SEND_INTERACTION) {
            if (send_interaction(wsi)) return -1;
            bot.stage = AWAIT_INTERACTION;
        }
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        /* A message may arrive in several fragments, and lws may split a large frame further:
         * collect until the final fragment has no payload left. */
        if (bot.rx_len + len > MAX_FRAME) { fprintf(stderr, "message too large\n"); return -1; }
        bot.rx = realloc(bot.rx, bot.rx_len + len + 1);
        if (!bot.rx) return -1;
        memcpy(bot.rx + bot.rx_len, in, len);
        bot.rx_len += len;
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            size_t n = bot.rx_len;
            bot.rx_len = 0;
            return on_message(wsi, bot.rx, n);
        }
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (bot.stage != DONE) fprintf(stderr, "connection closed before the reply\n");
        bot.stage = DONE;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    { "swarm", callback, 0, 0, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "timed out waiting for the server\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(1);
}

static const char *arg_or_env(int argc, char **argv, int index, const char *env) {
    return index < argc ? argv[index] : getenv(env);
}

int main(int argc, char **argv) {
    const char *url = getenv("SWARM_URL");
    bot.token = getenv("SWARM_TOKEN");
    bot.name = getenv("SWARM_CUSTOMER_NAME");
    int opt;
    while ((opt = getopt(argc, argv, "u:t:n:")) != -1) {
        if (opt == 'u') url = optarg;
        else if (opt == 't') bot.token = optarg;
        else if (opt == 'n') bot.name = optarg;
        else goto usage;
    }
    bot.channel = arg_or_env(argc, argv, optind, "SWARM_CHANNEL");
    bot.handle = arg_or_env(argc, argv, optind + 1, "SWARM_HANDLE");
    bot.text = arg_or_env(argc, argv, optind + 2, "SWARM_TEXT");
    bot.external_id = arg_or_env(argc, argv, optind + 3, "SWARM_EXTERNAL_ID");
    if (!bot.token || !bot.channel || !bot.handle || !bot.text) goto usage;

    /* lws_parse_uri writes into its argument and returns the path without its leading '/'. */
    char uri[1024], path[1024];
    snprintf(uri, sizeof uri, "%s", url ? url : "ws://127.0.0.1:7420/v1/ws");
    const char *scheme, *address, *rest;
    int port;
    if (lws_parse_uri(uri, &scheme, &address, &port, &rest)) { fprintf(stderr, "bad URL %s\n", url); return 1; }
    snprintf(path, sizeof path, "/%s", rest);

    signal(SIGALRM, on_alarm);
    alarm(TIMEOUT_SECONDS); /* a deadline for the whole exchange, whatever the network does */
    lws_set_log_level(LLL_ERR, NULL);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    struct lws_context *context = lws_create_context(&info);
    if (!context) { fprintf(stderr, "lws_create_context failed\n"); return 1; }

    struct lws_client_connect_info cc;
    memset(&cc, 0, sizeof cc);
    cc.context = context;
    cc.address = address;
    cc.port = port;
    cc.path = path;
    cc.host = address;
    cc.origin = address;
    cc.ssl_connection = strcmp(scheme, "wss") == 0 ? LCCSCF_USE_SSL : 0;
    if (!lws_client_connect_via_info(&cc)) { fprintf(stderr, "could not connect to %s\n", url); lws_context_destroy(context); return 1; }

    while (bot.stage != DONE && lws_service(context, 0) >= 0) {}
    lws_context_destroy(context);
    free(bot.rx);
    return bot.exit_code;

usage:
    fprintf(stderr, "usage: %s [-u URL] [-t TOKEN] [-n CUSTOMER_NAME] CHANNEL HANDLE TEXT [EXTERNAL_ID]\n"
                    "  (or SWARM_URL, SWARM_TOKEN, SWARM_CUSTOMER_NAME, SWARM_CHANNEL, SWARM_HANDLE, SWARM_TEXT, SWARM_EXTERNAL_ID)\n", argv[0]);
    return 2;
}
