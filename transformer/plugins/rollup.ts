/**
 * The rollup plugin, which vite and vitest take too: `plugins: [tsjax({ tsconfig? })]`. Under
 * plain rollup it also compiles the TypeScript files with nothing to transform and resolves
 * `./x.js` to `./x.ts`; under vite it leaves those to vite.
 * @module tsjax/rollup
 */

import type { DevServer, TsjaxPluginOptions } from "./types.js";
import { tsjaxUnplugin } from "./unplugin.js";

export type { TsjaxPluginOptions };

/** The context rollup and vite call the hooks with: the part the plugin uses. */
interface PluginContext {
  error(e: { message: string; id?: string; loc?: { file?: string; line: number; column: number }; frame?: string } | string): never;
  addWatchFile(id: string): void;
}

/** A hook's result: JavaScript and its source map. */
interface TransformOutput {
  code: string;
  map: { version: number; sources: string[]; names: string[]; mappings: string } | null;
}

/**
 * The plugin object, typed by its own shape rather than rollup's `Plugin`: vite (which does not
 * depend on rollup) and rollup both take it, and neither's types are needed to use it.
 */
export interface TsjaxRollupPlugin {
  name: string;
  enforce: "pre";
  resolveId(source: string, importer?: string): string | null;
  load(this: PluginContext, id: string): TransformOutput | null;
  transform(this: PluginContext, code: string, id: string): TransformOutput | null;
  watchChange(id: string): void;
  configResolved(): void;
  configureServer(server: DevServer): void;
}

/** A tsjax plugin instance for rollup's (or vite's) `plugins`. */
const tsjax = tsjaxUnplugin.rollup as unknown as (options?: TsjaxPluginOptions) => TsjaxRollupPlugin;
export default tsjax;
