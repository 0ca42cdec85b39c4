#ifndef MIXEDBATCH_CMPI_SHIM_H
#define MIXEDBATCH_CMPI_SHIM_H
#include <mpi.h>

// OpenMPI's handles are macros over addresses of globals, which Swift cannot import:
// functions return them instead.
static inline MPI_Comm mixedbatch_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mixedbatch_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Op mixedbatch_mpi_sum(void) { return MPI_SUM; }
static inline void *mixedbatch_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int mixedbatch_mpi_success(void) { return MPI_SUCCESS; }
static inline int mixedbatch_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int mixedbatch_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline MPI_Errhandler mixedbatch_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }

#endif
