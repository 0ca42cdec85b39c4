// Every oneDNN call runs on one long-lived worker thread (8 MiB of stack), one at a time:
// Debian's oneDNN uses the OpenMP runtime, which crashes when primitives are created and run
// from many short-lived application threads (Swift's concurrency pool). Within one call
// OpenMP uses every core.
#include "DNNLWorker.h"

#include <pthread.h>

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static dnnl_engine_t engine;

static void create_engine(void) {
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) engine = NULL;
}

dnnl_engine_t mixedbatch_dnnl_engine(void) {
    pthread_once(&engine_once, create_engine);
    return engine;
}

typedef struct {
    dnnl_status_t (*job)(void *);
    void *context;
    dnnl_status_t status;
    int pending;
} request;

static pthread_mutex_t request_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t caller_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t request_ready = PTHREAD_COND_INITIALIZER, request_done = PTHREAD_COND_INITIALIZER;
static request *current;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;
static int worker_started;

static _Thread_local int on_team;

int mixedbatch_dnnl_on_team(void) { return on_team; }

void mixedbatch_dnnl_set_on_team(int value) { on_team = value; }

static void *worker(void *unused) {
    (void)unused;
    on_team = 1;
    pthread_mutex_lock(&request_lock);
    for (;;) {
        while (!current || !current->pending) pthread_cond_wait(&request_ready, &request_lock);
        request *r = current;
        pthread_mutex_unlock(&request_lock);
        dnnl_status_t status = r->job(r->context);
        pthread_mutex_lock(&request_lock);
        r->status = status;
        r->pending = 0;
        pthread_cond_broadcast(&request_done);
    }
    return NULL;
}

static void start_worker(void) {
    pthread_attr_t attributes;
    pthread_t thread;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 8u << 20);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    worker_started = pthread_create(&thread, &attributes, worker, NULL) == 0;
    pthread_attr_destroy(&attributes);
}

dnnl_status_t mixedbatch_dnnl_run(dnnl_status_t (*job)(void *context), void *context) {
    if (on_team) return job(context);
    pthread_once(&worker_once, start_worker);
    if (!worker_started) return dnnl_runtime_error;
    request r = {job, context, dnnl_success, 1};
    pthread_mutex_lock(&caller_lock);  // one request at a time
    pthread_mutex_lock(&request_lock);
    current = &r;
    pthread_cond_signal(&request_ready);
    while (r.pending) pthread_cond_wait(&request_done, &request_lock);
    current = NULL;
    pthread_mutex_unlock(&request_lock);
    pthread_mutex_unlock(&caller_lock);
    return r.status;
}
