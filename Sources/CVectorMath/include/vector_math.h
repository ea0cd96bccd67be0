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

// issue 15
/// 1 if the CPU runs AVX-512 (F, DQ) and FMA, which the kernels below use when present, else 0.
int ass_has_avx512(void);

/// S4's four Cauchy sums at `count` frequencies g_j = i·gi[j], for `poles` pole pairs packed as
/// CauchySums.packed (11 doubles each: α0…α3, β0…β3, a², b, −2a). Writes sums (8, count): the
/// rows re0, im0, re1, im1, re2, im2, re3, im3. AVX-512 over 16 frequencies at a time when the
/// CPU has it, else one frequency at a time; the same formula per term either way.
void ass_cauchy_s4_sums(const double *packed, long poles, const double *gi, long count, double *sums);

/// The FFT convolution's pointwise product: s[i] ← (scale·k[i])·s[i] for `count` complex numbers
/// stored as (re, im) pairs (FFTW's and swift-numerics' layout). AVX-512, AVX2 or baseline
/// clone per CPU; every caller on one CPU gets the same roundings.
void ass_spectrum_product(double *s, const double *k, double scale, long count);

/// Copies `count` doubles from source to target; returns 1 if all were finite, 0 if any was NaN
/// or ±∞ (branch-free, so the copy and the check vectorise together).
int ass_copy_finite(const double *source, double *target, long count);

/// Columns first ..< first + width of the row-major (rows, ld) matrix p into `width` rows of out,
/// `pitch` doubles apart: out[j·pitch + t] = p[t·ld + first + j], row by row of p (the selective
/// scan's per-channel gather). `ass_scatter_columns` is the inverse: p[t·ld + first + j] = in[j·pitch + t].
void ass_gather_columns(const double *p, long rows, long ld, long first, long width, double *out, long pitch);
void ass_scatter_columns(const double *in, long pitch, long rows, long ld, long first, long width, double *p);

/// out[i] = tan(π·(start + i)/length) for i < count, through libmvec's vector tan (≤ 4 ulp).
void ass_cauchy_tangents(long start, long count, long length, double *out);

/// y[i] = exp(x[i]) for i < n through libmvec's widest exp on this CPU: 8-wide (AVX-512) when
/// `ass_has_avx512()`, else `ass_vector_exp` (4-wide AVX2 or 2-wide SSE). x may equal y.
void ass_scan_exp(const double *x, double *y, long n);

/// One channel's Ā over `count` steps: decay[t·n + i] = exp(delta[t]·a[i]) for t < count, i < n
/// (a: the channel's row of A, N = n entries; delta: its Δ_t, consecutive). The exp is `ass_scan_exp`'s
/// routine; on AVX-512 the products Δ_t·a_i are formed first, then exponentiated in place.
void ass_scan_channel_decay(const double *a, const double *delta, long count, long n, double *decay);

/// The selective scan's rows t0 ..< t1 for the channels lo ..< hi (`scanRows` in SelectiveScan.swift):
/// x, Δ (L, D) with D = dd; A (D, N); B, C (L, N); skip (D); h ((hi − lo), N), updated in place.
/// carry = 0: h ← Ā_t ⊙ h + B_t·(Δ_t x_t), y[t, d] = C_t·h + D_d x_t (written).
/// carry = 1: h ← Ā_t ⊙ h, y[t, d] += C_t·h (the two-level scan's fix-up).
/// decay: scratch of max(1024, N) doubles.
/// Ā = exp(Δ·A) through `ass_scan_exp`, a block of channels at a time; AVX-512 + FMA for the
/// state update when the CPU has it, else one state entry at a time.
void ass_scan_rows(const double *x, const double *delta, const double *a, const double *b, const double *c,
                   const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                   double *h, int carry, double *y, double *decay);

/// Blelloch's scan of one channel of the selective scan (`selectiveScanParallel`): x, Δ the
/// channel's columns (L entries, `stride` apart: D when they point into x, Δ (L, D)); a its row of
/// A (N); B, C (L, N); skip its D. The tree over
/// padded = 2^⌈log₂L⌉ leaves (a, b) = (Ā_t, Δ_t x_t B_t), up-sweep then down-sweep with
/// (a₁, b₁) ⊕ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂), AVX-512 over the N entries of a node where the CPU has
/// it. work: 3·padded·N + 64 doubles. Writes y (L entries, `stride` apart).
void ass_scan_blelloch(const double *x, const double *delta, long stride, const double *a, const double *b, const double *c,
                       double skip, long l, long padded, long n, double *work, double *y);

/// The portable forms of the three kernels above (one state entry or frequency at a time, exp
/// through `ass_vector_exp`): what runs on a CPU without AVX-512, callable anywhere so that tests
/// can compare the two forms on one machine.
void ass_cauchy_s4_sums_portable(const double *packed, long poles, const double *gi, long count, double *sums);
void ass_scan_rows_portable(const double *x, const double *delta, const double *a, const double *b, const double *c,
                            const double *skip, long dd, long n, long t0, long t1, long lo, long hi,
                            double *h, int carry, double *y, double *decay);
void ass_scan_blelloch_portable(const double *x, const double *delta, long stride, const double *a, const double *b,
                                const double *c, double skip, long l, long padded, long n, double *work, double *y);

// The Mamba block's elementwise passes (activations.c), e^{−x} by `ass_scan_exp`; one pass each.
// Arrays of n entries; an output may equal an input of the same name only where noted.
/// y = SiLU(x) = x·σ(x), σ(x) = 1/(1 + e^{−x}); SiLU(−∞) = −0.
void ass_silu(const double *x, double *y, long n);
/// dx = dy ⊙ SiLU'(x), SiLU'(x) = σ(x)(1 + x(1 − σ(x))), 1 at +∞ and 0 at −∞. dx may equal dy.
void ass_silu_backward(const double *x, const double *dy, double *dx, long n);
/// s = σ(x) = 1/(1 + e^{−x}) (0 at x = −∞, 1 at +∞). s may equal x.
void ass_sigmoid(const double *x, double *s, long n);
/// out = softplus(z) = z + log1p(e^{−z}) for z > 0, log1p(e^{z}) otherwise (`softplus(_:)` in
/// Swift): libmvec's 8-wide exp and log1p where the CPU has AVX-512, else the scalar formula.
void ass_softplus(const double *z, double *out, long n);
/// The gate: g = y ⊙ SiLU(z).
void ass_gate(const double *y, const double *z, double *g, long n);
/// The gate's backward: dy = dg ⊙ SiLU(z), dz = dg ⊙ y ⊙ SiLU'(z).
void ass_gate_backward(const double *y, const double *z, const double *dg, double *dy, double *dz, long n);

/// out (cols, rows) = the transpose of the row-major (rows, cols) block p, in 8 × 8 tiles.
/// p and out must not overlap.
void ass_transpose(const double *p, long rows, long cols, double *out);

#endif
