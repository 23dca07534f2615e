/**
 * The vite (and vitest) plugin: `plugins: [tsjax({ tsconfig? })]`. The same plugin as
 * `tsjax/rollup`, typed with vite's own `Plugin` type.
 * @module tsjax/vite
 */

import type { Plugin } from "vite";
import type { TsjaxPluginOptions } from "./types.js";
import { tsjaxUnplugin } from "./unplugin.js";

export type { TsjaxPluginOptions };

/** A tsjax plugin instance for vite's `plugins`. */
const tsjax: (options?: TsjaxPluginOptions) => Plugin = tsjaxUnplugin.vite;
export default tsjax;
