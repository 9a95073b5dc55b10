/*
 * A square-wave GPU load for checking energy metering: `cycles` times, keep every SM busy with
 * FMAs for `on_ms`, then leave the GPU idle for `off_ms`. Uses the CUDA driver API through
 * dlopen("libcuda.so.1") and JIT-compiles burn.ptx, so it needs only the driver, not a toolkit.
 * Prints one JSON line per phase change with the wall-clock time in ms.
 *
 * Build: cc -O2 -o square-wave square-wave.c -ldl
 * Run:   ./square-wave PTX_FILE CYCLES ON_MS OFF_MS [DEVICE]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext, *CUmodule, *CUfunction;
typedef unsigned long long CUdeviceptr;

#define MULTIPROCESSOR_COUNT 16
#define BLOCKS_PER_SM 8
#define THREADS 256

static void *lib;
static void *sym(const char *name) {
  void *p = dlsym(lib, name);
  if (!p) { fprintf(stderr, "square-wave: libcuda has no %s\n", name); exit(3); }
  return p;
}
static void check(CUresult r, const char *what) {
  if (r != 0) {
    const char *msg = "unknown";
    CUresult (*err)(CUresult, const char **) = (CUresult (*)(CUresult, const char **))sym("cuGetErrorString");
    err(r, &msg);
    fprintf(stderr, "square-wave: %s failed: %s (%d)\n", what, msg, r);
    exit(4);
  }
}
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *buf = malloc(n + 1);
  if (fread(buf, 1, n, f) != (size_t)n) { perror(path); exit(2); }
  buf[n] = 0;
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s PTX_FILE CYCLES ON_MS OFF_MS [DEVICE]\n", argv[0]);
    return 2;
  }
  int cycles = atoi(argv[2]), on_ms = atoi(argv[3]), off_ms = atoi(argv[4]);
  int ordinal = argc > 5 ? atoi(argv[5]) : 0;
  lib = dlopen("libcuda.so.1", RTLD_NOW);
  if (!lib) { fprintf(stderr, "square-wave: %s\n", dlerror()); return 3; }

  CUdevice dev; CUcontext ctx; CUmodule mod; CUfunction fn; CUdeviceptr out; int sms;
  check(((CUresult (*)(unsigned))sym("cuInit"))(0), "cuInit");
  check(((CUresult (*)(CUdevice *, int))sym("cuDeviceGet"))(&dev, ordinal), "cuDeviceGet");
  check(((CUresult (*)(int *, int, CUdevice))sym("cuDeviceGetAttribute"))(&sms, MULTIPROCESSOR_COUNT, dev), "cuDeviceGetAttribute");
  check(((CUresult (*)(CUcontext *, unsigned, CUdevice))sym("cuCtxCreate_v2"))(&ctx, 0, dev), "cuCtxCreate");
  check(((CUresult (*)(CUmodule *, const void *))sym("cuModuleLoadData"))(&mod, read_file(argv[1])), "cuModuleLoadData");
  check(((CUresult (*)(CUfunction *, CUmodule, const char *))sym("cuModuleGetFunction"))(&fn, mod, "burn"), "cuModuleGetFunction");
  unsigned blocks = (unsigned)sms * BLOCKS_PER_SM;
  check(((CUresult (*)(CUdeviceptr *, size_t))sym("cuMemAlloc_v2"))(&out, (size_t)blocks * THREADS * sizeof(float)), "cuMemAlloc");
  CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void *, void **, void **) =
      (CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void *, void **, void **))sym("cuLaunchKernel");
  CUresult (*sync)(void) = (CUresult (*)(void))sym("cuCtxSynchronize");

  unsigned long long duration_ns = (unsigned long long)on_ms * 1000000ULL;
  void *params[] = {&out, &duration_ns};
  printf("{\"event\":\"ready\",\"sms\":%d,\"blocks\":%u,\"threads\":%d,\"t\":%.3f}\n", sms, blocks, THREADS, now_ms());
  for (int i = 0; i < cycles; i++) {
    printf("{\"event\":\"on\",\"cycle\":%d,\"t\":%.3f}\n", i, now_ms());
    fflush(stdout);
    check(launch(fn, blocks, 1, 1, THREADS, 1, 1, 0, NULL, params, NULL), "cuLaunchKernel");
    check(sync(), "cuCtxSynchronize");
    printf("{\"event\":\"off\",\"cycle\":%d,\"t\":%.3f}\n", i, now_ms());
    fflush(stdout);
    usleep(off_ms * 1000);
  }
  printf("{\"event\":\"done\",\"t\":%.3f}\n", now_ms());
  return 0;
}
