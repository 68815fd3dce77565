import { nullTranslator } from '@jupyterlab/translation';

import { verdictText } from '../components/RefactorPanel';
import { kindWord } from '../decorations';
import {
  codeCellsFrom,
  groupWarnings,
  nextWarnedCell,
  notesByCell,
  rerunCellIds,
  timelineOf,
  verdictOf,
  warningsByCell
} from '../findings';
import { DEFAULT_SETTINGS, settingsFrom, WARNING_KINDS } from '../settings';
import { NbRefactorAPI } from '../tokens';

const trans = nullTranslator.load('jupyter_nbrefactor');

const cells: NbRefactorAPI.IAnalyzeCell[] = [
  { id: 'md', source: '# Title', cell_type: 'markdown' },
  { id: 'a', source: '\nx = 1', cell_type: 'code' },
  { id: 'b', source: 'y = x + 1', cell_type: 'code' },
  { id: 'c', source: 'x = 2', cell_type: 'code' }
];

const runs: NbRefactorAPI.IRun[] = [
  { cell_id: 'c', source: 'x = 2', execution_count: 1 },
  { cell_id: 'b', source: 'y = x + 1', execution_count: 2 },
  { cell_id: 'a', source: 'x = 0', execution_count: 3, error: null },
  { cell_id: 'gone', source: 'z = 1', execution_count: 4, error: 'NameError' }
];

function warning(
  kind: NbRefactorAPI.WarningKind,
  cellId: string,
  certain = true
): NbRefactorAPI.IWarning {
  return {
    kind,
    cell_id: cellId,
    names: ['x'],
    source_cell_id: null,
    certain,
    message: `${kind} in ${cellId}`
  };
}

describe('warningsByCell', () => {
  it('groups warnings by cell in notebook order, gone cells last', () => {
    const groups = warningsByCell(
      [
        warning('out-of-order', 'b'),
        warning('hidden-state', 'gone'),
        warning('stale', 'a'),
        warning('edited', 'a')
      ],
      cells,
      runs
    );
    expect(
      groups.map(g => [g.cellId, g.position, g.executionCount, g.firstLine])
    ).toEqual([
      ['a', 1, 3, 'x = 1'],
      ['b', 2, 2, 'y = x + 1'],
      ['gone', null, 4, '']
    ]);
    expect(groups[0].warnings.map(w => w.kind)).toEqual(['stale', 'edited']);
  });
});

describe('timelineOf', () => {
  it('lists runs in order with position, edits, deletions and errors', () => {
    expect(timelineOf(runs, cells)).toEqual([
      {
        cellId: 'c',
        executionCount: 1,
        position: 3,
        edited: false,
        deleted: false,
        error: null
      },
      {
        cellId: 'b',
        executionCount: 2,
        position: 2,
        edited: false,
        deleted: false,
        error: null
      },
      {
        cellId: 'a',
        executionCount: 3,
        position: 1,
        edited: true,
        deleted: false,
        error: null
      },
      {
        cellId: 'gone',
        executionCount: 4,
        position: null,
        edited: false,
        deleted: true,
        error: 'NameError'
      }
    ]);
  });
});

describe('verdictOf', () => {
  it('says a rerun reproduces the state when the server says so', () => {
    const verdict = verdictOf([], true);
    expect(verdict).toEqual({ reproducible: true, certain: true, reasons: [] });
    expect(verdictText(verdict, trans)).toBe(
      'Restart & Run All would reproduce this state.'
    );
  });

  it("counts warned cells per deciding kind for the server's no, most serious first", () => {
    const verdict = verdictOf(
      [
        warning('stale', 'a'),
        warning('stale', 'b'),
        warning('out-of-order', 'b'),
        warning('out-of-order', 'b')
      ],
      false
    );
    expect(verdict.reasons).toEqual([
      { kind: 'out-of-order', cells: 1 },
      { kind: 'stale', cells: 2 }
    ]);
    expect(verdictText(verdict, trans)).toBe(
      'Restart & Run All would not reproduce this state: 1 cell read values from cells below it; 2 cells ran before their inputs changed.'
    );
  });

  it('hedges when every reason is a heuristic', () => {
    const verdict = verdictOf([warning('stale', 'a', false)], false);
    expect(verdict.certain).toBe(false);
    expect(verdictText(verdict, trans)).toMatch(/^Restart & Run All might not/);
  });

  it("takes the server's yes: advice kinds, or any warnings, do not make it a no", () => {
    const verdict = verdictOf(
      [warning('edited', 'a'), warning('use-before-define', 'b')],
      true
    );
    expect(verdict).toEqual({ reproducible: true, certain: true, reasons: [] });
  });

  it("gives only the deciding kinds as reasons for the server's no", () => {
    const verdict = verdictOf(
      [
        warning('edited', 'a'),
        warning('stale', 'b'),
        warning('undefined', 'c')
      ],
      false
    );
    expect(verdict).toEqual({
      reproducible: false,
      certain: true,
      reasons: [{ kind: 'stale', cells: 1 }]
    });
  });

  it("keeps the server's no when the settings hide every reason", () => {
    const verdict = verdictOf([warning('edited', 'a')], false);
    expect(verdict).toEqual({
      reproducible: false,
      certain: true,
      reasons: []
    });
    expect(verdictText(verdict, trans)).toBe(
      'Restart & Run All would not reproduce this state (the warnings that say why are hidden in the settings).'
    );
  });
});

describe('rerunCellIds', () => {
  const answer = (rerun: string[]): NbRefactorAPI.IAnalyzeResponse => ({
    cells: {},
    warnings: [warning('stale', 'b')],
    reproducible: false,
    rerun
  });

  it("runs the server's list, in notebook order, only cells still there", () => {
    expect(rerunCellIds(answer(['c', 'gone', 'a']), cells)).toEqual(['a', 'c']);
  });

  it('runs nothing when the server says so, whatever the warnings', () => {
    expect(rerunCellIds(answer([]), cells)).toEqual([]);
  });

  it('runs nothing before the first analysis', () => {
    expect(rerunCellIds(null, cells)).toEqual([]);
  });
});

describe('codeCellsFrom', () => {
  const more: NbRefactorAPI.IAnalyzeCell[] = [
    ...cells,
    { id: 'md2', source: 'text', cell_type: 'markdown' },
    { id: 'd', source: 'print(x)', cell_type: 'code' }
  ];

  it('lists the code cells from a cell to the end', () => {
    expect(codeCellsFrom(more, 'b')).toEqual(['b', 'c', 'd']);
    expect(codeCellsFrom(more, 'md')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stops at the last cell asked for', () => {
    expect(codeCellsFrom(more, 'a', 'c')).toEqual(['a', 'b', 'c']);
  });

  it('is empty when the last cell is above or gone', () => {
    expect(codeCellsFrom(more, 'c', 'a')).toEqual([]);
    expect(codeCellsFrom(more, 'c', 'gone')).toEqual([]);
  });

  it('is empty for a cell no longer there', () => {
    expect(codeCellsFrom(more, 'gone')).toEqual([]);
  });
});

describe('groupWarnings', () => {
  const many: NbRefactorAPI.IAnalyzeCell[] = [
    's',
    'r1',
    'r2',
    'r3',
    'd1',
    'd2',
    'o'
  ].map(id => ({ id, source: `${id} = 1`, cell_type: 'code' }));
  const w = (
    kind: NbRefactorAPI.WarningKind,
    cellId: string,
    source: string | null,
    names = ['df']
  ): NbRefactorAPI.IWarning => ({
    kind,
    cell_id: cellId,
    names,
    source_cell_id: source,
    certain: true,
    message: `${kind} in ${cellId}`
  });

  it('puts the cells one change made stale under it, the rest by cell', () => {
    const list = groupWarnings(
      [
        w('stale', 'r3', 's'),
        w('stale', 'r1', 's'),
        w('out-of-order', 'r1', 'o'),
        w('stale', 'r2', 's'),
        // d1 used r1's stale result, d2 used d1's: the same change explains both.
        w('depends-on-stale', 'd1', 'r1', ['model']),
        w('depends-on-stale', 'd2', 'd1', ['score']),
        w('stale', 'o', 'r3', ['y'])
      ],
      many,
      []
    );
    expect(list.causes).toHaveLength(1);
    expect(list.causes[0]).toMatchObject({
      causeId: 's',
      position: 0,
      names: ['df']
    });
    expect(list.causes[0].cells.map(g => g.cellId)).toEqual([
      'r1',
      'r2',
      'r3',
      'd1',
      'd2'
    ]);
    expect(list.causes[0].cells[0].warnings.map(x => x.kind)).toEqual([
      'stale'
    ]);
    // One cell made stale by r3 is no group; r1's other warning stays with r1.
    expect(
      list.cells.map(g => [g.cellId, g.warnings.map(x => x.kind)])
    ).toEqual([
      ['r1', ['out-of-order']],
      ['o', ['stale']]
    ]);
  });

  it('leaves everything by cell when no change explains two cells', () => {
    const list = groupWarnings(
      [w('stale', 'r1', 's'), w('edited', 'r2', null)],
      many,
      []
    );
    expect(list.causes).toEqual([]);
    expect(list.cells.map(g => g.cellId)).toEqual(['r1', 'r2']);
  });
});

describe('nextWarnedCell', () => {
  const groups = warningsByCell(
    [
      warning('stale', 'a'),
      warning('stale', 'c'),
      warning('hidden-state', 'gone')
    ],
    cells,
    runs
  );

  it('goes to the next warned cell below the active one', () => {
    expect(nextWarnedCell(groups, 1)).toBe('c');
  });

  it('wraps around to the first warned cell', () => {
    expect(nextWarnedCell(groups, 3)).toBe('a');
  });

  it('has nowhere to go without warnings', () => {
    expect(nextWarnedCell([], 0)).toBeNull();
  });
});

describe('kindWord', () => {
  it('names every kind with a word', () => {
    expect(WARNING_KINDS.map(kind => kindWord(kind, trans))).toEqual([
      'stale',
      'stale input',
      'out of order',
      'edited',
      'hidden state',
      'defined below',
      'undefined'
    ]);
  });
});

describe('settingsFrom', () => {
  it('reads the registry values', () => {
    expect(
      settingsFrom({
        warningKinds: { stale: false },
        debounceMs: 50,
        namespaceProbe: false,
        markers: false,
        verifyTimeout: 5
      })
    ).toEqual({
      warningKinds: { ...DEFAULT_SETTINGS.warningKinds, stale: false },
      debounceMs: 50,
      namespaceProbe: false,
      markers: false,
      verifyTimeout: 5
    });
  });

  it('falls back to the defaults for missing or bad values', () => {
    expect(settingsFrom({ debounceMs: -1, markers: 'yes' })).toEqual(
      DEFAULT_SETTINGS
    );
  });
});

describe('notesByCell', () => {
  it("lists the server's notes of the cells that have some, in notebook order", () => {
    const facts = (notes?: string[]): NbRefactorAPI.ICellFacts => ({
      defines: [],
      reads: [],
      mutates: [],
      imports: [],
      error: null,
      notes
    });
    const note =
      're-running this cell now would see x as changed below by cell 4';
    expect(
      notesByCell(
        {
          cells: {
            c: facts([]),
            b: facts([note]),
            a: facts(),
            gone: facts(['x'])
          },
          warnings: [],
          reproducible: true,
          rerun: []
        },
        cells
      )
    ).toEqual([{ cellId: 'b', position: 2, notes: [note] }]);
    expect(notesByCell(null, cells)).toEqual([]);
  });
});
