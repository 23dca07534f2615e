// Grouping failures into classes, reducing one program per class, and printing repros.
import { type Prog, printProg } from "./ast.js";
import { type Failure, type Stats, defaultOrder2 } from "./harness.js";
import { reduce } from "./reduce.js";

export interface ClassReport {
  sig: string;
  count: number;
  /** the first failing program's id */
  id: number;
  reduced?: { src: string; failure: Failure; tried: number; ms: number };
  /** further reduced programs of the same class that came out different */
  more?: { id: number; src: string; failure: Failure; tried: number; ms: number }[];
  original: Failure;
}

export function classes(failures: Failure[]): Map<string, Failure[]> {
  const m = new Map<string, Failure[]>();
  for (const f of failures) {
    const l = m.get(f.sig) ?? [];
    l.push(f);
    m.set(f.sig, l);
  }
  return m;
}

/** Reduces the first program of each class (classes in order of size), within a time budget. */
export async function reduceClasses(
  failures: Failure[],
  progOf: (id: number) => Prog,
  seed: number,
  opts: { maxClasses: number; totalMs: number; perClassMs: number; skip?: ReadonlySet<string>; perClass?: number },
): Promise<ClassReport[]> {
  const out: ClassReport[] = [];
  const t0 = Date.now();
  const cls = [...classes(failures)].sort((a, b) => b[1].length - a[1].length);
  for (const [sig, fs] of cls) {
    const rep: ClassReport = { sig, count: fs.length, id: fs[0].id, original: fs[0] };
    const left = opts.totalMs - (Date.now() - t0);
    if (out.filter((r) => r.reduced).length < opts.maxClasses && left > 1000 && fs[0].kind !== "invalid" && !opts.skip?.has(sig)) {
      // reduce the smallest programs of the class (a class can hide more than one cause)
      const bySize = fs.map((f) => [f, printProg(progOf(f.id)).length] as const).sort((a, b) => a[1] - b[1]);
      const picks = [bySize[0], bySize[Math.floor(bySize.length / 2)], bySize[bySize.length - 1]].filter((p, i, a) => a.findIndex((q) => q[0].id === p[0].id) === i).slice(0, opts.perClass ?? 2);
      const seen = new Set<string>();
      for (const [f] of picks) {
        const left2 = opts.totalMs - (Date.now() - t0);
        if (left2 <= 1000) break;
        const r = await reduce(progOf(f.id), f, seed, { maxMs: Math.min(opts.perClassMs, left2) });
        const src = printProg(r.prog, { order2: defaultOrder2(r.prog) });
        const shape = src.replace(/\b([fghk]|p)\d+/g, "$1");
        if (seen.has(shape)) continue;
        seen.add(shape);
        if (!rep.reduced) {
          rep.id = f.id;
          rep.original = f;
          rep.reduced = { src, failure: r.failure, tried: r.tried, ms: r.ms };
        } else (rep.more ??= []).push({ id: f.id, src, failure: r.failure, tried: r.tried, ms: r.ms });
      }
    }
    out.push(rep);
  }
  return out;
}

const fmt = (r?: Record<string, number>) => (r ? Object.entries(r).map(([k, v]) => `${k}=${v}`).join(" ") : "");

export function formatReport(stats: Stats, seed: number, reps: ClassReport[], progOf: (id: number) => Prog): string {
  const lines: string[] = [];
  lines.push(
    `tsjax fuzz: seed ${seed}, ${stats.programs} programs, ${stats.checked} checked at a point, ${stats.skipped} skipped (no usable point), ` +
      `${stats.failures.length} failures in ${reps.length} classes (compile ${stats.compileMs} ms, run ${stats.runMs} ms)`,
  );
  for (const r of reps) {
    lines.push("", `## ${r.sig}  — ${r.count} program(s); e.g. id ${r.id} (TSJAX_FUZZ_SEED=${seed}, program ${r.id})`);
    const f = r.reduced?.failure ?? r.original;
    if (f.x !== undefined) lines.push(`inputs: x=${f.x} y=${f.y}`);
    lines.push(`detail: ${f.detail.split("\n").slice(0, 3).join(" | ").slice(0, 400)}`);
    if (f.expected) lines.push(`expected (oracle): ${fmt(f.expected)}`, `got (tsjax):       ${fmt(f.got)}`);
    if (r.reduced) lines.push(`reduced (${r.reduced.tried} tries, ${r.reduced.ms} ms):`, r.reduced.src.trimEnd());
    else lines.push(`(not reduced) source:`, printProg(progOf(r.id), { order2: defaultOrder2(progOf(r.id)) }).trimEnd());
    for (const m of r.more ?? []) {
      lines.push(`another program of this class, id ${m.id}` + (m.failure.x !== undefined ? ` at x=${m.failure.x} y=${m.failure.y}` : "") + `: ${m.failure.detail.split("\n")[0].slice(0, 200)}`);
      if (m.failure.expected) lines.push(`expected (oracle): ${fmt(m.failure.expected)}`, `got (tsjax):       ${fmt(m.failure.got)}`);
      lines.push(m.src.trimEnd());
    }
  }
  return lines.join("\n");
}
