export { BACKEND_ORDER, backendReport } from './backends';
export type { BackendName, BackendReport, BackendReportOptions, BackendStatus } from './backends';
export { NVIDIA_SMI_ARGS, detectGpus, parseNvidiaSmiGpus } from './gpus';
export type { DetectGpusOptions, GpuDetection, GpuInfo } from './gpus';
