import { runOneByOne } from '../runner';

describe('runOneByOne', () => {
  it('runs each cell only once the one before finished', async () => {
    const log: string[] = [];
    const outcome = await runOneByOne(['a', 'b', 'c'], async id => {
      log.push(`start ${id}`);
      await Promise.resolve();
      log.push(`end ${id}`);
      return true;
    });
    expect(log).toEqual([
      'start a',
      'end a',
      'start b',
      'end b',
      'start c',
      'end c'
    ]);
    expect(outcome).toEqual({ ran: ['a', 'b', 'c'], failed: null });
  });

  it('stops at the first failure and never starts the cells after it', async () => {
    const runOne = jest.fn(async (id: string) => id !== 'b');
    expect(await runOneByOne(['a', 'b', 'c', 'd'], runOne)).toEqual({
      ran: ['a', 'b'],
      failed: 'b'
    });
    expect(runOne.mock.calls.map(call => call[0])).toEqual(['a', 'b']);
  });

  it('skips cells that could not run (gone) and goes on', async () => {
    expect(
      await runOneByOne(['a', 'gone', 'c'], async id =>
        id === 'gone' ? null : true
      )
    ).toEqual({ ran: ['a', 'c'], failed: null });
  });
});
