/**
 * The rspack plugin: `plugins: [tsjax({ tsconfig? })]`, next to the project's TypeScript loader
 * (builtin:swc-loader): tsjax's loader runs first and hands that loader the JavaScript of the
 * files it transforms; the other files reach it untouched.
 * @module tsjax/rspack
 */

import type { RspackPluginInstance } from "@rspack/core";
import type { TsjaxPluginOptions } from "./types.js";
import { tsjaxUnplugin } from "./unplugin.js";

export type { TsjaxPluginOptions };

/** A tsjax plugin instance for rspack's `plugins`. */
const tsjax: (options?: TsjaxPluginOptions) => RspackPluginInstance = tsjaxUnplugin.rspack;
export default tsjax;
