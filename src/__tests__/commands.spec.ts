import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { ISignal, Signal } from '@lumino/signaling';

import { addPanelCommands } from '../commands';
import { IWatchedNotebook } from '../model';
import { CommandIDs, NbRefactorAPI } from '../tokens';

const trans = nullTranslator.load('jupyter_nbrefactor');

const cells: NbRefactorAPI.IAnalyzeCell[] = [
  { id: 'a', source: 'lst = [1]', cell_type: 'code' },
  { id: 'md', source: '# Notes', cell_type: 'markdown' },
  { id: 'b', source: 'n = len(lst)', cell_type: 'code' },
  { id: 'c', source: 'lst.append(2)', cell_type: 'code' },
  { id: 'd', source: 'print(n)', cell_type: 'code' }
];

function warning(
  kind: NbRefactorAPI.WarningKind,
  cellId: string,
  extra: Partial<NbRefactorAPI.IWarning> = {}
): NbRefactorAPI.IWarning {
  return {
    kind,
    cell_id: cellId,
    names: ['lst'],
    source_cell_id: null,
    certain: true,
    message: `${kind} in ${cellId}`,
    ...extra
  };
}

/** A followed notebook: the analysis as the tracker holds it (the server's
 * answer: reproducible and nothing to re-run unless given), and the actions recorded. */
function setup(
  given:
    | (Omit<NbRefactorAPI.IAnalyzeResponse, 'reproducible' | 'rerun'> &
        Partial<NbRefactorAPI.IAnalyzeResponse>)
    | null
) {
  const result: NbRefactorAPI.IAnalyzeResponse | null = given && {
    reproducible: true,
    rerun: [],
    ...given
  };
  const changed = new Signal<unknown, void>({});
  const notebook = {
    activeCellId: 'b' as string | null,
    tracker: {
      result,
      notice: null,
      warnings: result?.warnings ?? [],
      cells: () => cells
    },
    runCells: jest.fn(async () => true),
    revealNextWarning: jest.fn(async () => undefined),
    changed: changed as ISignal<any, void>
  };
  const commands = new CommandRegistry();
  const openPanel = jest.fn();
  const showHealth = jest.fn();
  const palette = addPanelCommands(commands, {
    current: () => notebook as unknown as IWatchedNotebook,
    changed,
    trans,
    openPanel,
    showHealth
  });
  return { commands, notebook, changed, palette, openPanel, showHealth };
}

describe('addPanelCommands', () => {
  it('registers every panel command, all for the palette', () => {
    const { commands, palette } = setup(null);
    expect(palette).toEqual([
      CommandIDs.openPanel,
      CommandIDs.showHealth,
      CommandIDs.runStaleCells,
      CommandIDs.nextWarning,
      CommandIDs.runFromHere,
      CommandIDs.rerunFrom
    ]);
    for (const id of palette) {
      expect(commands.hasCommand(id)).toBe(true);
      expect(commands.label(id)).not.toBe('');
      expect(commands.caption(id)).not.toBe('');
    }
  });

  it("Run Stale Cells runs exactly the server's rerun list, in notebook order", async () => {
    const { commands, notebook } = setup({
      cells: {},
      warnings: [warning('stale', 'b'), warning('out-of-order', 'a')],
      rerun: ['d', 'b']
    });
    expect(commands.isEnabled(CommandIDs.runStaleCells)).toBe(true);

    await commands.execute(CommandIDs.runStaleCells);

    expect(notebook.runCells.mock.calls).toEqual([[['b', 'd']]]);
  });

  it('Run Stale Cells is disabled when the server lists nothing to rerun', async () => {
    const { commands, notebook } = setup({
      cells: {},
      warnings: [warning('stale', 'b')],
      rerun: []
    });
    expect(commands.isEnabled(CommandIDs.runStaleCells)).toBe(false);
    await commands.execute(CommandIDs.runStaleCells);
    expect(notebook.runCells).not.toHaveBeenCalled();
  });

  it('Run from Here Down runs the given cell and every code cell below it', async () => {
    const { commands, notebook } = setup(null);
    await commands.execute(CommandIDs.runFromHere, { cellId: 'a' });
    expect(notebook.runCells.mock.calls).toEqual([[['a', 'b', 'c', 'd']]]);
  });

  it('Run from Here Down starts from the active cell by default', async () => {
    const { commands, notebook } = setup(null);
    expect(commands.label(CommandIDs.runFromHere)).toBe('Run from Here Down');
    await commands.execute(CommandIDs.runFromHere);
    expect(notebook.runCells.mock.calls).toEqual([[['b', 'c', 'd']]]);

    notebook.activeCellId = null;
    expect(commands.isEnabled(CommandIDs.runFromHere)).toBe(false);
  });

  it('Re-run from cell N runs from the cell that creates the value down to the warned cell', async () => {
    const { commands, notebook } = setup(null);
    const args = { fromCellId: 'a', toCellId: 'c' };
    expect(commands.label(CommandIDs.rerunFrom, args)).toBe(
      'Re-run from cell 1'
    );
    await commands.execute(CommandIDs.rerunFrom, args);
    expect(notebook.runCells.mock.calls).toEqual([[['a', 'b', 'c']]]);

    // A fix below the warned cell would not fix it.
    expect(
      commands.isEnabled(CommandIDs.rerunFrom, {
        fromCellId: 'd',
        toCellId: 'b'
      })
    ).toBe(false);
  });

  it("Re-run from cell N uses the active cell's out-of-order fix from the palette", async () => {
    const { commands, notebook } = setup({
      cells: {},
      warnings: [
        warning('out-of-order', 'b', { fix_cell_id: null }),
        warning('out-of-order', 'd', { fix_cell_id: 'b' })
      ]
    });
    expect(commands.isEnabled(CommandIDs.rerunFrom)).toBe(false);

    notebook.activeCellId = 'd';
    expect(commands.isEnabled(CommandIDs.rerunFrom)).toBe(true);
    expect(commands.label(CommandIDs.rerunFrom)).toBe('Re-run from cell 3');
    await commands.execute(CommandIDs.rerunFrom);
    expect(notebook.runCells.mock.calls).toEqual([[['b', 'c', 'd']]]);
  });

  it('Go to Next Warning, Open and Health call the notebook and the panel', async () => {
    const { commands, notebook, openPanel, showHealth } = setup({
      cells: {},
      warnings: [warning('edited', 'a')]
    });
    await commands.execute(CommandIDs.nextWarning);
    await commands.execute(CommandIDs.openPanel);
    await commands.execute(CommandIDs.showHealth);
    expect(notebook.revealNextWarning).toHaveBeenCalledTimes(1);
    expect(openPanel).toHaveBeenCalledTimes(1);
    expect(showHealth).toHaveBeenCalledTimes(1);
  });

  it('tells menus when a command becomes enabled or disabled, not on every change', () => {
    const { commands, notebook, changed } = setup({ cells: {}, warnings: [] });
    const told: string[] = [];
    commands.commandChanged.connect((_, args) => told.push(args.id!));

    changed.emit();
    expect(told).toEqual([]);

    const result = {
      cells: {},
      warnings: [warning('stale', 'b')],
      rerun: ['b']
    };
    notebook.tracker.result = result as any;
    notebook.tracker.warnings = result.warnings;
    changed.emit();
    changed.emit();
    expect(told).toEqual([CommandIDs.runStaleCells, CommandIDs.nextWarning]);
  });
});
