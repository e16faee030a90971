/*
 * The machine's measured FMA peak, for the bench's "fraction of peak" columns: every thread runs
 * independent chains of vector fused multiply-adds (enough chains to hide the FMA latency on
 * two FMA ports), with nothing else in the loop, so the rate is the core's FMA throughput.
 *
 *   cc -O3 -pthread -o fma_peak fma_peak.c && ./fma_peak [threads] [seconds]
 *
 * Prints one JSON object: GFLOPS (2 flops per lane per FMA) for float32 and float64, with AVX2
 * (256-bit) and, where the CPU has it, AVX-512 (512-bit) instructions, on 1 thread and on
 * `threads` threads (default: all online CPUs). The best of 5 repetitions: other jobs on a shared
 * machine only ever take time away.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define CHAINS 12 /* 4-cycle latency x 2 ports = 8 in flight; 12 leaves room */
#define ITERS 4000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Each kernel returns a value derived from every chain, so nothing is optimized away. */
#define KERNEL(name, attr, vec, set1, fmadd, add, lanes_expr, sum)                                 \
  attr static double name(long iters) {                                                         \
    vec acc[CHAINS];                                                                           \
    for (int i = 0; i < CHAINS; i++) acc[i] = set1(1.0 + i * 1e-3);                             \
    vec a = set1(0.999999), b = set1(1e-7);                                                     \
    for (long n = 0; n < iters; n++) {                                                          \
      for (int i = 0; i < CHAINS; i++) acc[i] = fmadd(acc[i], a, b);                            \
      __asm__ volatile("" : "+v"(a));                                                           \
    }                                                                                           \
    vec s = acc[0];                                                                            \
    for (int i = 1; i < CHAINS; i++) s = add(s, acc[i]);                                        \
    return sum(s);                                                                             \
  }

__attribute__((target("avx2,fma"))) static double sum256(__m256 v) {
  float x[8];
  _mm256_storeu_ps(x, v);
  return x[0];
}
__attribute__((target("avx2,fma"))) static double sum256d(__m256d v) {
  double x[4];
  _mm256_storeu_pd(x, v);
  return x[0];
}
__attribute__((target("avx512f"))) static double sum512(__m512 v) { return _mm512_reduce_add_ps(v); }
__attribute__((target("avx512f"))) static double sum512d(__m512d v) { return _mm512_reduce_add_pd(v); }

KERNEL(f32_avx2, __attribute__((target("avx2,fma"))), __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, 8, sum256)
KERNEL(f64_avx2, __attribute__((target("avx2,fma"))), __m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd, 4, sum256d)
KERNEL(f32_avx512, __attribute__((target("avx512f"))), __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, 16, sum512)
KERNEL(f64_avx512, __attribute__((target("avx512f"))), __m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd, 8, sum512d)

typedef double (*kernel_fn)(long);
struct job {
  kernel_fn fn;
  pthread_barrier_t *start;
  double seconds, sink;
};

static void *worker(void *p) {
  struct job *j = p;
  pthread_barrier_wait(j->start);
  double t = now();
  j->sink = j->fn(ITERS);
  j->seconds = now() - t;
  return NULL;
}

/* GFLOPS of `threads` threads running fn at once: total flops over the slowest thread's time. */
static double gflops(kernel_fn fn, int lanes, int threads) {
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    pthread_t tid[64];
    struct job jobs[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, threads);
    for (int i = 0; i < threads; i++) {
      jobs[i] = (struct job){fn, &start, 0, 0};
      pthread_create(&tid[i], NULL, worker, &jobs[i]);
    }
    double slowest = 0;
    for (int i = 0; i < threads; i++) {
      pthread_join(tid[i], NULL);
      if (jobs[i].seconds > slowest) slowest = jobs[i].seconds;
      if (jobs[i].sink == 12345.678) puts(""); /* keeps the result live */
    }
    pthread_barrier_destroy(&start);
    double rate = 2.0 * lanes * CHAINS * (double)ITERS * threads / slowest / 1e9;
    if (rate > best) best = rate;
  }
  return best;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (threads < 1 || threads > 64) threads = 1;
  __builtin_cpu_init();
  int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  int avx512 = __builtin_cpu_supports("avx512f");
  printf("{\"threads\": %d", threads);
  if (avx2)
    printf(", \"avx2\": {\"float32\": [%.1f, %.1f], \"float64\": [%.1f, %.1f]}", gflops(f32_avx2, 8, 1),
           gflops(f32_avx2, 8, threads), gflops(f64_avx2, 4, 1), gflops(f64_avx2, 4, threads));
  if (avx512)
    printf(", \"avx512\": {\"float32\": [%.1f, %.1f], \"float64\": [%.1f, %.1f]}", gflops(f32_avx512, 16, 1),
           gflops(f32_avx512, 16, threads), gflops(f64_avx512, 8, 1), gflops(f64_avx512, 8, threads));
  printf("}\n");
  return 0;
}
