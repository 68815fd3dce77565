/**
 * Plugin wiring only: tokens in, model and views built, commands registered.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { RefactorPanel } from './components/RefactorPanel';
import { refactorIcon } from './icons';
import { PanelModel } from './model';
import { CommandIDs, INbRefactorPanelModel, PLUGIN_ID } from './tokens';
import { WatchedNotebook } from './watched';

const plugin: JupyterFrontEndPlugin<PanelModel> = {
  id: PLUGIN_ID,
  description:
    'Shows hidden state in notebooks and moves cells into modules safely.',
  autoStart: true,
  provides: INbRefactorPanelModel,
  requires: [INotebookTracker],
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    ILabShell,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    labShell: ILabShell | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): PanelModel => {
    const trans = (translator ?? nullTranslator).load('jupyter_nbrefactor');
    const model = new PanelModel();

    const watched = new WeakMap<NotebookPanel, WatchedNotebook>();
    const follow = (panel: NotebookPanel | null) => {
      if (panel && !watched.has(panel)) {
        watched.set(panel, new WatchedNotebook(panel));
      }
      model.setNotebook(panel ? watched.get(panel)! : null);
    };
    notebooks.currentChanged.connect((_, panel) => follow(panel));
    follow(notebooks.currentWidget);

    const panel = new RefactorPanel(model, trans);
    panel.id = 'jp-nbrefactor-panel';
    panel.title.icon = refactorIcon;
    panel.title.caption = trans.__('Notebook refactor');
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open the Notebook Refactor Panel'),
      caption: trans.__(
        'Show execution order, hidden-state warnings and refactoring tools'
      ),
      icon: refactorIcon,
      execute: () => {
        if (labShell) {
          labShell.activateById(panel.id);
        } else {
          app.shell.activateById(panel.id);
        }
      }
    });
    palette?.addItem({
      command: CommandIDs.openPanel,
      category: trans.__('Notebook Refactor')
    });

    settingRegistry?.load(PLUGIN_ID).catch(reason => {
      console.error('jupyter-nbrefactor: failed to load settings.', reason);
    });

    return model;
  }
};

export default plugin;
