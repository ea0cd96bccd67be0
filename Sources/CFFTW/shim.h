// FFTW3, double precision. <complex.h> is deliberately not included first: without it
// fftw_complex is double[2], which Swift imports as a (Double, Double) tuple.
#include <fftw3.h>
