/*
 * The machine's floor for `kl forward|compare P.npy Q.npy --kind logits`: two C-order
 * float32 matrices of logits (rows × V), each row through a stable log-softmax, then
 * D(P‖Q) (and D(Q‖P) with `compare`) per row, and their means over the rows. Two threads,
 * each half of the rows; vectorised exp/log (vmath.c); sums compensated (Neumaier) in four
 * lanes, so the results agree with kl's to ~1e-15. Prints the means, %.17g, one per line.
 *
 * Built by scripts/bench.mjs with the system C compiler:
 *   cc -O3 -march=native -c vmath.c -ffast-math; cc -O3 -march=native npy_kl.c vmath.o -lm -lpthread
 * Usage: npy_kl forward|compare P.npy Q.npy
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void exp_array(const double *in, double *out, long n);
void log_array(const double *in, double *out, long n);

typedef struct {
  const float *data;
  long rows, cols;
} Matrix;

static Matrix map_npy(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) { perror(path); exit(2); }
  struct stat info;
  fstat(fd, &info);
  const unsigned char *bytes = mmap(NULL, info.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (bytes == MAP_FAILED || memcmp(bytes, "\x93NUMPY", 6) != 0) { fprintf(stderr, "%s: not .npy\n", path); exit(2); }
  long header = bytes[6] == 1 ? bytes[8] | (bytes[9] << 8) : (long)bytes[8] | ((long)bytes[9] << 8) | ((long)bytes[10] << 16) | ((long)bytes[11] << 24);
  long offset = bytes[6] == 1 ? 10 + header : 12 + header;
  const char *text = (const char *)bytes + (bytes[6] == 1 ? 10 : 12);
  if (!memmem(text, header, "'<f4'", 5) || !memmem(text, header, "'fortran_order': False", 22)) { fprintf(stderr, "%s: C-order float32 only\n", path); exit(2); }
  const char *shape = memmem(text, header, "'shape': (", 10);
  Matrix m;
  m.rows = strtol(shape + 10, (char **)&shape, 10);
  m.cols = strtol(shape + 1, NULL, 10);
  m.data = (const float *)(bytes + offset);
  return m;
}

/* Four-lane Neumaier sum. */
typedef struct { double sum[4], comp[4]; } Sum4;
static inline void sum4_add(Sum4 *s, int lane, double x) {
  double t = s->sum[lane] + x;
  s->comp[lane] += fabs(s->sum[lane]) >= fabs(x) ? (s->sum[lane] - t) + x : (x - t) + s->sum[lane];
  s->sum[lane] = t;
}
static double sum4_value(const Sum4 *s) {
  double total = 0, comp = 0;
  for (int k = 0; k < 4; k++) {
    double t = total + s->sum[k];
    comp += fabs(total) >= fabs(s->sum[k]) ? (total - t) + s->sum[k] : (s->sum[k] - t) + total;
    total = t;
    comp += s->comp[k];
  }
  return total + comp;
}

static Matrix P, Q;
static int both;

typedef struct {
  long first, end;
  double forward, reverse; /* sums over the thread's rows, compensated */
  double forward_c, reverse_c;
} Work;

/*
 * log-softmax of one row, log p = z − max − log Σ exp(z − max), and the probabilities
 * p = exp(z − max) / Σ exp(z − max) from the same exponentials (one exp per element).
 */
static void softmax(const float *row, long n, double *logp, double *p) {
  double max = row[0];
  for (long i = 1; i < n; i++) if (row[i] > max) max = row[i];
  for (long i = 0; i < n; i++) logp[i] = (double)row[i] - max;
  exp_array(logp, p, n);
  Sum4 s = {{0}, {0}};
  for (long i = 0; i < n; i++) sum4_add(&s, i & 3, p[i]);
  double z = sum4_value(&s);
  double log_z;
  log_array(&z, &log_z, 1);
  double inverse = 1 / z;
  for (long i = 0; i < n; i++) {
    logp[i] -= log_z;
    p[i] *= inverse;
  }
}

static void add_compensated(double *sum, double *comp, double x) {
  double t = *sum + x;
  *comp += fabs(*sum) >= fabs(x) ? (*sum - t) + x : (x - t) + *sum;
  *sum = t;
}

static void *work(void *arg) {
  Work *w = arg;
  long n = P.cols;
  double *logp = malloc(n * sizeof(double)), *logq = malloc(n * sizeof(double));
  double *p = malloc(n * sizeof(double)), *q = malloc(n * sizeof(double));
  w->forward = w->reverse = w->forward_c = w->reverse_c = 0;
  for (long r = w->first; r < w->end; r++) {
    softmax(P.data + r * n, n, logp, p);
    softmax(Q.data + r * n, n, logq, q);
    Sum4 f = {{0}, {0}};
    for (long i = 0; i < n; i++) sum4_add(&f, i & 3, p[i] * (logp[i] - logq[i]));
    add_compensated(&w->forward, &w->forward_c, sum4_value(&f));
    if (both) {
      Sum4 b = {{0}, {0}};
      for (long i = 0; i < n; i++) sum4_add(&b, i & 3, q[i] * (logq[i] - logp[i]));
      add_compensated(&w->reverse, &w->reverse_c, sum4_value(&b));
    }
  }
  free(logp); free(logq); free(p); free(q);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: npy_kl forward|compare P.npy Q.npy\n"); return 2; }
  both = strcmp(argv[1], "compare") == 0;
  P = map_npy(argv[2]);
  Q = map_npy(argv[3]);
  if (P.rows != Q.rows || P.cols != Q.cols) { fprintf(stderr, "shapes differ\n"); return 2; }
  Work halves[2] = {{0, P.rows / 2}, {P.rows / 2, P.rows}};
  pthread_t thread;
  pthread_create(&thread, NULL, work, &halves[1]);
  work(&halves[0]);
  pthread_join(thread, NULL);
  double forward = 0, forward_c = 0, reverse = 0, reverse_c = 0;
  for (int k = 0; k < 2; k++) {
    add_compensated(&forward, &forward_c, halves[k].forward + halves[k].forward_c);
    add_compensated(&reverse, &reverse_c, halves[k].reverse + halves[k].reverse_c);
  }
  printf("%.17g\n", (forward + forward_c) / P.rows);
  if (both) printf("%.17g\n", (reverse + reverse_c) / P.rows);
  return 0;
}
