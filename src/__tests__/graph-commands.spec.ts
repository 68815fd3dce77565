import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { addGraphCommands } from '../graph/commands';
import { GraphModel } from '../graph/model';
import { IWatchedNotebook } from '../model';
import { CommandIDs, NbRefactorAPI } from '../tokens';

jest.mock('../api');

const trans = nullTranslator.load('jupyter_nbrefactor');

const cells: NbRefactorAPI.IAnalyzeCell[] = [
  { id: 'a', source: 'x = 1', cell_type: 'code' },
  { id: 'md', source: '# T', cell_type: 'markdown' },
  { id: 'b', source: 'y = 2', cell_type: 'code' },
  { id: 'c', source: 'z = x', cell_type: 'code' },
  { id: 'd', source: 'print(z)', cell_type: 'code' }
];

function graphAnswer(
  upstream: string[],
  downstream: string[]
): NbRefactorAPI.IGraph {
  return {
    nodes: [],
    edges: [],
    names: [],
    sections: [],
    upstream,
    downstream
  };
}

function setup(notice: string | null = null) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.graph.mockResolvedValue(graphAnswer(['a'], ['d']));
  const notebook = {
    title: 'n.ipynb',
    kernelName: 'Python 3',
    runCount: 0,
    activeCellId: 'c' as string | null,
    changed: new Signal<any, void>({}),
    tracker: {
      cells: () => cells,
      language: 'python',
      notice,
      runs: [],
      warnings: [],
      settings: { namespaceProbe: true }
    },
    runCells: jest.fn(async () => true),
    revealCell: jest.fn(async () => undefined),
    revealNextWarning: jest.fn(async () => undefined)
  } as unknown as IWatchedNotebook & { runCells: jest.Mock };
  const commands = new CommandRegistry();
  const restart = jest.fn(async () => true);
  const show = jest.fn();
  const ids = addGraphCommands(commands, {
    client,
    current: () => notebook,
    trans,
    restart,
    show
  });
  return { client, notebook, commands, restart, show, ids };
}

describe('runs along the graph', () => {
  it('lists every command with a label, caption and icon', () => {
    const { commands, ids } = setup();
    expect(ids).toEqual([
      CommandIDs.runWithUpstream,
      CommandIDs.runDownstream,
      CommandIDs.restartRunToSelected,
      CommandIDs.showDependencies,
      CommandIDs.showVariables
    ]);
    for (const id of ids) {
      expect(commands.label(id)).not.toBe('');
      expect(commands.caption(id)).not.toBe('');
      expect(commands.icon(id)).toBeTruthy();
    }
  });

  it('Run Cell with Upstream runs what the server says it needs, then it', async () => {
    const { client, notebook, commands } = setup();
    await commands.execute(CommandIDs.runWithUpstream);
    expect(client.graph).toHaveBeenCalledWith({
      cells,
      language: 'python',
      cell_id: 'c'
    });
    expect(notebook.runCells).toHaveBeenCalledWith(['a', 'c']);
  });

  it('Run Cell and Downstream runs it, then its readers', async () => {
    const { notebook, commands } = setup();
    await commands.execute(CommandIDs.runDownstream, { cellId: 'c' });
    expect(notebook.runCells).toHaveBeenCalledWith(['c', 'd']);
  });

  it('Restart and Run to Selected Cell restarts, then runs the code cells down to it', async () => {
    const { notebook, commands, restart } = setup();
    await commands.execute(CommandIDs.restartRunToSelected);
    expect(restart).toHaveBeenCalled();
    expect(notebook.runCells).toHaveBeenCalledWith(['a', 'b', 'c']);
  });

  it('runs nothing when the restart is declined', async () => {
    const { notebook, commands, restart } = setup();
    restart.mockResolvedValue(false);
    await commands.execute(CommandIDs.restartRunToSelected);
    expect(notebook.runCells).not.toHaveBeenCalled();
  });

  it('is disabled on a markdown cell and, for upstream, outside Python', () => {
    const { commands } = setup();
    expect(
      commands.isEnabled(CommandIDs.runWithUpstream, { cellId: 'md' })
    ).toBe(false);
    expect(commands.isEnabled(CommandIDs.runWithUpstream)).toBe(true);
    const bash = setup('No analysis for bash kernels');
    expect(bash.commands.isEnabled(CommandIDs.runWithUpstream)).toBe(false);
    expect(bash.commands.isEnabled(CommandIDs.restartRunToSelected)).toBe(true);
  });
});

describe('GraphModel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches only while a view is on screen, with the active cell', async () => {
    const { client, notebook } = setup();
    const model = new GraphModel({ client, delay: 10 });
    model.setNotebook(notebook);
    jest.advanceTimersByTime(50);
    expect(client.graph).not.toHaveBeenCalled();
    model.setView('dependencies');
    jest.advanceTimersByTime(50);
    await Promise.resolve();
    expect(client.graph).toHaveBeenCalledWith({
      cells,
      language: 'python',
      cell_id: 'c'
    });
    await model.refresh(); // same request: not fetched again
    expect(client.graph).toHaveBeenCalledTimes(1);
    expect(model.graph?.upstream).toEqual(['a']);
    expect(model.selected).toBe('c');
  });

  it('fetches at once for a view or a selection, after a pause for edits', async () => {
    const { client, notebook } = setup();
    const model = new GraphModel({ client, delay: 1000 });
    model.setNotebook(notebook);
    model.setView('dependencies');
    jest.advanceTimersByTime(0);
    expect(client.graph).toHaveBeenCalledTimes(1);
    model.setActiveCell('a');
    jest.advanceTimersByTime(0);
    expect(client.graph).toHaveBeenCalledTimes(2);
    expect(client.graph).toHaveBeenLastCalledWith(
      expect.objectContaining({ cell_id: 'a' })
    );
    const edited = [...cells, { id: 'e', source: 'z', cell_type: 'code' }];
    (notebook.tracker as any).cells = () => edited;
    (notebook.changed as Signal<any, void>).emit();
    jest.advanceTimersByTime(999);
    expect(client.graph).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(1);
    expect(client.graph).toHaveBeenCalledTimes(3);
  });

  it('keeps the server message when the fetch fails', async () => {
    const { client, notebook } = setup();
    client.graph.mockRejectedValue(new Error('cells must be a list'));
    const model = new GraphModel({ client });
    model.setNotebook(notebook);
    model.setView('variables');
    await model.refresh();
    expect(model.error).toBe('cells must be a list');
    expect(model.graph).toBeNull();
  });

  it('folds and unfolds headings and keeps the filter', () => {
    const { client } = setup();
    const model = new GraphModel({ client });
    model.toggleSection(3);
    model.setFilter('df');
    expect([...model.folded]).toEqual([3]);
    model.toggleSection(3);
    expect([...model.folded]).toEqual([]);
    expect(model.filter).toBe('df');
  });
});
