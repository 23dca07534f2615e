/**
 * The webpack plugin: `plugins: [tsjax({ tsconfig? })]`, next to the project's TypeScript loader
 * (ts-loader with transpileOnly, swc-loader, babel): tsjax's loader runs first and hands that
 * loader the JavaScript of the files it transforms; the other files reach it untouched.
 * @module tsjax/webpack
 */

import type { WebpackPluginInstance } from "webpack";
import type { TsjaxPluginOptions } from "./types.js";
import { tsjaxUnplugin } from "./unplugin.js";

export type { TsjaxPluginOptions };

/** A tsjax plugin instance for webpack's `plugins`. */
const tsjax: (options?: TsjaxPluginOptions) => WebpackPluginInstance = tsjaxUnplugin.webpack;
export default tsjax;
