import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { addPanelCommands } from '../commands';
import { RefactorPanel } from '../components/RefactorPanel';
import { IWatchedNotebook, PanelModel } from '../model';
import { NbRefactorAPI } from '../tokens';

const trans = nullTranslator.load('jupyter_nbrefactor');

const cells: NbRefactorAPI.IAnalyzeCell[] = [
  'df = load()',
  'a = df.x',
  'b = df.y',
  'c = df.z',
  'lst = [1]',
  'lst.append(2)'
].map((source, i) => ({ id: `c${i}`, source, cell_type: 'code' }));

function warning(
  kind: NbRefactorAPI.WarningKind,
  cellId: string,
  source: string,
  extra: Partial<NbRefactorAPI.IWarning> = {}
): NbRefactorAPI.IWarning {
  return {
    kind,
    cell_id: cellId,
    names: ['df'],
    source_cell_id: source,
    certain: true,
    message: `${kind} in ${cellId}`,
    ...extra
  };
}

const NOTE =
  're-running this cell now would see lst as changed below by cell 6';

const RESULT: NbRefactorAPI.IAnalyzeResponse = {
  cells: {
    c4: {
      defines: ['lst'],
      reads: [],
      mutates: [],
      imports: [],
      error: null,
      notes: [NOTE]
    }
  },
  warnings: [
    warning('stale', 'c1', 'c0'),
    warning('stale', 'c2', 'c0'),
    warning('stale', 'c3', 'c0'),
    warning('out-of-order', 'c5', 'c5', {
      names: ['lst'],
      fix_cell_id: 'c4'
    })
  ],
  reproducible: false,
  rerun: ['c1', 'c2', 'c3']
};

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

async function shown(result: NbRefactorAPI.IAnalyzeResponse = RESULT) {
  const notebook = {
    title: 'n.ipynb',
    kernelName: 'Python 3',
    runCount: 7,
    activeCellId: null,
    changed: new Signal<IWatchedNotebook, void>({} as IWatchedNotebook),
    tracker: {
      result,
      notice: null,
      error: null,
      language: 'python',
      warnings: result.warnings,
      runs: [],
      cells: () => cells
    },
    revealCell: jest.fn(async () => undefined),
    revealNextWarning: jest.fn(async () => undefined),
    runCells: jest.fn(async () => true)
  };
  const model = new PanelModel();
  model.setNotebook(notebook as unknown as IWatchedNotebook);
  const commands = new CommandRegistry();
  addPanelCommands(commands, {
    current: () => model.notebook,
    changed: model.changed,
    trans,
    openPanel: () => undefined,
    showHealth: () => undefined
  });
  const panel = new RefactorPanel(model, trans, commands);
  Widget.attach(panel, document.body);
  await settle();
  return { panel, notebook, node: panel.node };
}

function texts(node: HTMLElement, selector: string): string[] {
  return Array.from(node.querySelectorAll(selector)).map(
    n => n.textContent ?? ''
  );
}

describe('RefactorPanel', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows cells one change made stale as one folded group under it', async () => {
    const { node } = await shown();
    expect(texts(node, '.jp-nbrefactor-cause')).toEqual([
      'cell 1 changed df: 3 cells read it'
    ]);
    const group = node.querySelector('.jp-nbrefactor-cause-group')!;
    expect(group.getAttribute('data-cause-id')).toBe('c0');
    expect(group.querySelector<HTMLDetailsElement>('details')!.open).toBe(
      false
    );
    expect(
      Array.from(group.querySelectorAll('.jp-nbrefactor-cause-cell')).map(n =>
        n.getAttribute('data-cell-id')
      )
    ).toEqual(['c1', 'c2', 'c3']);
    // The other warning stays with its cell.
    expect(
      Array.from(node.querySelectorAll('.jp-nbrefactor-warning-group')).map(n =>
        n.getAttribute('data-cell-id')
      )
    ).toEqual(['c5']);
  });

  it("says the server's verdict", async () => {
    const { node } = await shown();
    expect(texts(node, '.jp-nbrefactor-verdict')).toEqual([
      'Restart & Run All would not reproduce this state: 1 cell read values from cells below it; 3 cells ran before their inputs changed.'
    ]);
  });

  it('offers Re-run from cell N and Run from Here Down next to a warned cell', async () => {
    const { node, notebook } = await shown();
    const buttons = Array.from(
      node.querySelectorAll<HTMLButtonElement>(
        '[data-cell-id="c5"] .jp-nbrefactor-cell-action'
      )
    );
    expect(buttons.map(b => b.textContent)).toEqual([
      'Re-run from cell 5',
      'Run from Here Down'
    ]);

    buttons[0].click();
    await settle();
    buttons[1].click();
    await settle();
    expect(notebook.runCells.mock.calls).toEqual([[['c4', 'c5']], [['c5']]]);
    // The buttons do not also reveal the cell.
    expect(notebook.revealCell).not.toHaveBeenCalled();
  });

  it("folds the server's notes away, by cell", async () => {
    const { node, notebook } = await shown();
    const notes = node.querySelector<HTMLDetailsElement>(
      'details.jp-nbrefactor-notes'
    )!;
    expect(notes.open).toBe(false);
    expect(texts(node, '.jp-nbrefactor-notes-title')).toEqual([
      'Notes on 1 cell (changed later by cells below it)'
    ]);
    expect(
      texts(node, '.jp-nbrefactor-notes-cell .jp-nbrefactor-note')
    ).toEqual([NOTE]);
    node.querySelector<HTMLElement>('.jp-nbrefactor-notes-cell')!.click();
    expect(notebook.revealCell).toHaveBeenCalledWith('c4');
  });
});
