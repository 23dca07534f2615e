// Rewrites the README's API table (between <!-- api-table --> markers) from the registry:
// `npm run build && npm run api-table`. The namespaces' names are the runtime's own exports.
import { readFileSync, writeFileSync } from "node:fs";
import { apiTable } from "../dist/transformer/api-table.js";
import * as jnp from "../dist/runtime/numpy/index.js";
import * as nn from "../dist/runtime/nn/activations.js";
import * as scipySpecial from "../dist/runtime/scipy-special.js";
import * as laxLinalg from "../dist/runtime/lax/linalg.js";
import * as lax from "../dist/runtime/lax/index.js";

export function table() {
  const fns = (m) => Object.keys(m).filter((k) => typeof m[k] === "function");
  // (a function exported under another name than it is declared by: nn.identity is nnIdentity)
  const declared = Object.fromEntries([
    // (the transformer knows a function by the name it is declared by: jnp.invert is bitwiseNot)
    ...fns(jnp).filter((k) => jnp[k].name !== k).map((k) => [`jnp.${k}`, jnp[k].name]),
    ...fns(nn).filter((k) => nn[k].name !== k).map((k) => [`nn.${k}`, nn[k].name]),
    ...fns(jnp.linalg).filter((k) => jnp.linalg[k].name !== k).map((k) => [`jnp.linalg.${k}`, jnp.linalg[k].name]),
    // (lax's functions lower by the name lax.<name>)
    ...fns(laxLinalg).map((k) => [`lax.linalg.${k}`, `lax.${k}`]),
    // (except those lax re-exports: lax.erf is scipySpecial.erf)
    ...fns(lax).map((k) => [`lax.${k}`, lax[k] === jnp[k] || lax[k] === scipySpecial[k] ? k : `lax.${k}`]),
  ]);
  return apiTable(
    { jnp: fns(jnp).filter((k) => !(k in nn) || k === "logsumexp" || nn[k] !== jnp[k]), "jnp.linalg": fns(jnp.linalg), "jnp.fft": fns(jnp.fft), nn: fns(nn).filter((k) => k !== "logsumexp"), scipySpecial: fns(scipySpecial).filter((k) => !(k in nn) && k !== "logsumexp"), lax: fns(lax), "lax.linalg": fns(laxLinalg) },
    declared,
  );
}

export function withTable(readme) {
  const [start, end] = ["<!-- api-table -->", "<!-- /api-table -->"];
  const i = readme.indexOf(start), j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error("README.md has no <!-- api-table --> … <!-- /api-table --> markers");
  return readme.slice(0, i + start.length) + "\n" + table() + "\n" + readme.slice(j);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = new URL("../README.md", import.meta.url);
  writeFileSync(url, withTable(readFileSync(url, "utf8")));
}
