import { Notification } from '@jupyterlab/apputils';
import { Notebook, NotebookActions, NotebookModel } from '@jupyterlab/notebook';

import {
  isLastUndoStep,
  notebookForPlan,
  replaceCells,
  replaceRuns,
  undoIfLast
} from '../extract/notebook';

function notebook(): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { cell_type: 'markdown', source: '# Data', metadata: {} },
    ...['a = 1', 'b = a + 1', 'b'].map((source, i) => ({
      cell_type: 'code' as const,
      source,
      metadata: {},
      execution_count: i + 1,
      outputs:
        source === 'b'
          ? [
              {
                output_type: 'execute_result',
                execution_count: 3,
                data: { 'text/plain': '2' },
                metadata: {}
              }
            ]
          : []
    })),
    { cell_type: 'code', source: 'print(b)', metadata: {} }
  ]);
  model.sharedModel.clearUndoHistory();
  return model;
}

const sources = (model: NotebookModel) =>
  Array.from(model.cells, cell => cell.sharedModel.getSource());

describe('replaceCells', () => {
  it('puts one code cell where the first selected cell was', () => {
    const model = notebook();
    replaceCells(model, [3, 1, 2], 'from src.m import f\nb = f()');
    expect(sources(model)).toEqual([
      '# Data',
      'from src.m import f\nb = f()',
      'print(b)'
    ]);
    expect(model.cells.get(1).type).toBe('code');
  });

  it("keeps the replaced cells' outputs and names them in its metadata", () => {
    const model = notebook();
    const ids = [1, 2, 3].map(i => model.cells.get(i).id);
    replaceCells(model, [1, 2, 3], 'b = f()');
    expect(model.cells.get(1).toJSON()).toMatchObject({
      cell_type: 'code',
      execution_count: null,
      metadata: { nbrefactor: { replaces: ids } },
      outputs: [
        {
          output_type: 'execute_result',
          execution_count: 3,
          data: { 'text/plain': '2' }
        }
      ]
    });
  });

  it('is undone by one undo, outputs included', () => {
    const model = notebook();
    const before = model.toJSON();
    const step = replaceCells(model, [1, 2, 3], 'b = f()');
    expect(isLastUndoStep(model, step)).toBe(true);

    model.sharedModel.undo();

    expect(model.toJSON()).toEqual(before);
    expect(model.cells.get(3).toJSON()).toMatchObject({
      outputs: [{ data: { 'text/plain': '2' } }]
    });
  });

  it('knows when its undo step is no longer the last one', () => {
    const model = notebook();
    const step = replaceCells(model, [1], 'a = g()');
    model.sharedModel.insertCell(0, { cell_type: 'code', source: 'z = 0' });
    expect(isLastUndoStep(model, step)).toBe(false);
  });
});

describe('replaceRuns', () => {
  it('replaces several runs in one step, whatever order they come in', () => {
    const model = notebook();
    const before = model.toJSON();
    const step = replaceRuns(model, [
      { cells: [1], source: 'a = f()' },
      { cells: [3, 2], source: 'b = g(a)' }
    ]);
    expect(sources(model)).toEqual([
      '# Data',
      'a = f()',
      'b = g(a)',
      'print(b)'
    ]);
    expect(isLastUndoStep(model, step)).toBe(true);
    model.sharedModel.undo();
    expect(model.toJSON()).toEqual(before);
  });
});

describe("a notification's Undo (undoIfLast)", () => {
  afterEach(() => jest.restoreAllMocks());

  it('undoes the step while it is the last one', () => {
    const model = notebook();
    const before = model.toJSON();
    const step = replaceCells(model, [1, 2, 3], 'b = f()');
    const undo = jest
      .spyOn(NotebookActions, 'undo')
      .mockImplementation(() => model.sharedModel.undo());
    undoIfLast({ model } as unknown as Notebook, step, 'changed');
    expect(undo).toHaveBeenCalledTimes(1);
    expect(model.toJSON()).toEqual(before);
  });

  it('undoes nothing the user did since, and says how to get the cells back', () => {
    const model = notebook();
    const step = replaceCells(model, [1], 'a = g()');
    model.sharedModel.insertCell(0, { cell_type: 'code', source: 'z = 0' });
    const after = model.toJSON();
    const undo = jest.spyOn(NotebookActions, 'undo');
    const warning = jest.spyOn(Notification, 'warning').mockReturnValue('n');
    undoIfLast({ model } as unknown as Notebook, step, 'use Edit › Undo');
    expect(undo).not.toHaveBeenCalled();
    expect(warning.mock.calls).toEqual([['use Edit › Undo']]);
    expect(model.toJSON()).toEqual(after);
  });
});

describe('notebookForPlan', () => {
  it('sends sources without outputs', () => {
    const plan = notebookForPlan(notebook()) as {
      cells: { source: string; outputs?: unknown[] }[];
    };
    expect(plan.cells.map(cell => cell.source)).toEqual([
      '# Data',
      'a = 1',
      'b = a + 1',
      'b',
      'print(b)'
    ]);
    expect(plan.cells[3].outputs).toEqual([]);
  });
});
