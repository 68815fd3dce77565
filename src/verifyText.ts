/**
 * What a fresh-kernel check says, in words: the one-line summary, the
 * progress, how long ago. Shared by the sidebar and the extraction's
 * notification, so both say the same thing.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { NbRefactorAPI } from './tokens';

/** At most this many cell numbers are listed in a sentence. */
const LISTED = 6;

/** The cells of a result with one of `statuses`, in notebook order. */
export function cellsWith(
  result: NbRefactorAPI.IVerifyResult,
  ...statuses: NbRefactorAPI.VerifyStatus[]
): NbRefactorAPI.IVerifyCell[] {
  return result.cells.filter(cell => statuses.includes(cell.status));
}

/** "12", "12 and 15", "3, 5 and 9", "3, 5, 9, 11, 12, 14 and 4 more" (1-based cell numbers). */
export function cellList(
  cells: readonly NbRefactorAPI.IVerifyCell[],
  trans: TranslationBundle
): string {
  const numbers = cells.map(cell => String(cell.index + 1));
  if (numbers.length > LISTED) {
    return trans.__(
      '%1 and %2 more',
      numbers.slice(0, LISTED).join(', '),
      numbers.length - LISTED
    );
  }
  if (numbers.length <= 1) {
    return numbers.join('');
  }
  return trans.__(
    '%1 and %2',
    numbers.slice(0, -1).join(', '),
    numbers[numbers.length - 1]
  );
}

/**
 * The verdict in one sentence: "Restart & Run All reproduces all 41
 * outputs.", "Cells 12 and 15 differ from the saved outputs.", "The fresh
 * run failed in cell 7."
 */
export function resultSummary(
  result: NbRefactorAPI.IVerifyResult,
  against: string | null,
  trans: TranslationBundle
): string {
  const changed = cellsWith(result, 'changed');
  const errors = cellsWith(result, 'error');
  const differ =
    changed.length === 0
      ? ''
      : against === null
        ? trans._n(
            'Cell %2 differs from the saved outputs.',
            'Cells %2 differ from the saved outputs.',
            changed.length,
            cellList(changed, trans)
          )
        : trans._n(
            'Cell %2 differs from the original.',
            'Cells %2 differ from the original.',
            changed.length,
            cellList(changed, trans)
          );
  if (result.verdict === 'failed') {
    const failed =
      errors.length > 0
        ? trans._n(
            'The fresh run failed in cell %2.',
            'The fresh run failed in cells %2.',
            errors.length,
            cellList(errors, trans)
          )
        : trans.__('The fresh run failed: %1.', result.message ?? '');
    return differ ? `${failed} ${differ}` : failed;
  }
  if (result.verdict === 'changed') {
    return differ;
  }
  const same = result.totals.same ?? 0;
  if (same === 0 && cellsWith(result, 'non-deterministic').length === 0) {
    return trans.__('No code cells to check.');
  }
  return against === null
    ? trans._n(
        'Restart & Run All reproduces the %1 output.',
        'Restart & Run All reproduces all %1 outputs.',
        same
      )
    : trans._n(
        'The refactored notebook reproduces the %1 output of the original.',
        'The refactored notebook reproduces all %1 outputs of the original.',
        same
      );
}

/**
 * "cell 12 of 41, 8 s"; the original's run and the repeat run say which
 * they are. `elapsed`: seconds since the check started, when the caller
 * counts them (the server's figure moves only when a cell finishes).
 */
export function progressText(
  progress: NbRefactorAPI.IVerifyProgress | null,
  trans: TranslationBundle,
  elapsed = 0
): string {
  const seconds = Math.round(Math.max(progress?.seconds ?? 0, elapsed));
  if (!progress || progress.of === 0) {
    return trans.__('Starting a fresh kernel, %1 s', seconds);
  }
  switch (progress.run) {
    case 'against':
      return trans.__(
        'original: cell %1 of %2, %3 s',
        progress.cell,
        progress.of,
        seconds
      );
    case 'repeat':
      return trans.__(
        'second run: cell %1 of %2, %3 s',
        progress.cell,
        progress.of,
        seconds
      );
    default:
      return trans.__(
        'cell %1 of %2, %3 s',
        progress.cell,
        progress.of,
        seconds
      );
  }
}

/** "checked just now", "checked 3 min ago", "checked 2 h ago", "checked 4 days ago". */
export function checkedAgo(ms: number, trans: TranslationBundle): string {
  const minutes = Math.floor(Math.max(0, ms) / 60000);
  if (minutes < 1) {
    return trans.__('checked just now');
  }
  if (minutes < 60) {
    return trans.__('checked %1 min ago', minutes);
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return trans.__('checked %1 h ago', hours);
  }
  const days = Math.floor(hours / 24);
  return trans._n('checked %1 day ago', 'checked %1 days ago', days);
}
