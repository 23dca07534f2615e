// The counters a build draws from: variable ids, the keys of flow state (selected values, break
// and continue flags), and the names of local functions. Each call site is built from fresh
// counters (beginBuild), so the same source always emits the same code, whatever was built before
// it in the same process (a long-lived plugin, vite's dev server).

class BuildContext {
  nextVar = 1;
  nextKey = 1;
  nextLocal = 1;
}

let current = new BuildContext();

/** Start the counters afresh: called once per transformed call site. */
export function beginBuild(): void {
  current = new BuildContext();
}

/** A variable id unique within the current build. */
export const nextVarId = (): number => current.nextVar++;
/** A number for flow keys ($sel3, $brk3, …) unique within the current build. */
export const nextKey = (): number => current.nextKey++;
/** A number for a local function's name unique within the current build. */
export const nextLocal = (): number => current.nextLocal++;
