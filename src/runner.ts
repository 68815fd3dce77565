/**
 * Running cells one after another: each starts only once the one before
 * succeeded, so a failure leaves every later cell (and its outputs) alone.
 */

/** What a sequence of runs did. */
export interface IRunOutcome {
  /** The cells that ran, in order (the failed one included). */
  ran: string[];
  /** The cell that failed, or null when none did. */
  failed: string | null;
}

/**
 * Run `ids` in the order given. `runOne` runs one cell and answers whether
 * it succeeded, or null when it could not run it (the cell is gone): that
 * cell is skipped.
 */
export async function runOneByOne(
  ids: readonly string[],
  runOne: (id: string) => Promise<boolean | null>
): Promise<IRunOutcome> {
  const ran: string[] = [];
  for (const id of ids) {
    const ok = await runOne(id);
    if (ok === null) {
      continue;
    }
    ran.push(id);
    if (!ok) {
      return { ran, failed: id };
    }
  }
  return { ran, failed: null };
}
