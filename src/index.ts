/**
 * Plugin wiring only: tokens in, model and views built, commands registered.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  IToolbarWidgetRegistry,
  Notification
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { NbRefactorClient } from './api';
import { addPanelCommands } from './commands';
import { RefactorPanel } from './components/RefactorPanel';
import { WarningStatus } from './components/WarningStatus';
import { WarningToolbarItem } from './components/WarningToolbarItem';
import { CellMarkers } from './decorations';
import { configPlugin } from './config/plugin';
import { graduatePlugin } from './graduate/plugin';
import { extractPlugin } from './extract/plugin';
import { addGraphCommands } from './graph/commands';
import { describeInKernel } from './graph/describe';
import { GraphModel } from './graph/model';
import { HealthModel } from './health';
import { refactorIcon } from './icons';
import { PanelModel } from './model';
import { addModuleCommands, ModuleWatcher } from './modules';
import { SavedNotebook } from './saved';
import { SettingsModel, settingsFrom } from './settings';
import { CommandIDs, IExecutionLogs, PLUGIN_ID } from './tokens';
import { VerifyModel } from './verify';
import { WatchedNotebook } from './watched';

const plugin: JupyterFrontEndPlugin<IExecutionLogs> = {
  id: PLUGIN_ID,
  description:
    'Shows hidden state in notebooks and moves cells into modules safely.',
  autoStart: true,
  provides: IExecutionLogs,
  requires: [INotebookTracker],
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    ILabShell,
    ISettingRegistry,
    ITranslator,
    IStatusBar,
    IToolbarWidgetRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    labShell: ILabShell | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    statusBar: IStatusBar | null,
    toolbars: IToolbarWidgetRegistry | null
  ): IExecutionLogs => {
    const trans = (translator ?? nullTranslator).load('jupyter_nbrefactor');
    const client = new NbRefactorClient(app.serviceManager.serverSettings);
    const settings = new SettingsModel();
    const model = new PanelModel();
    const health = new HealthModel({ client });
    const verify = new VerifyModel({
      client,
      timeout: () => settings.value.verifyTimeout
    });

    const watched = new WeakMap<NotebookPanel, WatchedNotebook>();
    const watch = (panel: NotebookPanel): WatchedNotebook => {
      let notebook = watched.get(panel);
      if (!notebook) {
        notebook = new WatchedNotebook(panel, { client, settings });
        const markers = new CellMarkers(panel.content, notebook.tracker, trans);
        const modules = new ModuleWatcher({
          contents: app.serviceManager.contents,
          tracker: notebook.tracker,
          notebookPath: () => panel.context.path
        });
        panel.disposed.connect(() => {
          markers.dispose();
          modules.dispose();
        });
        watched.set(panel, notebook);
      }
      return notebook;
    };
    notebooks.widgetAdded.connect((_, panel) => watch(panel));
    notebooks.forEach(panel => watch(panel));
    const follow = (panel: NotebookPanel | null) => {
      model.setNotebook(panel ? watch(panel) : null);
      health.setSource(panel ? new SavedNotebook(panel, app.commands) : null);
      verify.setSource(panel ? new SavedNotebook(panel, app.commands) : null);
    };
    notebooks.currentChanged.connect((_, panel) => follow(panel));
    follow(notebooks.currentWidget);

    const graph = new GraphModel({
      client,
      describe: (notebook, names) =>
        notebook instanceof WatchedNotebook
          ? describeInKernel(
              notebook.panel.sessionContext.session?.kernel ?? null,
              names
            )
          : Promise.resolve(null)
    });
    model.changed.connect(() => graph.setNotebook(model.notebook));
    graph.setNotebook(model.notebook);
    notebooks.activeCellChanged.connect(() =>
      graph.setActiveCell(model.notebook?.activeCellId ?? null)
    );
    const panel = new RefactorPanel(
      model,
      trans,
      app.commands,
      health,
      verify,
      graph
    );
    panel.id = 'jp-nbrefactor-panel';
    panel.title.icon = refactorIcon;
    panel.title.caption = trans.__('Notebook refactor');
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);

    const openPanel = () => {
      if (labShell) {
        labShell.activateById(panel.id);
      } else {
        app.shell.activateById(panel.id);
      }
    };
    const commands = addPanelCommands(app.commands, {
      current: () => model.notebook,
      changed: model.changed,
      trans,
      openPanel,
      showHealth: () => {
        openPanel();
        panel.showTab('health');
      },
      verify,
      showVerify: () => {
        openPanel();
        panel.showTab('warnings');
      }
    });
    // Both act on the active cell by default.
    notebooks.activeCellChanged.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.runFromHere);
      app.commands.notifyCommandChanged(CommandIDs.rerunFrom);
    });
    commands.push(
      ...addModuleCommands(app.commands, {
        current: () => model.notebook,
        kernel: () =>
          model.notebook instanceof WatchedNotebook
            ? (model.notebook.panel.sessionContext.session?.kernel ?? null)
            : null,
        changed: model.changed,
        trans,
        notifyError: message => Notification.error(message, { autoClose: 8000 })
      })
    );
    commands.push(
      ...addGraphCommands(app.commands, {
        client,
        current: () => model.notebook,
        trans,
        restart: async () =>
          (await app.commands.execute('notebook:restart-kernel')) === true,
        show: view => {
          openPanel();
          panel.showTab(view);
        }
      })
    );
    const category = trans.__('Notebook Refactor');
    for (const command of commands) {
      palette?.addItem({ command, category });
    }

    // The notebook toolbar shows the count too: Notebook 7 has no status bar.
    toolbars?.addFactory<NotebookPanel>(
      'Notebook',
      'nbrefactor-warnings',
      panel => new WarningToolbarItem(watch(panel), trans, openPanel)
    );

    if (statusBar) {
      const item = new WarningStatus(model, trans, openPanel);
      statusBar.registerStatusItem(`${PLUGIN_ID}:warnings`, {
        item,
        align: 'left',
        rank: 5,
        isActive: () => model.notebook !== null,
        activeStateChanged: model.changed
      });
    }

    settingRegistry
      ?.load(PLUGIN_ID)
      .then(registry => {
        const update = () => settings.update(settingsFrom(registry.composite));
        update();
        registry.changed.connect(update);
      })
      .catch(reason => {
        console.error('jupyter-nbrefactor: failed to load settings.', reason);
      });

    return {
      recordReplacement: (notebook, newCellId, replacedIds, source) =>
        notebook instanceof NotebookPanel
          ? watch(notebook).tracker.recordReplacement(
              newCellId,
              replacedIds,
              source
            )
          : () => undefined
    };
  }
};

export default [plugin, extractPlugin, configPlugin, graduatePlugin];
