import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { NbRefactorClient } from '../api';
import { RefactorPanel } from '../components/RefactorPanel';
import { GraphModel } from '../graph/model';
import { IWatchedNotebook, PanelModel } from '../model';
import { NbRefactorAPI } from '../tokens';

jest.mock('../api');

const trans = nullTranslator.load('jupyter_nbrefactor');

const cells: NbRefactorAPI.IAnalyzeCell[] = [
  { id: 'h', source: '# Data', cell_type: 'markdown' },
  { id: 'a', source: 'df = load()', cell_type: 'code' },
  { id: 'b', source: 'n = len(df)', cell_type: 'code' },
  { id: 'c', source: 'print(n, df)', cell_type: 'code' }
];

const GRAPH: NbRefactorAPI.IGraph = {
  nodes: [
    {
      id: 'a',
      number: 2,
      defines: ['df'],
      mutates: [],
      reads: [],
      error: null,
      section: 1
    },
    {
      id: 'b',
      number: 3,
      defines: ['n'],
      mutates: [],
      reads: ['df'],
      error: null,
      section: 1
    },
    {
      id: 'c',
      number: 4,
      defines: [],
      mutates: [],
      reads: ['df', 'n'],
      error: null,
      section: 1
    }
  ],
  edges: [
    { from: 'a', to: 'b', names: ['df'], certain: true },
    { from: 'a', to: 'c', names: ['df'], certain: true },
    { from: 'b', to: 'c', names: ['n'], certain: true }
  ],
  names: [
    {
      name: 'df',
      defined_by: ['a'],
      mutated_by: [],
      read_by: ['b', 'c'],
      below_only: []
    },
    {
      name: 'n',
      defined_by: ['b'],
      mutated_by: [],
      read_by: ['c'],
      below_only: []
    }
  ],
  sections: [{ id: 'h', number: 1, level: 1, title: 'Data' }],
  upstream: ['a'],
  downstream: ['c']
};

async function shown(tab: 'dependencies' | 'variables') {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.graph.mockResolvedValue(GRAPH);
  const notebook = {
    title: 'n.ipynb',
    kernelName: 'Python 3',
    runCount: 2,
    activeCellId: 'b',
    changed: new Signal<IWatchedNotebook, void>({} as IWatchedNotebook),
    tracker: {
      result: null,
      notice: null,
      language: 'python',
      runs: [
        { cell_id: 'a', source: 'df = load()', execution_count: 1 },
        { cell_id: 'b', source: 'n = len(df)', execution_count: 2 }
      ],
      warnings: [
        {
          kind: 'stale',
          cell_id: 'b',
          names: ['df'],
          source_cell_id: 'a',
          certain: true,
          message: 'df was redefined'
        }
      ],
      settings: { namespaceProbe: true },
      cells: () => cells
    },
    revealCell: jest.fn(async () => undefined),
    runCells: jest.fn(async () => true)
  } as unknown as IWatchedNotebook & { revealCell: jest.Mock };
  const model = new PanelModel();
  model.setNotebook(notebook);
  const describe = jest.fn(async () => ({
    df: { type: 'pandas.DataFrame', shape: [100, 3], length: null }
  }));
  const graph = new GraphModel({ client, describe, delay: 0 });
  graph.setNotebook(notebook);
  const panel = new RefactorPanel(
    model,
    trans,
    new CommandRegistry(),
    null,
    null,
    graph
  );
  Widget.attach(panel, document.body);
  panel.showTab(tab);
  await graph.refresh();
  panel.update();
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  return { panel, notebook, describe, client };
}

describe('the graph views', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('draws the cells in order with arcs, the selection and its links', async () => {
    const { panel, notebook } = await shown('dependencies');
    const nodes = Array.from(
      panel.node.querySelectorAll('.jp-nbrefactor-graph-node')
    ) as HTMLElement[];
    expect(
      nodes.map(n => [n.dataset.cellId, n.dataset.role, n.dataset.kind])
    ).toEqual([
      ['a', 'upstream', 'none'],
      ['b', 'selected', 'stale'],
      ['c', 'downstream', 'none']
    ]);
    expect(
      panel.node.querySelectorAll('.jp-nbrefactor-graph-arc')
    ).toHaveLength(3);
    expect(
      panel.node.querySelector('.jp-nbrefactor-graph-counts')!.textContent
    ).toBe('3 cells, 3 links');
    nodes[2].click();
    expect(notebook.revealCell).toHaveBeenCalledWith('c');
  });

  it('lists every name with its cells, status and type', async () => {
    const { panel, describe } = await shown('variables');
    expect(describe).toHaveBeenCalledWith(expect.anything(), ['df', 'n']);
    panel.update();
    await new Promise(resolve => setTimeout(resolve, 0));
    const rows = Array.from(
      panel.node.querySelectorAll('.jp-nbrefactor-variable')
    ) as HTMLElement[];
    expect(
      rows.map(r => [
        r.dataset.name,
        r.dataset.status,
        r.querySelector('.jp-nbrefactor-variable-type')!.textContent
      ])
    ).toEqual([
      ['df', 'stale', 'DataFrame (100, 3)'],
      ['n', 'fresh', '']
    ]);
  });
});
