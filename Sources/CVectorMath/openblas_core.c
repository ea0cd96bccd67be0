#include "vector_math.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// OpenBLAS 0.3.21 (Debian 12's) picks its kernels at load time from the CPU model number. On CPUs
// newer than it knows (Sapphire Rapids, and virtual CPUs that report a generic model) it falls
// back to "Prescott", its SSE3 kernels: dgemm then runs 5-8x below what the same library reaches
// with its AVX-512 ("SkylakeX") or AVX2 ("Haswell") kernels on the same machine. OpenBLAS reads
// the documented variable OPENBLAS_CORETYPE to override its choice; this constructor, which runs
// after OpenBLAS has loaded and before main, sets that variable from what the CPU supports and
// asks OpenBLAS to run its own selection again. It changes nothing when the user has set
// OPENBLAS_CORETYPE, when OpenBLAS chose anything but Prescott, or when the OpenBLAS in use has
// no runtime kernel selection (the two functions are then absent: weak symbols, null).
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

__attribute__((constructor)) static void ass_correct_openblas_core(void) {
    if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    strncpy(detected, openblas_get_corename(), sizeof detected - 1);
    if (getenv("OPENBLAS_CORETYPE") || strcasecmp(detected, "Prescott") != 0) return;
    const char *core = supported_core();
    if (!core) return;
    setenv("OPENBLAS_CORETYPE", core, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
}
#endif
