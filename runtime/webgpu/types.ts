// The few WebGPU interfaces the backend uses, declared here (structurally) so that tsjax's own
// declarations need neither the DOM library nor @webgpu/types: a browser's navigator.gpu and the
// Node `webgpu` package both satisfy them.

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
export interface GpuBindGroupLayout {
  readonly __layout?: never;
}
export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}
export interface GpuBindGroup {
  readonly __bindGroup?: never;
}
export interface GpuComputePass {
  setPipeline(p: GpuComputePipeline): void;
  setBindGroup(index: number, g: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuCommandBuffer {
  readonly __commandBuffer?: never;
}
export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  finish(): GpuCommandBuffer;
}
export interface GpuShaderModule {
  getCompilationInfo?(): Promise<{ messages: readonly { type: string; message: string; lineNum: number }[] }>;
}
export interface GpuLimits {
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
}
export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly queue: {
    writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView): void;
    submit(cmds: GpuCommandBuffer[]): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(d: { code: string }): GpuShaderModule;
  createComputePipeline(d: { layout: "auto"; compute: { module: GpuShaderModule; entryPoint: string } }): GpuComputePipeline;
  createBindGroup(d: { layout: GpuBindGroupLayout; entries: { binding: number; resource: { buffer: GpuBuffer } }[] }): GpuBindGroup;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}
export interface GpuAdapter {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  readonly limits: GpuLimits;
  requestDevice(d?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}
export interface Gpu {
  requestAdapter(opts?: { powerPreference?: "high-performance" | "low-power" }): Promise<GpuAdapter | null>;
}

/** GPUBufferUsage and GPUMapMode flags (the spec's values: Node has no such globals). */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
export const MAP_READ = 1;
