/**
 * The graduate plugin: wires "Graduate Notebook…" to the notebook tracker, the
 * palette, the File menu (schema/graduate.json) and the setting `scriptPath`.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { NbRefactorClient } from '../api';
import { CommandIDs } from '../tokens';
import {
  addGraduateCommands,
  GRADUATE_PLUGIN_ID,
  GraduateCommandIDs
} from './commands';
import type { Graduator } from './graduator';

export const graduatePlugin: JupyterFrontEndPlugin<void> = {
  id: GRADUATE_PLUGIN_ID,
  description:
    'Graduate Notebook…: sections into src/ modules and a scripts/train.py, as one undoable edit.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_nbrefactor');
    let scriptPath = 'scripts/train.py';
    // The wizard loads on first use, not at start.
    let graduator: Promise<Graduator> | null = null;
    const getGraduator = () =>
      (graduator ??= import('./graduator').then(
        ({ Graduator }) =>
          new Graduator({
            client: new NbRefactorClient(app.serviceManager.serverSettings),
            trans,
            scriptPath: () => scriptPath,
            open: path => {
              void app.commands.execute('docmanager:open', { path });
            },
            verify: () =>
              app.commands.hasCommand(CommandIDs.checkReproducibility)
                ? () => app.commands.execute(CommandIDs.checkReproducibility)
                : null
          })
      ));
    addGraduateCommands(app.commands, {
      current: () => notebooks.currentWidget,
      trans,
      launch: async panel => (await getGraduator()).run(panel)
    });
    const refresh = () =>
      app.commands.notifyCommandChanged(GraduateCommandIDs.graduate);
    notebooks.currentChanged.connect(refresh);
    palette?.addItem({
      command: GraduateCommandIDs.graduate,
      category: trans.__('Notebook Refactor')
    });
    settingRegistry
      ?.load(GRADUATE_PLUGIN_ID)
      .then(registry => {
        const update = () => {
          const value = registry.composite.scriptPath;
          scriptPath =
            typeof value === 'string' && value.trim()
              ? value
              : 'scripts/train.py';
        };
        update();
        registry.changed.connect(update);
      })
      .catch(reason => {
        console.error(
          'jupyter-nbrefactor: failed to load the graduate settings.',
          reason
        );
      });
  }
};
