// CBLAS (OpenBLAS) and LAPACKE. Both macros must precede the includes so that complex
// arguments import as the struct _lapack_complex_double (layout-compatible with
// swift-numerics' Complex<Double>) instead of opaque pointers.
#define HAVE_LAPACK_CONFIG_H
#define LAPACK_COMPLEX_STRUCTURE
#include <cblas.h>
#include <lapacke.h>
