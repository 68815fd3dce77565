import {
  moduleFolder,
  modulePathFor,
  nameProblem,
  snakeName,
  suggestName
} from '../extract/naming';

const md = (source: string) => ({ cell_type: 'markdown', source });
const code = (source: string) => ({ cell_type: 'code', source });

describe('nameProblem', () => {
  it.each([
    ['load_data', null],
    ['_private', null],
    ['données', null],
    ['match', null],
    ['', 'empty'],
    ['1st', 'not-identifier'],
    ['load data', 'not-identifier'],
    ['load-data', 'not-identifier'],
    ['class', 'keyword'],
    ['None', 'keyword'],
    ['await', 'keyword']
  ])('%j -> %j', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });
});

describe('suggestName', () => {
  const cells = [
    md('# Churn\n\nNotes.\n\n## Load & clean data'),
    code('df = load()'),
    code('x = 1'),
    code('# add the features\ndf["y"] = 2')
  ];

  it('takes the nearest markdown heading above the selection', () => {
    expect(suggestName(cells, [2, 1])).toBe('load_clean_data');
  });

  it('takes the first comment of the selection without a heading above', () => {
    expect(suggestName([code('x = 1'), ...cells.slice(1)], [2, 3])).toBe(
      'add_the_features'
    );
  });

  it('falls back without heading or comment', () => {
    expect(suggestName([code('x = 1')], [0])).toBe('extracted');
  });

  it('skips headings with no letters and shell-like comments', () => {
    expect(
      suggestName([md('## 2024'), code('#!/bin/sh\n# make plots')], [1])
    ).toBe('make_plots');
  });
});

describe('snakeName', () => {
  it('keeps at most four words', () => {
    expect(snakeName('Try 2: only the top 8 features')).toBe('try_2_only_the');
  });
  it('never starts with a digit nor is a keyword', () => {
    expect(snakeName('2nd model')).toBe('step_2nd_model');
    expect(snakeName('Import')).toBe('import_');
  });
});

describe('module paths', () => {
  it('fill the template with the notebook name as a module name', () => {
    expect(
      modulePathFor('src/{stem}.py', 'work/Big Messy-Notebook.ipynb')
    ).toBe('src/big_messy_notebook.py');
    expect(modulePathFor('lib/helpers.py', 'a.ipynb')).toBe('lib/helpers.py');
  });
  it('name their folder', () => {
    expect(moduleFolder('src/pkg/data.py')).toBe('src/pkg');
    expect(moduleFolder('data.py')).toBe('');
  });
});
