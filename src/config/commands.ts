/**
 * The "Move Parameters to Config…" command, enabled for a notebook saved on
 * the server.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { refactorIcon } from '../icons';
import { INotebookPanelLike, serverPath } from '../extract/notebook';

/** Plugin id, also the id of its settings (schema/config.json). */
export const CONFIG_PLUGIN_ID = 'jupyter-nbrefactor:config';

export namespace ConfigCommandIDs {
  export const moveParameters = 'nbrefactor:move-parameters-to-config';
}

export interface IConfigCommandOptions<P extends INotebookPanelLike> {
  current: () => P | null;
  trans: TranslationBundle;
  launch: (panel: P) => Promise<void>;
}

/** Register the command. */
export function addConfigCommands<P extends INotebookPanelLike>(
  commands: CommandRegistry,
  options: IConfigCommandOptions<P>
): void {
  const { trans } = options;
  const target = () => {
    const panel = options.current();
    return panel && panel.content.model && serverPath(panel.context) !== null
      ? panel
      : null;
  };
  commands.addCommand(ConfigCommandIDs.moveParameters, {
    label: trans.__('Move Parameters to Config…'),
    caption: trans.__(
      'Move hard-coded parameters (data paths, split sizes, seeds, model settings) into config.yaml, which the notebook loads'
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
