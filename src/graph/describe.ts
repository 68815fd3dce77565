/**
 * The Variables view's probe: one silent execute (`store_history: false`,
 * empty code) whose user expression answers each name's type and, for numpy
 * arrays and pandas objects, its shape (for lists, tuples, dicts, sets and
 * strings, its length). It only looks values up: nothing is called but
 * `type`, `len` of builtin containers and the `shape` of numpy/pandas objects
 * (never imported here), and nothing lands in the user's namespace.
 */
import { Kernel } from '@jupyterlab/services';

/** A name's type (module-qualified) and shape (or length), as far as known. */
export interface IDescription {
  type: string;
  shape: number[] | null;
  length: number | null;
}

export interface IDescriptions {
  [name: string]: IDescription;
}

/** The user expression describing `names` (a JSON string of [type, shape, length] by name). */
export function describeExpression(names: readonly string[]): string {
  return (
    "__import__('json').dumps((lambda ns, np, pd: {k: [type(v).__module__ + '.' + type(v).__qualname__, " +
    '[int(d) for d in v.shape] if (np is not None and isinstance(v, np.ndarray)) or ' +
    '(pd is not None and isinstance(v, (pd.DataFrame, pd.Series))) else None, ' +
    'len(v) if type(v) in (list, tuple, dict, set, frozenset, str, bytes) else None] ' +
    `for k, v in ((k, ns[k]) for k in ${JSON.stringify(names)} if k in ns)})` +
    "(get_ipython().user_ns, __import__('sys').modules.get('numpy'), __import__('sys').modules.get('pandas')))"
  );
}

/**
 * Parse the answer's `text/plain`: the repr of a JSON string. Type names hold
 * no quotes or backslashes, so the repr is the JSON between single quotes;
 * anything else is null.
 */
export function descriptionsFromProbe(text: string): IDescriptions | null {
  const match = /^'(\{.*\})'$/s.exec(text.trim());
  if (!match) {
    return null;
  }
  let data: unknown;
  try {
    data = JSON.parse(match[1]);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return null;
  }
  const out: IDescriptions = {};
  for (const [name, value] of Object.entries(data)) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') {
      return null;
    }
    const [type, shape, length] = value;
    out[name] = {
      type: type.replace(/^builtins\./, ''),
      shape: Array.isArray(shape) ? shape.map(Number) : null,
      length: typeof length === 'number' ? length : null
    };
  }
  return out;
}

/** Ask `kernel` (silently) for the types and shapes of `names`; null when unknown. */
export async function describeInKernel(
  kernel: Kernel.IKernelConnection | null,
  names: readonly string[]
): Promise<IDescriptions | null> {
  if (!kernel || names.length === 0) {
    return null;
  }
  const reply = await kernel.requestExecute({
    code: '',
    silent: true,
    store_history: false,
    user_expressions: { describe: describeExpression(names) },
    allow_stdin: false,
    stop_on_error: false
  }).done;
  const content = reply.content;
  if (content.status !== 'ok') {
    return null;
  }
  const value = content.user_expressions?.describe as
    { status: string; data?: { [mime: string]: unknown } } | undefined;
  const plain = value?.status === 'ok' ? value.data?.['text/plain'] : null;
  return typeof plain === 'string' ? descriptionsFromProbe(plain) : null;
}

/** "DataFrame (100, 3)", "list, 5 items", "int". */
export function describeText(d: IDescription): string {
  const short = d.type.split('.').pop() ?? d.type;
  if (d.shape) {
    return `${short} (${d.shape.join(', ')})`;
  }
  if (d.length !== null) {
    return `${short} [${d.length}]`;
  }
  return short;
}
