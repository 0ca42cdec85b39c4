// FFTW3 in double (fftw_*) and single (fftwf_*) precision.
#include <fftw3.h>
