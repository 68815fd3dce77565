import { nullTranslator } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { emptyStateText } from '../components/EmptyState';
import { emptyStateOf, IWatchedNotebook, PanelModel } from '../model';
import { ExecutionTracker } from '../tracker';

jest.mock('../api');

class FakeNotebook implements IWatchedNotebook {
  constructor(
    public title: string,
    public kernelName: string | null,
    public runCount: number
  ) {}
  readonly changed: ISignal<IWatchedNotebook, void> = new Signal<
    IWatchedNotebook,
    void
  >(this);
  readonly tracker = new ExecutionTracker({
    client: new NbRefactorClient(),
    cells: () => []
  });
  revealCell = jest.fn(async () => undefined);
  revealNextWarning = jest.fn(async () => undefined);
  activeCellId: string | null = null;
  runCells = jest.fn(async () => true);
  emit(): void {
    (this.changed as Signal<IWatchedNotebook, void>).emit();
  }
}

describe('emptyStateOf', () => {
  it('says so when no notebook is open', () => {
    expect(emptyStateOf(null)).toBe('no-notebook');
  });

  it('says so when the notebook has no kernel', () => {
    expect(emptyStateOf(new FakeNotebook('a.ipynb', null, 0))).toBe(
      'no-kernel'
    );
  });

  it('says so when nothing has run in this kernel session', () => {
    expect(emptyStateOf(new FakeNotebook('a.ipynb', 'Python 3', 0))).toBe(
      'nothing-run'
    );
  });

  it('has no empty state once a cell ran', () => {
    expect(emptyStateOf(new FakeNotebook('a.ipynb', 'Python 3', 2))).toBeNull();
  });
});

describe('PanelModel', () => {
  it('follows the active notebook and emits when it changes', () => {
    const model = new PanelModel();
    const seen: Array<string | null> = [];
    model.changed.connect(() => seen.push(model.emptyState));

    const notebook = new FakeNotebook('a.ipynb', 'Python 3', 0);
    model.setNotebook(notebook);
    notebook.runCount = 1;
    notebook.emit();
    model.setNotebook(null);

    expect(seen).toEqual(['nothing-run', null, 'no-notebook']);
  });

  it('stops listening to a notebook it no longer follows', () => {
    const model = new PanelModel();
    const first = new FakeNotebook('a.ipynb', 'Python 3', 0);
    model.setNotebook(first);
    model.setNotebook(new FakeNotebook('b.ipynb', null, 0));
    let emitted = 0;
    model.changed.connect(() => emitted++);

    first.emit();

    expect(emitted).toBe(0);
    expect(model.notebook?.title).toBe('b.ipynb');
  });

  it('does not emit when asked to follow the same notebook again', () => {
    const model = new PanelModel();
    const notebook = new FakeNotebook('a.ipynb', 'Python 3', 0);
    model.setNotebook(notebook);
    let emitted = 0;
    model.changed.connect(() => emitted++);

    model.setNotebook(notebook);

    expect(emitted).toBe(0);
  });
});

describe('emptyStateText', () => {
  it('gives every empty state a title and a hint', () => {
    const trans = nullTranslator.load('jupyter_nbrefactor');
    for (const state of [
      'no-notebook',
      'no-kernel',
      'nothing-run',
      'unsaved'
    ] as const) {
      const text = emptyStateText(state, trans);
      expect(text.title.length).toBeGreaterThan(0);
      expect(text.hint.length).toBeGreaterThan(0);
    }
    expect(emptyStateText('nothing-run', trans).title).toBe(
      'Nothing has run yet'
    );
  });
});
