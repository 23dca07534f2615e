// Shape helpers shared by every op: formatting for error messages, sizes, strides, broadcasting.

export type Shape = readonly number[];

/** NumPy's tuple spelling, used in every error message: (3,), (2, 3), (). */
export function fmtShape(s: Shape): string {
  return s.length === 1 ? `(${s[0]},)` : `(${s.join(", ")})`;
}

export function sizeOf(s: Shape): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

export function stridesOf(s: Shape): number[] {
  const st = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= s[i];
  }
  return st;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of any number of shapes; throws a TypeError naming the op and all shapes. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let nd = 0;
  for (const s of shapes) nd = Math.max(nd, s.length);
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const d = s[i];
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else throw new TypeError(`${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast`);
    }
  }
  return out;
}

/** Normalise one axis against ndim (negative counts from the end); throws naming op and shape. */
export function normAxis(op: string, axis: number, ndim: number, shape?: Shape): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    const where = shape ? `array of shape ${fmtShape(shape)}` : `array of dimension ${ndim}`;
    throw new TypeError(`${op}: axis ${axis} is out of bounds for ${where}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalise `axis?: number | number[]` to sorted unique axes; undefined means all axes. */
export function normAxes(op: string, axis: number | readonly number[] | undefined | null, shape: Shape): number[] {
  const nd = shape.length;
  if (axis === undefined || axis === null) return Array.from({ length: nd }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normAxis(op, a, nd, shape));
  if (new Set(out).size !== out.length) throw new TypeError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((x, y) => x - y);
}
