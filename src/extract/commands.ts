/**
 * The two extraction commands, enabled only for a selection of code cells in
 * a notebook saved on the server.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { pythonIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';

import { refactorIcon } from '../icons';
import { NbRefactorAPI } from '../tokens';
import {
  extractionTarget,
  IExtractionTarget,
  INotebookPanelLike
} from './notebook';

/** Plugin id, also the id of its settings (schema/extract.json). */
export const EXTRACT_PLUGIN_ID = 'jupyter-nbrefactor:extract';

export namespace ExtractCommandIDs {
  export const extractFunction = 'nbrefactor:extract-function';
  export const moveToModule = 'nbrefactor:move-to-module';
}

export namespace ExtractCommands {
  export interface IOptions<P extends INotebookPanelLike> {
    /** The notebook the commands act on. */
    current: () => P | null;
    trans: TranslationBundle;
    /** Open the dialog for the selection. */
    launch: (
      mode: NbRefactorAPI.ExtractMode,
      panel: P,
      target: IExtractionTarget
    ) => Promise<void>;
  }
}

/** Register the two commands. */
export function addExtractCommands<P extends INotebookPanelLike>(
  commands: CommandRegistry,
  options: ExtractCommands.IOptions<P>
): void {
  const { trans } = options;
  const noArgs = { args: { type: 'object' as const, properties: {} } };
  const isEnabled = () => extractionTarget(options.current()) !== null;
  const execute = (mode: NbRefactorAPI.ExtractMode) => () => {
    const panel = options.current();
    const target = extractionTarget(panel);
    return panel && target ? options.launch(mode, panel, target) : undefined;
  };
  commands.addCommand(ExtractCommandIDs.extractFunction, {
    label: trans.__('Extract Function…'),
    caption: trans.__(
      'Move the selected code cells into a function in a module, and call it from one cell'
    ),
    icon: refactorIcon,
    describedBy: noArgs,
    isEnabled,
    execute: execute('function')
  });
  commands.addCommand(ExtractCommandIDs.moveToModule, {
    label: trans.__('Move to Module…'),
    caption: trans.__(
      'Move the selected imports, functions, classes and constants into a module, and import them from one cell'
    ),
    icon: pythonIcon,
    describedBy: noArgs,
    isEnabled,
    execute: execute('module')
  });
}
