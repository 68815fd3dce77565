/**
 * The config plugin: wires "Move Parameters to Config…" to the notebook
 * tracker, the palette, the notebook context menu (schema/config.json) and
 * the setting `configPath`.
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
import {
  addConfigCommands,
  CONFIG_PLUGIN_ID,
  ConfigCommandIDs
} from './commands';
import type { Configurer } from './configurer';

export const configPlugin: JupyterFrontEndPlugin<void> = {
  id: CONFIG_PLUGIN_ID,
  description:
    'Move Parameters to Config…: hard-coded parameters into config.yaml, as one undoable edit.',
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
    let configPath = 'config.yaml';
    // The dialog loads on first use, not at start.
    let configurer: Promise<Configurer> | null = null;
    const getConfigurer = () =>
      (configurer ??= import('./configurer').then(
        ({ Configurer }) =>
          new Configurer({
            client: new NbRefactorClient(app.serviceManager.serverSettings),
            trans,
            configPath: () => configPath
          })
      ));
    addConfigCommands(app.commands, {
      current: () => notebooks.currentWidget,
      trans,
      launch: async panel => (await getConfigurer()).run(panel)
    });
    const refresh = () =>
      app.commands.notifyCommandChanged(ConfigCommandIDs.moveParameters);
    notebooks.currentChanged.connect(refresh);
    palette?.addItem({
      command: ConfigCommandIDs.moveParameters,
      category: trans.__('Notebook Refactor')
    });
    settingRegistry
      ?.load(CONFIG_PLUGIN_ID)
      .then(registry => {
        const update = () => {
          const value = registry.composite.configPath;
          configPath =
            typeof value === 'string' && value.trim() ? value : 'config.yaml';
        };
        update();
        registry.changed.connect(update);
      })
      .catch(reason => {
        console.error(
          'jupyter-nbrefactor: failed to load the config settings.',
          reason
        );
      });
  }
};
