// Local JS arrays (lists of numbers or Arrays, updated in place) and the tapes of reverse mode.
// Their adjoints are written by ad/reverse.ts itself (a list's cotangent is a list; a tape is a
// channel whose pops send cotangents back through the next channel), not by rules here.

import type { PrimDef } from "./def.js";

// writes update the array in place (the old version is never read again), so no list operation
// is ever merged with another (a read after a write differs from one before)
const LIST = { fresh: true, kernel: "opaque", adjoint: "ad/reverse.ts listAdjoint (a list's cotangent is a list of cotangents)" } as const;
const TAPE = { ty: "other", nondiff: true, fresh: true, kernel: "opaque" } as const;

export const LISTS: Readonly<Record<string, PrimDef>> = {
  listNew: { ...LIST, ty: "list", arity: 0, host: true },
  listFrom: { ...LIST, ty: "list", arity: { min: 0 }, host: true },
  listGet: { ...LIST, ty: "other", arity: 2, host: true },
  listCtGet: { ...LIST, ty: "other", arity: 2 },
  listSetAt: { ...LIST, ty: "list", arity: 3 },
  listAddAt: { ...LIST, ty: "list", arity: 3 },
  listMerge: { ...LIST, ty: "list", arity: 2 },
  listLen: { ty: "num", arity: 1, nondiff: true, fresh: true, host: true, kernel: "opaque" },
  // tapes (stacks with channels): pushes and pops are active when an active value goes through them
  tapeNew: { ...TAPE, arity: 0, host: true },
  tapePush: { ...TAPE, arity: { min: 2 }, effect: true },
  tapePop: { ...TAPE, arity: 2, effect: true },
};
