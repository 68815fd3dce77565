/**
 * The extraction plugin: wires the "Extract Function…" and "Move to Module…"
 * commands to the notebook tracker, the palette and the settings.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { NbRefactorClient } from '../api';
import { IExecutionLogs } from '../tokens';
import {
  addExtractCommands,
  EXTRACT_PLUGIN_ID,
  ExtractCommandIDs
} from './commands';
import type { Highlighter } from './dialog';
import type { Extractor } from './extractor';
import { DEFAULT_EXTRACT_SETTINGS, extractSettingsFrom } from './settings';

export const extractPlugin: JupyterFrontEndPlugin<void> = {
  id: EXTRACT_PLUGIN_ID,
  description:
    'Extract Function… and Move to Module…: move notebook cells into a module, as one undoable edit.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [
    ICommandPalette,
    ISettingRegistry,
    ITranslator,
    IEditorLanguageRegistry,
    IExecutionLogs
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    languages: IEditorLanguageRegistry | null,
    logs: IExecutionLogs | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_nbrefactor');
    let settings = DEFAULT_EXTRACT_SETTINGS;
    const highlight: Highlighter | null = languages
      ? (code, node) =>
          languages.highlight(code, languages.findBest('python'), node)
      : null;
    // The dialog and its React views load on the first extraction, not at start.
    let extractor: Promise<Extractor> | null = null;
    const getExtractor = () =>
      (extractor ??= import('./extractor').then(
        ({ Extractor }) =>
          new Extractor({
            client: new NbRefactorClient(app.serviceManager.serverSettings),
            commands: app.commands,
            contents: app.serviceManager.contents,
            trans,
            settings: () => settings,
            highlight,
            logs
          })
      ));

    addExtractCommands(app.commands, {
      current: () => notebooks.currentWidget,
      trans,
      launch: async (mode, panel, target) =>
        (await getExtractor()).run(mode, panel, target)
    });
    const ids = [
      ExtractCommandIDs.extractFunction,
      ExtractCommandIDs.moveToModule
    ];
    const refresh = () => {
      for (const id of ids) {
        app.commands.notifyCommandChanged(id);
      }
    };
    notebooks.currentChanged.connect(refresh);
    notebooks.activeCellChanged.connect(refresh);
    notebooks.selectionChanged.connect(refresh);

    const category = trans.__('Notebook Refactor');
    for (const command of ids) {
      palette?.addItem({ command, category });
    }

    settingRegistry
      ?.load(EXTRACT_PLUGIN_ID)
      .then(registry => {
        const update = () => {
          settings = extractSettingsFrom(registry.composite);
        };
        update();
        registry.changed.connect(update);
      })
      .catch(reason => {
        console.error(
          'jupyter-nbrefactor: failed to load the extraction settings.',
          reason
        );
      });
  }
};
