// Source of the kernel in square-wave.c (compiled to PTX with
// `nvcc -ptx -arch=compute_75 burn.cu`, then `.version` lowered to 7.0 so older drivers can JIT it).
// Each thread chains dependent FMAs until the GPU's global timer says `duration_ns` have passed.
extern "C" __global__ void burn(float *out, unsigned long long duration_ns) {
  unsigned long long start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  float a = threadIdx.x * 1e-3f, b = 0.999f, c = 0.5f;
  do {
#pragma unroll
    for (int i = 0; i < 16; i++) { a = fmaf(a, b, c); b = fmaf(b, a, c); }
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now - start < duration_ns);
  out[blockIdx.x * blockDim.x + threadIdx.x] = a + b;
}
