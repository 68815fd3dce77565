import { NotebookModel } from '@jupyterlab/notebook';

import { applyGraduation, movesOf, unchangedSince } from '../graduate/notebook';
import { NbRefactorAPI } from '../tokens';

function notebook(): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { cell_type: 'markdown', source: '## Load data', metadata: {} },
    {
      cell_type: 'code',
      source: 'values = [1, 2]\nprint(len(values))',
      metadata: {},
      outputs: [{ output_type: 'stream', name: 'stdout', text: '2\n' }]
    },
    { cell_type: 'code', source: 'values', metadata: {}, outputs: [] },
    { cell_type: 'markdown', source: '## Total', metadata: {} },
    { cell_type: 'code', source: 'total = sum(values)', metadata: {} },
    { cell_type: 'code', source: 'print(total)', metadata: {} }
  ]);
  model.sharedModel.clearUndoHistory();
  return model;
}

function move(
  cells: number[],
  replacement: string
): NbRefactorAPI.IGraduateMove {
  return {
    cells,
    name: 'f',
    module: 'src/m.py',
    mode: 'function',
    params: [],
    returns: [],
    replacement
  };
}

const PLAN = {
  refused: null,
  sections: [
    {
      title: 'Total',
      cells: [4, 5],
      moves: [
        move([4, 5], 'from src.total import add_total\nadd_total(values)')
      ],
      kept: []
    },
    {
      title: 'Load data',
      cells: [1, 2],
      moves: [
        move([1], 'from src.data import load_data\nvalues = load_data()')
      ],
      kept: [{ cell: 2, reason: 'only displays or plots' }]
    }
  ],
  kept: [],
  files: [],
  fitted: [],
  script: 'scripts/train.py',
  report: null,
  report_text: ''
} as NbRefactorAPI.IGraduationPlan;

const sources = (model: NotebookModel) =>
  Array.from(model.cells, cell => cell.sharedModel.getSource());

describe('graduate notebook edit', () => {
  it('lists the moves in notebook order', () => {
    expect(movesOf(PLAN).map(m => m.cells[0])).toEqual([1, 4]);
  });

  it('replaces every move by its call and keeps the kept cells', () => {
    const model = notebook();
    applyGraduation(model, PLAN);
    expect(sources(model)).toEqual([
      '## Load data',
      'from src.data import load_data\nvalues = load_data()',
      'values',
      '## Total',
      'from src.total import add_total\nadd_total(values)'
    ]);
    const first = model.cells.get(1).toJSON() as {
      outputs: unknown[];
      metadata: { nbrefactor?: { replaces: string[] } };
    };
    expect(first.outputs).toHaveLength(1);
    expect(first.metadata.nbrefactor?.replaces).toHaveLength(1);
  });

  it('is one undo step', () => {
    const model = notebook();
    const before = sources(model);
    applyGraduation(model, PLAN);
    model.sharedModel.undo();
    expect(sources(model)).toEqual(before);
  });

  it('tells when a moved cell changed since the plan', () => {
    const model = notebook();
    const planned = model.toJSON() as { cells: unknown[] };
    expect(unchangedSince(model, planned, PLAN)).toBe(true);
    model.cells.get(4).sharedModel.setSource('total = 0');
    expect(unchangedSince(model, planned, PLAN)).toBe(false);
  });
});
