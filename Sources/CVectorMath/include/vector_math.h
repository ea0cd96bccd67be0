#ifndef ANNOTATED_STATE_SPACES_VECTOR_MATH_H
#define ANNOTATED_STATE_SPACES_VECTOR_MATH_H

/// y[i] = exp(x[i]) for i < n, through glibc's vector math library (libmvec): the compiler
/// turns the loop into calls of libmvec's 4-wide (AVX2) or 2-wide (SSE) exp, chosen at load
/// time for the running CPU. Accuracy: libmvec's documented ≤ 4 ulp.
void ass_vector_exp(const double *x, double *y, long n);

#endif
