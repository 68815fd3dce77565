import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { addExtractCommands, ExtractCommandIDs } from '../extract/commands';
import { extractionTarget, INotebookPanelLike } from '../extract/notebook';

jest.mock('../api');

interface IFakeCell {
  model: { type: string };
}

/** A notebook panel as the commands see it: cells, a selection, a context. */
function panel(
  types: string[],
  selected: number[],
  context: Partial<INotebookPanelLike['context']> = {},
  metadata: Record<string, unknown> = {}
): INotebookPanelLike {
  const cells: IFakeCell[] = types.map(type => ({ model: { type } }));
  return {
    context: {
      isReady: true,
      path: 'work/analysis.ipynb',
      localPath: 'work/analysis.ipynb',
      contentsModel: {},
      ...context
    },
    content: {
      model: { getMetadata: (key: string) => metadata[key] },
      widgets: cells,
      isSelectedOrActive: ((cell: IFakeCell) =>
        selected.includes(cells.indexOf(cell))) as (cell: never) => boolean
    }
  };
}

function setup(current: INotebookPanelLike | null) {
  const commands = new CommandRegistry();
  const launch = jest.fn(async () => undefined);
  const state = { current };
  addExtractCommands(commands, {
    current: () => state.current,
    trans: nullTranslator.load('jupyter_nbrefactor'),
    launch
  });
  return { commands, launch, state };
}

const BOTH = [
  ExtractCommandIDs.extractFunction,
  ExtractCommandIDs.moveToModule
];

describe('extraction commands', () => {
  it('are disabled without a notebook', () => {
    const { commands } = setup(null);
    for (const id of BOTH) {
      expect(commands.isEnabled(id)).toBe(false);
    }
  });

  it('leave "is this notebook Python?" to the server (extract/suggest answers it)', () => {
    const { commands } = setup(
      panel(['code'], [0], {}, { kernelspec: { name: 'ir', language: 'R' } })
    );
    for (const id of BOTH) {
      expect(commands.isEnabled(id)).toBe(true);
    }
  });

  it('are enabled for selected code cells and open the dialog for them', async () => {
    const { commands, launch, state } = setup(
      panel(['markdown', 'code', 'code', 'code'], [1, 2, 3])
    );
    for (const id of BOTH) {
      expect(commands.isEnabled(id)).toBe(true);
    }

    await commands.execute(ExtractCommandIDs.extractFunction);
    await commands.execute(ExtractCommandIDs.moveToModule);

    expect(launch.mock.calls).toEqual([
      [
        'function',
        state.current,
        { path: 'work/analysis.ipynb', cells: [1, 2, 3] }
      ],
      [
        'module',
        state.current,
        { path: 'work/analysis.ipynb', cells: [1, 2, 3] }
      ]
    ]);
  });

  it('are enabled for code with markdown selected: the markdown stays in place', () => {
    const { commands } = setup(panel(['code', 'markdown', 'code'], [0, 1, 2]));
    expect(commands.isEnabled(ExtractCommandIDs.extractFunction)).toBe(true);
    expect(commands.isEnabled(ExtractCommandIDs.moveToModule)).toBe(true);
  });

  it('are disabled when no code cell is selected', () => {
    for (const type of ['markdown', 'raw']) {
      const { commands, launch } = setup(panel([type, type], [0, 1]));
      expect(commands.isEnabled(ExtractCommandIDs.extractFunction)).toBe(false);
      expect(commands.isEnabled(ExtractCommandIDs.moveToModule)).toBe(false);
      void commands.execute(ExtractCommandIDs.extractFunction);
      expect(launch).not.toHaveBeenCalled();
    }
  });

  it('follow the current notebook', () => {
    const { commands, state } = setup(panel(['markdown'], [0]));
    expect(commands.isEnabled(ExtractCommandIDs.extractFunction)).toBe(false);
    state.current = panel(['code'], [0]);
    expect(commands.isEnabled(ExtractCommandIDs.extractFunction)).toBe(true);
  });

  it('have a label, a caption and an icon', () => {
    const { commands } = setup(null);
    expect(commands.label(ExtractCommandIDs.extractFunction)).toBe(
      'Extract Function…'
    );
    expect(commands.label(ExtractCommandIDs.moveToModule)).toBe(
      'Move to Module…'
    );
    for (const id of BOTH) {
      expect(commands.caption(id)).not.toBe('');
      expect(commands.icon(id)).toBeTruthy();
    }
  });
});

describe('extractionTarget', () => {
  it('needs a notebook that is loaded and saved on the server', () => {
    expect(
      extractionTarget(panel(['code'], [0], { isReady: false }))
    ).toBeNull();
    expect(
      extractionTarget(panel(['code'], [0], { contentsModel: null }))
    ).toBeNull();
    expect(
      extractionTarget(
        panel(['code'], [0], { path: 'gdrive:a.ipynb', localPath: 'a.ipynb' })
      )
    ).toBeNull();
  });

  it('sends the server path of a notebook opened through the collaborative drive', () => {
    expect(
      extractionTarget(
        panel(['code', 'code'], [1], {
          path: 'RTC:work/a.ipynb',
          localPath: 'work/a.ipynb'
        })
      )
    ).toEqual({ path: 'work/a.ipynb', cells: [1] });
  });

  it('lists the selected cells in notebook order', () => {
    expect(
      extractionTarget(panel(['code', 'markdown', 'code', 'code'], [3, 0, 2]))
    ).toEqual({ path: 'work/analysis.ipynb', cells: [0, 2, 3] });
  });
});
