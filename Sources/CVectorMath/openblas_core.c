#include "vector_math.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// OpenBLAS 0.3.21 (Debian 12's) picks its kernels at load time from the CPU model number. On CPUs
// newer than it knows (Sapphire Rapids, and virtual CPUs that report a generic model) it falls
// back to "Prescott", its SSE3 kernels: dgemm then runs 5-8x below what the same library reaches
// with its AVX-512 ("SkylakeX") or AVX2 ("Haswell") kernels on the same machine. OpenBLAS reads
// the documented variable OPENBLAS_CORETYPE to override its choice. ass_openblas_select_cpu_kernels
// sets that variable from what the CPU supports and asks OpenBLAS to run its own selection again.
//
// It is NOT done automatically: 0.3.21's Haswell/SkylakeX complex gemv (zgemv_n) can read past
// its arrays (OpenBLAS issue #4013, fixed in later releases), which crashed LAPACK's zheev here
// (`hermitianEigen`) under the SkylakeX kernels. A program that uses only real BLAS (Chapter 08's
// training) may call it first thing; nothing that may call LAPACK's complex routines should.
// It changes nothing when the user has set OPENBLAS_CORETYPE, when OpenBLAS chose anything but
// Prescott, or when the OpenBLAS in use has no runtime kernel selection (the two functions are
// then absent: weak symbols, null).
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

static char detected[32] = "";

const char *ass_openblas_detected_core(void) { return detected; }

const char *ass_openblas_core(void) { return openblas_get_corename ? openblas_get_corename() : "unknown"; }

#if defined(__x86_64__)
static const char *supported_core(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    return NULL;
}

int ass_openblas_select_cpu_kernels(void) {
    if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 0;
    if (detected[0] == 0) strncpy(detected, openblas_get_corename(), sizeof detected - 1);
    if (getenv("OPENBLAS_CORETYPE") || strcasecmp(openblas_get_corename(), "Prescott") != 0) return 0;
    const char *core = supported_core();
    if (!core) return 0;
    setenv("OPENBLAS_CORETYPE", core, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    return 1;
}
#else
int ass_openblas_select_cpu_kernels(void) { return 0; }
#endif
