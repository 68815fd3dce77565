/**
 * The "Graduate Notebook…" command, enabled for a notebook saved on the server.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { refactorIcon } from '../icons';
import { INotebookPanelLike, serverPath } from '../extract/notebook';

/** Plugin id, also the id of its settings (schema/graduate.json). */
export const GRADUATE_PLUGIN_ID = 'jupyter-nbrefactor:graduate';

export namespace GraduateCommandIDs {
  export const graduate = 'nbrefactor:graduate-notebook';
}

export interface IGraduateCommandOptions<P extends INotebookPanelLike> {
  current: () => P | null;
  trans: TranslationBundle;
  launch: (panel: P) => Promise<void>;
}

/** Register the command. */
export function addGraduateCommands<P extends INotebookPanelLike>(
  commands: CommandRegistry,
  options: IGraduateCommandOptions<P>
): void {
  const { trans } = options;
  const target = () => {
    const panel = options.current();
    return panel && panel.content.model && serverPath(panel.context) !== null
      ? panel
      : null;
  };
  commands.addCommand(GraduateCommandIDs.graduate, {
    label: trans.__('Graduate Notebook…'),
    caption: trans.__(
      'Turn the notebook’s sections into src/ modules and a scripts/train.py with a command line; the notebook becomes a short driver'
    ),
    icon: refactorIcon,
    describedBy: { args: { type: 'object', properties: {} } },
    isEnabled: () => target() !== null,
    execute: () => {
      const panel = target();
      return panel ? options.launch(panel) : undefined;
    }
  });
}
