// The name of the function a user called in front of an error raised inside it: a composite
// (softmax, vectorNorm, cov, ...) runs other operations, whose own messages name them
// ("logsumexp: axis 3 is out of bounds ..."), so eager calls say "nn.softmax: logsumexp: ...".

/** Runs f; a TypeError from an operation inside it gets `name` in front (once). */
export function asPublic<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError && !e.message.startsWith(`${name}:`)) throw new TypeError(`${name}: ${e.message}`, { cause: e });
    throw e;
  }
}
