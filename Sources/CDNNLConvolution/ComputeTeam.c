// Our own large elementwise and reduction kernels run on the same OpenMP team as oneDNN's
// primitives: the worker thread (the team's master) and OpenMP's threads, which spin for a
// while after each primitive. A second pool of our own would compete with those spinning
// threads for the same cores; one team shares them without oversubscription.
#include "DNNLConvolution.h"
#include "DNNLWorker.h"

// libgomp's entry points, which `#pragma omp parallel` compiles to under GCC (this target
// builds without -fopenmp, which SwiftPM only accepts as an unsafe flag).
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
extern int omp_get_thread_num(void);
extern int omp_get_num_threads(void);
extern int omp_get_max_threads(void);

typedef struct {
    void (*body)(void *context, int64_t part, int64_t parts);
    void *context;
} team_job;

static void each_member(void *data) {
    const team_job *job = data;
    int was_on_team = mixedbatch_dnnl_on_team();
    mixedbatch_dnnl_set_on_team(1);
    job->body(job->context, omp_get_thread_num(), omp_get_num_threads());
    mixedbatch_dnnl_set_on_team(was_on_team);
}

static dnnl_status_t on_worker(void *data) {
    GOMP_parallel(each_member, data, 0, 0);
    return dnnl_success;
}

int64_t mixedbatch_team_size(void) { return omp_get_max_threads(); }

int mixedbatch_team_run(void (*body)(void *context, int64_t part, int64_t parts), void *context) {
    team_job job = {body, context};
    return (int)mixedbatch_dnnl_run(on_worker, &job);
}
