// The one oneDNN engine and the one worker thread that every oneDNN call of this target runs on.
#ifndef MIXEDBATCH_DNNL_WORKER_H
#define MIXEDBATCH_DNNL_WORKER_H

#include <oneapi/dnnl/dnnl.h>

/// The process's CPU engine, created on first use; NULL if oneDNN could not create one.
dnnl_engine_t mixedbatch_dnnl_engine(void);

/// Runs `job(context)` on the worker thread, one job at a time, and returns its status.
dnnl_status_t mixedbatch_dnnl_run(dnnl_status_t (*job)(void *context), void *context);

#endif
