/**
 * The esbuild plugin: `plugins: [tsjax({ tsconfig? })]`. esbuild compiles TypeScript itself: the
 * plugin hands its ts/tsx loader the JavaScript of the files it transforms (TypeScript's emit,
 * with an inline source map) and leaves the other files to it.
 * @module tsjax/esbuild
 */

import type { Plugin } from "esbuild";
import type { TsjaxPluginOptions } from "./types.js";
import { tsjaxUnplugin } from "./unplugin.js";

export type { TsjaxPluginOptions };

/** A tsjax plugin instance for esbuild's `plugins`. */
const tsjax: (options?: TsjaxPluginOptions) => Plugin = tsjaxUnplugin.esbuild;
export default tsjax;
