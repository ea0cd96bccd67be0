#ifndef ANNOTATED_STATE_SPACES_VECTOR_MATH_H
#define ANNOTATED_STATE_SPACES_VECTOR_MATH_H

/// y[i] = exp(x[i]) for i < n, through glibc's vector math library (libmvec): the compiler
/// turns the loop into calls of libmvec's 4-wide (AVX2) or 2-wide (SSE) exp, chosen at load
/// time for the running CPU. Accuracy: libmvec's documented ≤ 4 ulp.
void ass_vector_exp(const double *x, double *y, long n);

/// Asks glibc's allocator to keep freed memory for reuse instead of returning it to the system:
/// every allocation comes from the heap (mmap threshold 1 GiB) and the heap is never trimmed.
/// A process that allocates and frees the same large arrays again and again (a training loop,
/// a memory measurement) then stops paying a page fault for every page of every array, and
/// the peak resident set grows only when more memory is needed than before. Returns 1 on
/// success (both settings accepted), 0 otherwise.
int ass_retain_freed_memory(void);

/// The OpenBLAS kernel set in use ("SkylakeX", "Haswell", "Prescott", …), and the one OpenBLAS
/// chose by itself at load time ("" until ass_openblas_select_cpu_kernels ran). They differ when
/// that function replaced a fallback to "Prescott" on a CPU with AVX2 or AVX-512.
const char *ass_openblas_core(void);
const char *ass_openblas_detected_core(void);
/// Replaces OpenBLAS's fallback "Prescott" kernels by the AVX-512 or AVX2 ones the CPU supports
/// (see openblas_core.c for when this is safe). Returns 1 if it switched, 0 otherwise.
int ass_openblas_select_cpu_kernels(void);

#endif
