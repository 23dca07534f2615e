// The vite plugin (vitest too): `plugins: [tsjax({ tsconfig? })]`. The same plugin as
// `tsjax/rollup`, typed with vite's own Plugin type.

import type { Plugin } from "vite";
import type { TsjaxPluginOptions } from "./types.js";
import { tsjaxUnplugin } from "./unplugin.js";

export type { TsjaxPluginOptions };

const tsjax: (options?: TsjaxPluginOptions) => Plugin = tsjaxUnplugin.vite;
export default tsjax;
