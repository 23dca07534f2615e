// What the page publishes on window.__tsjax as it trains (read by test/integration/browser.test.ts).
export interface Progress {
  /** Where the model trains: "cpu", or "webgpu" with ?device=webgpu. */
  device: "cpu" | "webgpu";
  step: number;
  steps: number;
  loss: number;
  losses: number[];
  accuracy: number | null;
  seconds: number;
  done: boolean;
  error: string | null;
}
