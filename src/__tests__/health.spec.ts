import { Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { currentCells, HealthModel, IHealthSource } from '../health';
import { NbRefactorAPI } from '../tokens';

jest.mock('../api');

const { NbRefactorError } = jest.requireActual('../api');

const CANDIDATE: NbRefactorAPI.IExtractionCandidate = {
  cells: [1, 2],
  cell_ids: ['b', 'c'],
  name: 'cleaning',
  module: 'src/churn.py',
  params: ['df'],
  returns: [],
  lines: 9
};

function report(
  overrides: Partial<NbRefactorAPI.IHealthReport> = {}
): NbRefactorAPI.IHealthReport {
  return {
    path: 'work/churn.ipynb',
    lines_of_code: 134,
    cells: 4,
    code_cells: 4,
    module_level_names: 41,
    names: ['df'],
    functions: [],
    classes: [],
    out_of_order_cells: [],
    duplicated_blocks: [],
    findings_by_rule: {},
    findings: [],
    verdict: {
      level: 'refactor',
      summary: 'time to move code into modules',
      reasons: ['41 module-level names (more than 15)']
    },
    extraction_candidates: [CANDIDATE],
    ...overrides
  };
}

/** A notebook as the model sees it; tests change its fields and emit. */
class FakeSource implements IHealthSource {
  path: string | null = 'work/churn.ipynb';
  version: string | null = '2024-01-01T00:00:00Z';
  dirty = false;
  canExtract = true;
  ids = ['a', 'b', 'c', 'd'];
  disposed = false;
  extract = jest.fn(async (_cells: number[]) => undefined);
  changed: Signal<IHealthSource, void> = new Signal(this);

  cellIds(): string[] {
    return this.ids;
  }

  /** The notebook was saved (or loaded, or reverted). */
  save(version: string): void {
    this.version = version;
    this.changed.emit();
  }

  dispose(): void {
    this.disposed = true;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup() {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.report.mockResolvedValue(report());
  const model = new HealthModel({ client });
  const source = new FakeSource();
  return { client, model, source };
}

describe('HealthModel', () => {
  it('fetches the saved notebook once the view shows', async () => {
    const { client, model, source } = setup();
    model.setSource(source);
    await settle();
    expect(client.report).not.toHaveBeenCalled();

    model.setActive(true);
    expect(model.loading).toBe(true);
    await settle();

    expect(client.report.mock.calls).toEqual([['work/churn.ipynb']]);
    expect(model.loading).toBe(false);
    expect(model.report?.module_level_names).toBe(41);
    expect(model.error).toBeNull();
  });

  it('refreshes after a save, and not on other changes', async () => {
    const { client, model, source } = setup();
    model.setSource(source);
    model.setActive(true);
    await settle();

    source.dirty = true;
    source.changed.emit();
    await settle();
    expect(client.report).toHaveBeenCalledTimes(1);

    client.report.mockResolvedValue(report({ module_level_names: 40 }));
    source.dirty = false;
    source.save('2024-01-01T00:05:00Z');
    await settle();
    expect(client.report).toHaveBeenCalledTimes(2);
    expect(model.report?.module_level_names).toBe(40);
  });

  it('fetches a save made while hidden when it shows again, once', async () => {
    const { client, model, source } = setup();
    model.setSource(source);
    model.setActive(true);
    await settle();
    model.setActive(false);

    source.save('2024-01-01T00:05:00Z');
    source.save('2024-01-01T00:06:00Z');
    await settle();
    expect(client.report).toHaveBeenCalledTimes(1);

    model.setActive(true);
    await settle();
    model.setActive(false);
    model.setActive(true);
    await settle();
    expect(client.report).toHaveBeenCalledTimes(2);
  });

  it('refreshes on demand even when nothing changed', async () => {
    const { client, model, source } = setup();
    model.setSource(source);
    model.setActive(true);
    await settle();

    await model.refresh();
    expect(client.report).toHaveBeenCalledTimes(2);
  });

  it('keeps the last report when a request fails, and shows why', async () => {
    const { client, model, source } = setup();
    model.setSource(source);
    model.setActive(true);
    await settle();

    client.report.mockRejectedValue(
      new NbRefactorError('work/churn.ipynb: not valid JSON', 400)
    );
    await model.refresh();

    expect(model.error).toBe('work/churn.ipynb: not valid JSON');
    expect(model.report?.module_level_names).toBe(41);
    expect(model.loading).toBe(false);

    client.report.mockResolvedValue(report());
    await model.refresh();
    expect(model.error).toBeNull();
  });

  it('asks nothing for an unsaved notebook and says so', async () => {
    const { client, model, source } = setup();
    source.path = null;
    model.setSource(source);
    model.setActive(true);
    await model.refresh();

    expect(model.emptyState).toBe('unsaved');
    expect(client.report).not.toHaveBeenCalled();
    expect(model.report).toBeNull();

    source.path = 'work/churn.ipynb';
    source.save('2024-01-01T00:05:00Z');
    await settle();
    expect(model.emptyState).toBeNull();
    expect(client.report).toHaveBeenCalledTimes(1);
  });

  it('drops the answer about a notebook it no longer follows', async () => {
    const { client, model, source } = setup();
    const pending = deferred<NbRefactorAPI.IHealthReport>();
    client.report.mockReturnValueOnce(pending.promise);
    model.setSource(source);
    model.setActive(true);

    const other = new FakeSource();
    other.path = 'other.ipynb';
    client.report.mockResolvedValueOnce(report({ path: 'other.ipynb' }));
    model.setSource(other);
    await settle();
    pending.resolve(report());
    await settle();

    expect(source.disposed).toBe(true);
    expect(model.report?.path).toBe('other.ipynb');
    expect(model.loading).toBe(false);

    model.setSource(null);
    expect(model.emptyState).toBe('no-notebook');
    expect(model.report).toBeNull();
    expect(other.disposed).toBe(true);
  });

  it('keeps only the answer to the latest request', async () => {
    const { client, model, source } = setup();
    model.setSource(source);
    const first = deferred<NbRefactorAPI.IHealthReport>();
    client.report.mockReturnValueOnce(first.promise);
    model.setActive(true);
    client.report.mockResolvedValueOnce(report({ lines_of_code: 200 }));
    await model.refresh();
    first.resolve(report({ lines_of_code: 100 }));
    await settle();

    expect(model.report?.lines_of_code).toBe(200);
    expect(model.loading).toBe(false);
  });

  it('signals each state it goes through', async () => {
    const { model, source } = setup();
    const seen: [boolean, number | null][] = [];
    model.changed.connect(() =>
      seen.push([model.loading, model.report?.lines_of_code ?? null])
    );
    model.setSource(source);
    model.setActive(true);
    await settle();
    expect(seen).toEqual([
      [false, null],
      [true, null],
      [false, 134]
    ]);
  });

  it('extracts a candidate where its cells are now', async () => {
    const { model, source } = setup();
    model.setSource(source);
    source.ids = ['new', 'a', 'b', 'c', 'd'];

    await model.extract(CANDIDATE);
    expect(source.extract.mock.calls).toEqual([[[2, 3]]]);
  });

  it('does not extract cells that are gone, or without the command', async () => {
    const { model, source } = setup();
    model.setSource(source);
    source.ids = ['a', 'c', 'd'];
    expect(model.candidateCells(CANDIDATE)).toBeNull();
    await model.extract(CANDIDATE);

    source.ids = ['a', 'b', 'c', 'd'];
    source.canExtract = false;
    await model.extract(CANDIDATE);
    expect(source.extract).not.toHaveBeenCalled();
  });
});

describe('currentCells', () => {
  it('follows the cell ids', () => {
    expect(currentCells(CANDIDATE, ['x', 'b', 'c'])).toEqual([1, 2]);
    expect(currentCells(CANDIDATE, ['b', 'x', 'c'])).toBeNull();
    expect(currentCells(CANDIDATE, ['c', 'b'])).toBeNull();
  });

  it('uses the saved positions when the notebook has no cell ids', () => {
    const old = { ...CANDIDATE, cell_ids: [null, null] };
    expect(currentCells(old, ['x', 'y', 'z'])).toEqual([1, 2]);
    expect(currentCells(old, ['x', 'y'])).toBeNull();
  });
});
