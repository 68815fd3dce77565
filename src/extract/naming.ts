/**
 * Names in the extract dialog: is a function name a Python identifier, which
 * name to suggest, which module path to start from. Only what the dialog
 * types; the server decides whether the name is free and the path is valid.
 */

/** Python 3 keywords (`keyword.kwlist`); soft keywords are valid names. */
const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del ' +
    'elif else except finally for from global if import in is lambda ' +
    'nonlocal not or pass raise return try while with yield'
  ).split(' ')
);

/** What Python's `str.isidentifier()` accepts (XID_Start/XID_Continue, approximated). */
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

export type NameProblem = 'empty' | 'not-identifier' | 'keyword' | null;

/** Why `name` cannot name a Python function, or null when it can. */
export function nameProblem(name: string): NameProblem {
  if (name.length === 0) {
    return 'empty';
  }
  if (!IDENTIFIER.test(name)) {
    return 'not-identifier';
  }
  return PYTHON_KEYWORDS.has(name) ? 'keyword' : null;
}

/** How many words of a heading or comment make the suggested name. */
const MAX_WORDS = 4;

/**
 * `text` as a snake_case Python name (`"## Load & clean"` -> `load_clean`),
 * or null when it has no letters.
 */
export function snakeName(text: string, maxWords = MAX_WORDS): string | null {
  const words = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(word => word.length > 0)
    .slice(0, maxWords);
  if (!words.some(word => /[a-z]/.test(word))) {
    return null;
  }
  let name = words.join('_');
  if (/^[0-9]/.test(name)) {
    name = `step_${name}`;
  }
  return PYTHON_KEYWORDS.has(name) ? `${name}_` : name;
}

/** A cell as the suggestion needs it. */
export interface ICellText {
  cell_type: string;
  source: string;
}

/** The last markdown heading of `source`, without its `#`s. */
function lastHeading(source: string): string | null {
  const headings = source
    .split('\n')
    .map(line => /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);
  return headings.length > 0 ? headings[headings.length - 1][1] : null;
}

/** The first `#` comment of a code cell's source. */
function firstComment(source: string): string | null {
  for (const line of source.split('\n')) {
    const match = /^\s*#+\s*(.*)$/.exec(line);
    if (match && !match[1].startsWith('!')) {
      return match[1];
    }
  }
  return null;
}

/**
 * The function name to offer for the selected cells: from the nearest
 * markdown heading above the first one, else from the selection's first
 * comment, else `fallback`.
 */
export function suggestName(
  cells: readonly ICellText[],
  selected: readonly number[],
  fallback = 'extracted'
): string {
  const first = Math.min(...selected);
  for (let i = first - 1; i >= 0; i--) {
    if (cells[i].cell_type !== 'markdown') {
      continue;
    }
    const heading = lastHeading(cells[i].source);
    const name = heading === null ? null : snakeName(heading);
    if (name) {
      return name;
    }
  }
  for (const index of [...selected].sort((a, b) => a - b)) {
    const comment = firstComment(cells[index].source);
    const name = comment === null ? null : snakeName(comment);
    if (name) {
      return name;
    }
  }
  return fallback;
}

/** The part of a file name an importable module name can use. */
export function moduleStem(notebookPath: string): string {
  const base = notebookPath.split('/').pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  return snakeName(stem, Infinity) ?? 'extracted';
}

/**
 * The module path a template names for a notebook: `{stem}` becomes the
 * notebook's file name as a module name (`src/{stem}.py` -> `src/analysis.py`).
 */
export function modulePathFor(template: string, notebookPath: string): string {
  return template.split('{stem}').join(moduleStem(notebookPath));
}

/** The folder part of a module path (`src/data.py` -> `src`, `data.py` -> ``). */
export function moduleFolder(modulePath: string): string {
  const parts = modulePath.split('/');
  return parts.slice(0, -1).join('/');
}
