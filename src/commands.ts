/**
 * The panel's commands: open it, show the health report, run the stale
 * cells, go to the next warning, run from a cell down, re-run from the cell
 * an out-of-order warning names, check reproducibility in a fresh kernel. They act on the notebook the panel follows;
 * which cells to run is decided in findings.ts (from the server's answer).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  checkIcon,
  codeCheckIcon,
  fastForwardIcon,
  redoIcon,
  runIcon
} from '@jupyterlab/ui-components';
import {
  PartialJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';
import { CommandRegistry } from '@lumino/commands';
import { ISignal } from '@lumino/signaling';

import { codeCellsFrom, rerunCellIds } from './findings';
import { refactorIcon } from './icons';
import { IWatchedNotebook } from './model';
import { CommandIDs } from './tokens';
import { VerifyModel } from './verify';

export namespace PanelCommands {
  export interface IOptions {
    /** The notebook the commands act on (the one the panel follows), or null. */
    current: () => IWatchedNotebook | null;
    /** Emits when that notebook, or its analysis, changes. */
    changed: ISignal<unknown, void>;
    trans: TranslationBundle;
    /** Show the sidebar. */
    openPanel: () => void;
    /** Show the sidebar on its Health tab. */
    showHealth: () => void;
    /** The fresh-kernel check; without it, Check Reproducibility is not added. */
    verify?: VerifyModel | null;
    /** Show the sidebar where the check's progress and result are. */
    showVerify?: () => void;
  }
}

/** The cells "Run Stale Cells" runs in this notebook: the server's `rerun` list. */
export function staleCellsOf(notebook: IWatchedNotebook | null): string[] {
  const tracker = notebook?.tracker;
  if (!tracker || tracker.notice !== null) {
    return [];
  }
  return rerunCellIds(tracker.result, tracker.cells());
}

/**
 * The fix of an out-of-order warning: re-run from `fromCellId` (the cell that
 * creates the value) down to `toCellId` (the warned cell). From `args` when
 * they name both, else from the first such warning of the active cell.
 */
export function rerunFixOf(
  notebook: IWatchedNotebook | null,
  args: ReadonlyPartialJSONObject
): { fromCellId: string; toCellId: string } | null {
  if (!notebook) {
    return null;
  }
  if (
    typeof args.fromCellId === 'string' &&
    typeof args.toCellId === 'string'
  ) {
    return { fromCellId: args.fromCellId, toCellId: args.toCellId };
  }
  const active = notebook.activeCellId;
  const warning = notebook.tracker.warnings.find(
    w => w.cell_id === active && w.kind === 'out-of-order' && !!w.fix_cell_id
  );
  return warning
    ? { fromCellId: warning.fix_cell_id!, toCellId: warning.cell_id }
    : null;
}

/** Register the panel's commands; answers the ids the palette should list. */
export function addPanelCommands(
  commands: CommandRegistry,
  options: PanelCommands.IOptions
): string[] {
  const { current, trans } = options;
  const noArgs = { args: { type: 'object' as const, properties: {} } };
  const cellArgs = {
    args: {
      type: 'object' as const,
      properties: {
        cellId: {
          type: 'string',
          description: trans.__(
            'The cell to start from (default: the active cell)'
          )
        }
      }
    }
  };
  const rerunArgs = {
    args: {
      type: 'object' as const,
      properties: {
        fromCellId: {
          type: 'string',
          description: trans.__('The cell to start from')
        },
        toCellId: {
          type: 'string',
          description: trans.__('The last cell to run')
        }
      }
    }
  };
  const cellNumber = (notebook: IWatchedNotebook, id: string) =>
    notebook.tracker.cells().findIndex(cell => cell.id === id) + 1;
  const fromHere = (args: ReadonlyPartialJSONObject): string[] => {
    const notebook = current();
    const start =
      typeof args.cellId === 'string' ? args.cellId : notebook?.activeCellId;
    return notebook && start
      ? codeCellsFrom(notebook.tracker.cells(), start)
      : [];
  };
  const fixCells = (args: ReadonlyPartialJSONObject): string[] => {
    const notebook = current();
    const fix = rerunFixOf(notebook, args);
    return notebook && fix
      ? codeCellsFrom(notebook.tracker.cells(), fix.fromCellId, fix.toCellId)
      : [];
  };
  const run = (ids: string[]) => {
    const notebook = current();
    return notebook && ids.length > 0 ? notebook.runCells(ids) : undefined;
  };

  commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Open the Notebook Refactor Panel'),
    caption: trans.__(
      'Show execution order, hidden-state warnings and refactoring tools'
    ),
    icon: refactorIcon,
    describedBy: noArgs,
    execute: options.openPanel
  });
  commands.addCommand(CommandIDs.showHealth, {
    label: trans.__('Show Notebook Health Report'),
    caption: trans.__(
      'Lines of code, module-level names, out-of-order cells, duplicated code and the cells worth moving into functions'
    ),
    icon: codeCheckIcon,
    describedBy: noArgs,
    execute: options.showHealth
  });
  commands.addCommand(CommandIDs.runStaleCells, {
    label: trans.__('Run Stale Cells'),
    caption: trans.__(
      'Run the stale cells and the cells that used their results, one by one in notebook order, stopping at the first error'
    ),
    icon: runIcon,
    describedBy: noArgs,
    isEnabled: () => staleCellsOf(current()).length > 0,
    execute: () => run(staleCellsOf(current()))
  });
  commands.addCommand(CommandIDs.nextWarning, {
    label: trans.__('Go to Next Warning'),
    caption: trans.__(
      'Select the next cell below with an execution-order warning'
    ),
    icon: caretDownIcon,
    describedBy: noArgs,
    isEnabled: () => (current()?.tracker.warnings.length ?? 0) > 0,
    execute: () => current()?.revealNextWarning()
  });
  commands.addCommand(CommandIDs.runFromHere, {
    label: trans.__('Run from Here Down'),
    caption: trans.__(
      'Run this cell and every code cell below it, one by one, stopping at the first error'
    ),
    icon: fastForwardIcon,
    describedBy: cellArgs,
    isEnabled: args => fromHere(args).length > 0,
    execute: args => run(fromHere(args))
  });
  commands.addCommand(CommandIDs.rerunFrom, {
    label: args => {
      const notebook = current();
      const fix = rerunFixOf(notebook, args);
      return notebook && fix
        ? trans.__('Re-run from cell %1', cellNumber(notebook, fix.fromCellId))
        : trans.__('Re-run from the Cell That Creates the Value');
    },
    caption: trans.__(
      'Run the cell that creates the value an out-of-order cell read, and every code cell down to that cell, stopping at the first error'
    ),
    icon: redoIcon,
    describedBy: rerunArgs,
    isEnabled: args => fixCells(args).length > 0,
    execute: args => run(fixCells(args))
  });

  const verify = options.verify ?? null;
  if (verify) {
    const checkArgs = {
      args: {
        type: 'object' as const,
        properties: {
          path: {
            type: 'string',
            description: trans.__(
              'The saved notebook to check, relative to the server root (default: the notebook the panel follows, saved first)'
            )
          },
          against: {
            type: 'string',
            description: trans.__(
              'The original notebook whose fresh run the outputs must match (default: the saved outputs); with againstNotebook, how the result names it'
            )
          },
          againstNotebook: {
            type: 'object',
            description: trans.__(
              "The original notebook itself (nbformat JSON, e.g. as it was before an extraction), run fresh in the checked notebook's folder"
            )
          }
        }
      }
    };
    commands.addCommand(CommandIDs.checkReproducibility, {
      label: trans.__('Check Reproducibility'),
      caption: trans.__(
        'Save the notebook, run it top to bottom in a fresh kernel and compare every output with the saved one'
      ),
      icon: checkIcon,
      describedBy: checkArgs,
      isEnabled: args =>
        typeof args.path === 'string' ||
        (verify.path !== null && verify.entry().run === null),
      execute: args => {
        (options.showVerify ?? options.openPanel)();
        if (typeof args.path === 'string') {
          const against =
            typeof args.against === 'string' ? args.against : null;
          const original = args.againstNotebook;
          return verify.check(
            args.path,
            against,
            original && typeof original === 'object' && !Array.isArray(original)
              ? (original as PartialJSONObject)
              : null
          );
        }
        return verify.checkSource();
      }
    });
    let canCheck = false;
    verify.changed.connect(() => {
      const now = commands.isEnabled(CommandIDs.checkReproducibility);
      if (now !== canCheck) {
        canCheck = now;
        commands.notifyCommandChanged(CommandIDs.checkReproducibility);
      }
    });
  }

  // Menus and the palette re-read a command only when told its state changed.
  const watched = [
    CommandIDs.runStaleCells,
    CommandIDs.nextWarning,
    CommandIDs.rerunFrom
  ];
  let enabled = watched.map(() => false);
  options.changed.connect(() => {
    const now = watched.map(id => commands.isEnabled(id));
    watched.forEach((id, i) => {
      if (now[i] !== enabled[i]) {
        commands.notifyCommandChanged(id);
      }
    });
    enabled = now;
  });

  return [
    CommandIDs.openPanel,
    CommandIDs.showHealth,
    CommandIDs.runStaleCells,
    CommandIDs.nextWarning,
    CommandIDs.runFromHere,
    CommandIDs.rerunFrom,
    ...(verify ? [CommandIDs.checkReproducibility] : [])
  ];
}
