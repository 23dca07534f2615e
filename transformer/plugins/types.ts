// The plugin's public types, in a module of their own: the entries' declarations import these
// and nothing of unplugin's (whose types reach into every bundler's).

export interface TsjaxPluginOptions {
  /** tsconfig.json to take compiler options from (default: the nearest one to each file). */
  tsconfig?: string;
}

/** The part of vite's dev server the plugin uses (vite ≥ 6: one module graph per environment). */
export interface DevServer {
  environments?: Record<string, { moduleGraph: { getModulesByFile(file: string): Set<unknown> | undefined; invalidateModule(mod: unknown): void } }>;
}
