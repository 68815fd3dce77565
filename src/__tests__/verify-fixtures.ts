/**
 * Shared by the fresh-kernel check's specs: a result as the server answers
 * it, and a saved notebook as the VerifyModel sees it.
 */
import { Signal } from '@lumino/signaling';

import { NbRefactorAPI } from '../tokens';
import { IVerifySource } from '../verify';

export function verifyResult(
  overrides: Partial<NbRefactorAPI.IVerifyResult> = {}
): NbRefactorAPI.IVerifyResult {
  return {
    verdict: 'same',
    cells: [
      { index: 1, id: 'a', status: 'same', diff: null },
      { index: 2, id: 'b', status: 'same', diff: null }
    ],
    first_difference: null,
    totals: { same: 2, changed: 0, 'non-deterministic': 0, error: 0 },
    seconds: 4.2,
    message: null,
    cancelled: false,
    notes: [],
    ...overrides
  };
}

/** A saved notebook as the model sees it. */
export class FakeSource implements IVerifySource {
  constructor(public path: string | null = 'work/churn.ipynb') {}
  dirty = false;
  version: string | null = '2026-01-01T00:00:00Z';
  disposed = false;
  changed: Signal<IVerifySource, void> = new Signal(this);
  save = jest.fn(async () => {
    this.dirty = false;
  });
  revealCell = jest.fn(
    async (_cell: { index: number; id: string | null }) => undefined
  );
  dispose(): void {
    this.disposed = true;
  }
}
