// The one oneDNN engine and the one worker thread that every oneDNN call of this target runs on.
#ifndef MIXEDBATCH_DNNL_WORKER_H
#define MIXEDBATCH_DNNL_WORKER_H

#include <oneapi/dnnl/dnnl.h>

/// The process's CPU engine, created on first use; NULL if oneDNN could not create one.
dnnl_engine_t mixedbatch_dnnl_engine(void);

/// Runs `job(context)` on the worker thread, one job at a time, and returns its status; called
/// from the worker thread or the team it runs (see mixedbatch_dnnl_on_team), runs it right there.
dnnl_status_t mixedbatch_dnnl_run(dnnl_status_t (*job)(void *context), void *context);

/// Whether this thread is the worker or one of the OpenMP team running a job for it: a call to
/// the worker from here would wait for itself.
int mixedbatch_dnnl_on_team(void);

/// Marks this thread as one of the team (1) or not (0).
void mixedbatch_dnnl_set_on_team(int on_team);

#endif
