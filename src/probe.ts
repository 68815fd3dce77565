/**
 * The silent namespace probe: the Python user expressions a silent execute
 * (`store_history: false`, empty code) evaluates, and the parsing of their
 * `text/plain` answers. Both read the kernel's namespace and define nothing
 * in it.
 */

/** What one probe found: the namespace's names and the fingerprints asked for. */
export interface IProbeAnswer {
  /** The names a person defined (as `%who` lists them), or null when unknown. */
  names: string[] | null;
  /** name -> fingerprint of its value; null when not asked or unknown. */
  fingerprints: { [name: string]: string } | null;
}

/** The names a person defined (as `%who` lists them), joined by spaces. */
export const NAMES_EXPRESSION =
  "' '.join(sorted(k for k in get_ipython().user_ns if not k.startswith('_') and k not in get_ipython().user_ns_hidden))";

/**
 * A function `fingerprints(ns, names) -> {name: hex}` compiled into a
 * throwaway dict (a user expression cannot hold `try`), so nothing lands in
 * the user's namespace. Each value is keyed by what identifies it cheaply:
 * modules by name, functions by code (and defaults, closures), numbers and
 * strings by value (long strings by length and both ends), small tuples,
 * lists and dicts by their items; numpy arrays by shape, dtype and at most
 * 1000 evenly spaced elements; pandas frames and series by shape, columns,
 * dtypes and their first and last 5 rows. Nothing large is hashed whole and
 * numpy/pandas are never imported. Any other value, or one that fails, is
 * left out (unknown). The key's repr is hashed to 16 hex digits.
 */
const FINGERPRINT_CODE = `
def fingerprints(ns, names):
    import hashlib, sys, types
    np = sys.modules.get('numpy')
    pd = sys.modules.get('pandas')

    def code(c):
        return (c.co_code, c.co_names, c.co_varnames, c.co_freevars,
                tuple(code(k) if isinstance(k, types.CodeType) else repr(k) for k in c.co_consts))

    def key(v, depth=0):
        if depth > 3:
            raise ValueError('too deep')
        t = type(v)
        kind = t.__module__ + '.' + t.__qualname__
        if v is None or isinstance(v, (bool, int, float, complex)):
            return (kind, repr(v))
        if isinstance(v, (str, bytes)):
            return (kind, len(v), v[:2000], v[-2000:]) if len(v) > 4000 else (kind, v)
        if isinstance(v, types.ModuleType):
            return (kind, v.__name__)
        if isinstance(v, types.FunctionType):
            cells = tuple(key(c.cell_contents, depth + 1) for c in v.__closure__ or ())
            return (kind, v.__qualname__, code(v.__code__), key(v.__defaults__, depth + 1), cells)
        if isinstance(v, (tuple, list)) and len(v) <= 50:
            return (kind, tuple(key(i, depth + 1) for i in v))
        if isinstance(v, dict) and len(v) <= 50:
            return (kind, tuple((key(k, depth + 1), key(i, depth + 1)) for k, i in v.items()))
        if np is not None and isinstance(v, np.generic):
            return (kind, repr(v))
        if np is not None and isinstance(v, np.ndarray) and not v.dtype.hasobject:
            step = max(1, -(-v.size // 1000))
            return (kind, v.shape, v.dtype.str, v.flat[::step][:1000].tobytes())
        if pd is not None and isinstance(v, (pd.DataFrame, pd.Series)):
            frame = isinstance(v, pd.DataFrame)
            sample = v if len(v) <= 10 else pd.concat([v.iloc[:5], v.iloc[-5:]])
            if frame and v.shape[1] > 200:
                sample = sample.iloc[:, ::-(-v.shape[1] // 200)]
            columns = tuple(map(str, v.columns[:200])) if frame else str(v.name)
            dtypes = tuple(map(str, v.dtypes.iloc[:200])) if frame else str(v.dtype)
            hashed = pd.util.hash_pandas_object(sample, index=True).values.tobytes()
            return (kind, v.shape, columns, dtypes, hashed)
        raise TypeError(kind)

    found = {}
    for name in names:
        try:
            if name in ns:
                text = repr(key(ns[name])).encode('utf-8', 'backslashreplace')
                found[name] = hashlib.sha1(text).hexdigest()[:16]
        except Exception:
            pass
    return found
`;

/**
 * One expression: the fingerprints of `names` in the user namespace, as a
 * dict name -> 16 hex digits. JSON string and list literals are Python literals.
 */
export function fingerprintExpression(names: readonly string[]): string {
  return (
    "(lambda ns, names, g: (exec(FINGERPRINT_CODE, g), g['fingerprints'](ns, names))[1])".replace(
      'FINGERPRINT_CODE',
      JSON.stringify(FINGERPRINT_CODE)
    ) + `(get_ipython().user_ns, ${JSON.stringify(names)}, {})`
  );
}

/** Parse the names probe's `text/plain` answer (a Python string literal of identifiers). */
export function namesFromProbe(text: string): string[] | null {
  const match = /^(['"])(.*)\1$/s.exec(text.trim());
  if (!match) {
    return null;
  }
  return match[2].split(/\s+/).filter(name => name.length > 0);
}

const FINGERPRINT_ENTRY = /'([^'\\\s]+)': '([0-9a-f]+)'/gu;

/**
 * Parse the fingerprint probe's `text/plain` answer, the repr of a dict of
 * identifiers to hex digests (`{'x': '3f2a…', 'df': '…'}`); null when it is
 * anything else.
 */
export function fingerprintsFromProbe(
  text: string
): { [name: string]: string } | null {
  const match = /^\{(.*)\}$/s.exec(text.trim());
  if (!match) {
    return null;
  }
  const rest = match[1].replace(FINGERPRINT_ENTRY, '').replace(/[,\s]/g, '');
  if (rest !== '') {
    return null;
  }
  const found: { [name: string]: string } = {};
  match[1].replace(FINGERPRINT_ENTRY, (_, name: string, digest: string) => {
    found[name] = digest;
    return '';
  });
  return found;
}

/**
 * The names whose fingerprints a run is worth: what its cell binds or
 * changes (`defines` + `mutates` of the last analysis), reduced to the bound
 * name (`df["a"]` -> `df`), once each; empty when the cell's facts are unknown.
 */
export function namesToFingerprint(
  facts: { defines: string[]; mutates: string[] } | undefined
): string[] {
  if (!facts) {
    return [];
  }
  const names = new Set<string>();
  for (const target of [...facts.defines, ...facts.mutates]) {
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(target);
    if (name) {
      names.add(name[0]);
    }
  }
  return [...names];
}
