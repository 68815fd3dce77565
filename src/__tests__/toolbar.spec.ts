import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import {
  IWarningSource,
  toolbarText,
  WarningToolbarItem
} from '../components/WarningToolbarItem';

const trans = nullTranslator.load('jupyter_nbrefactor');

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

function source(
  warnings: number,
  options: { result?: unknown; notice?: string | null } = {}
): IWarningSource & { emit: () => void; tracker: { warnings: unknown[] } } {
  const changed = new Signal<unknown, void>({});
  return {
    changed,
    emit: () => changed.emit(),
    tracker: {
      result: 'result' in options ? options.result : {},
      notice: options.notice ?? null,
      warnings: Array.from({ length: warnings }, () => ({}))
    }
  };
}

describe('the notebook toolbar warning count', () => {
  it.each([
    [0, 'No warnings'],
    [1, '1 warning'],
    [3, '3 warnings']
  ])('%s -> %s', (count, text) => {
    expect(toolbarText(source(count), trans)).toBe(text);
  });

  it('says nothing before the first analysis or for a notebook not analysed', () => {
    expect(toolbarText(source(0, { result: null }), trans)).toBeNull();
    expect(toolbarText(source(0, { notice: 'not Python' }), trans)).toBeNull();
  });

  it('follows the notebook and opens the panel on a click', async () => {
    const watched = source(1);
    const open = jest.fn();
    const item = new WarningToolbarItem(watched, trans, open);
    Widget.attach(item, document.body);
    await settle();
    const button = () => item.node.querySelector<HTMLButtonElement>('button')!;
    expect(button().textContent).toBe('1 warning');
    expect(button().dataset.warnings).toBe('1');

    watched.tracker.warnings = [];
    watched.emit();
    await settle();
    expect(button().textContent).toBe('No warnings');
    button().click();
    expect(open).toHaveBeenCalledTimes(1);
    item.dispose();
  });
});
