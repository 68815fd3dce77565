/**
 * Runs along the graph: Run Cell with Upstream, Run Cell and Downstream,
 * Restart Kernel and Run to Selected Cell; and the commands showing the
 * Dependency and Variables views. Which cells to run is the server's answer
 * (`POST graph` with `cell_id`); they run one by one in notebook order and
 * stop at the first error (`IWatchedNotebook.runCells`, runner.ts).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  fastForwardIcon,
  listIcon,
  refreshIcon,
  runIcon,
  tableRowsIcon
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { NbRefactorClient } from '../api';
import { codeCellsFrom } from '../findings';
import { IWatchedNotebook } from '../model';
import { CommandIDs, NbRefactorAPI } from '../tokens';

export namespace GraphCommands {
  export interface IOptions {
    client: NbRefactorClient;
    /** The notebook the commands act on, or null. */
    current: () => IWatchedNotebook | null;
    trans: TranslationBundle;
    /** Restart the current notebook's kernel (asking the person); resolves whether it restarted. */
    restart: () => Promise<boolean>;
    /** Show the panel on the Dependency or Variables view. */
    show: (view: 'dependencies' | 'variables') => void;
  }
}

/** The cell the command targets: `args.cellId`, else the active cell; a code cell, or null. */
export function targetCell(
  notebook: IWatchedNotebook | null,
  args: ReadonlyPartialJSONObject
): string | null {
  if (!notebook) {
    return null;
  }
  const id =
    typeof args.cellId === 'string' ? args.cellId : notebook.activeCellId;
  const cell = notebook.tracker.cells().find(c => c.id === id);
  return cell && cell.cell_type === 'code' ? cell.id : null;
}

/** What Run Cell with Upstream and Run Cell and Downstream run, in notebook order. */
export async function cellsToRun(
  client: NbRefactorClient,
  notebook: IWatchedNotebook,
  cellId: string,
  direction: 'upstream' | 'downstream'
): Promise<string[]> {
  const request: NbRefactorAPI.IGraphRequest = {
    cells: notebook.tracker.cells(),
    language: notebook.tracker.language ?? undefined,
    cell_id: cellId
  };
  const graph = await client.graph(request);
  return direction === 'upstream'
    ? [...(graph.upstream ?? []), cellId]
    : [cellId, ...(graph.downstream ?? [])];
}

/** Register the commands; answers the ids the palette should list. */
export function addGraphCommands(
  commands: CommandRegistry,
  options: GraphCommands.IOptions
): string[] {
  const { client, current, trans } = options;
  const cellArgs = {
    args: {
      type: 'object' as const,
      properties: {
        cellId: {
          type: 'string',
          description: trans.__('The target cell (default: the active cell)')
        }
      }
    }
  };
  const noArgs = { args: { type: 'object' as const, properties: {} } };
  // Upstream and downstream need the dataflow: Python notebooks only.
  const understood = (args: ReadonlyPartialJSONObject) => {
    const notebook = current();
    return (
      targetCell(notebook, args) !== null &&
      notebook!.kernelName !== null &&
      notebook!.tracker.notice === null
    );
  };
  const along = async (
    args: ReadonlyPartialJSONObject,
    direction: 'upstream' | 'downstream'
  ) => {
    const notebook = current();
    const target = targetCell(notebook, args);
    if (!notebook || !target) {
      return false;
    }
    return notebook.runCells(
      await cellsToRun(client, notebook, target, direction)
    );
  };

  commands.addCommand(CommandIDs.runWithUpstream, {
    label: trans.__('Run Cell with Upstream'),
    caption: trans.__(
      'Run the cells above that this cell needs, then this cell, one by one in notebook order, stopping at the first error'
    ),
    icon: runIcon,
    describedBy: cellArgs,
    isEnabled: understood,
    execute: args => along(args, 'upstream')
  });
  commands.addCommand(CommandIDs.runDownstream, {
    label: trans.__('Run Cell and Downstream'),
    caption: trans.__(
      'Run this cell, then the cells below that use its results, one by one in notebook order, stopping at the first error'
    ),
    icon: fastForwardIcon,
    describedBy: cellArgs,
    isEnabled: understood,
    execute: args => along(args, 'downstream')
  });
  commands.addCommand(CommandIDs.restartRunToSelected, {
    label: trans.__('Restart Kernel and Run to Selected Cell'),
    caption: trans.__(
      'Restart the kernel, then run every code cell from the top down to this one, one by one, stopping at the first error'
    ),
    icon: refreshIcon,
    describedBy: cellArgs,
    isEnabled: args => {
      const notebook = current();
      return (
        targetCell(notebook, args) !== null && notebook!.kernelName !== null
      );
    },
    execute: async args => {
      const notebook = current();
      const target = targetCell(notebook, args);
      if (!notebook || !target) {
        return false;
      }
      const cells = notebook.tracker.cells();
      if (!(await options.restart())) {
        return false;
      }
      return notebook.runCells(codeCellsFrom(cells, cells[0].id, target));
    }
  });
  commands.addCommand(CommandIDs.showDependencies, {
    label: trans.__('Show Cell Dependencies'),
    caption: trans.__(
      'Show which cells feed which: the code cells in order, linked from producer to reader'
    ),
    icon: listIcon,
    describedBy: noArgs,
    execute: () => options.show('dependencies')
  });
  commands.addCommand(CommandIDs.showVariables, {
    label: trans.__('Show Notebook Variables'),
    caption: trans.__(
      'Show every module-level name: where it is defined and read, its status and type'
    ),
    icon: tableRowsIcon,
    describedBy: noArgs,
    execute: () => options.show('variables')
  });
  return [
    CommandIDs.runWithUpstream,
    CommandIDs.runDownstream,
    CommandIDs.restartRunToSelected,
    CommandIDs.showDependencies,
    CommandIDs.showVariables
  ];
}
