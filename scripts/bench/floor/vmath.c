/*
 * The floor's elementwise exp and log, compiled with -ffast-math so that GCC calls glibc's
 * vectorised libmvec versions (4 doubles at a time with AVX2). Only these loops: every sum
 * is in npy_kl.c, compiled without fast-math, so that compensated sums stay compensated.
 */
#include <math.h>

void exp_array(const double *in, double *out, long n) {
  for (long i = 0; i < n; i++) out[i] = exp(in[i]);
}

void log_array(const double *in, double *out, long n) {
  for (long i = 0; i < n; i++) out[i] = log(in[i]);
}
