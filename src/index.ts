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
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  caretDownIcon,
  codeCheckIcon,
  runIcon
} from '@jupyterlab/ui-components';

import { NbRefactorClient } from './api';
import { RefactorPanel } from './components/RefactorPanel';
import { WarningStatus } from './components/WarningStatus';
import { CellMarkers } from './decorations';
import { extractPlugin } from './extract/plugin';
import { staleCellIds } from './findings';
import { HealthModel } from './health';
import { refactorIcon } from './icons';
import { PanelModel } from './model';
import { SavedNotebook } from './saved';
import { SettingsModel, settingsFrom } from './settings';
import { CommandIDs, IExecutionLogs, PLUGIN_ID } from './tokens';
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
    IStatusBar
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    labShell: ILabShell | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    statusBar: IStatusBar | null
  ): IExecutionLogs => {
    const trans = (translator ?? nullTranslator).load('jupyter_nbrefactor');
    const client = new NbRefactorClient(app.serviceManager.serverSettings);
    const settings = new SettingsModel();
    const model = new PanelModel();
    const health = new HealthModel({ client });

    const watched = new WeakMap<NotebookPanel, WatchedNotebook>();
    const watch = (panel: NotebookPanel): WatchedNotebook => {
      let notebook = watched.get(panel);
      if (!notebook) {
        notebook = new WatchedNotebook(panel, { client, settings });
        const markers = new CellMarkers(panel.content, notebook.tracker, trans);
        panel.disposed.connect(() => markers.dispose());
        watched.set(panel, notebook);
      }
      return notebook;
    };
    notebooks.widgetAdded.connect((_, panel) => watch(panel));
    notebooks.forEach(panel => watch(panel));
    const follow = (panel: NotebookPanel | null) => {
      model.setNotebook(panel ? watch(panel) : null);
      health.setSource(panel ? new SavedNotebook(panel, app.commands) : null);
    };
    notebooks.currentChanged.connect((_, panel) => follow(panel));
    follow(notebooks.currentWidget);

    const panel = new RefactorPanel(model, trans, app.commands, health);
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
    const current = () => model.notebook;
    const hasWarnings = () => (current()?.tracker.warnings.length ?? 0) > 0;
    const noArgs = { args: { type: 'object' as const, properties: {} } };

    app.commands.addCommand(CommandIDs.showHealth, {
      label: trans.__('Show Notebook Health Report'),
      caption: trans.__(
        'Lines of code, module-level names, out-of-order cells, duplicated code and the cells worth moving into functions'
      ),
      icon: codeCheckIcon,
      describedBy: noArgs,
      execute: () => {
        openPanel();
        panel.showTab('health');
      }
    });

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open the Notebook Refactor Panel'),
      caption: trans.__(
        'Show execution order, hidden-state warnings and refactoring tools'
      ),
      icon: refactorIcon,
      describedBy: noArgs,
      execute: openPanel
    });
    app.commands.addCommand(CommandIDs.runStaleCells, {
      label: trans.__('Run Stale Cells'),
      caption: trans.__(
        'Run every stale cell, and the cells that used their results, once, in notebook order'
      ),
      icon: runIcon,
      describedBy: noArgs,
      isEnabled: () => {
        const notebook = current();
        return (
          !!notebook &&
          staleCellIds(notebook.tracker.warnings, notebook.tracker.cells())
            .length > 0
        );
      },
      execute: () => current()?.runStaleCells()
    });
    app.commands.addCommand(CommandIDs.nextWarning, {
      label: trans.__('Go to Next Warning'),
      caption: trans.__(
        'Select the next cell below with an execution-order warning'
      ),
      icon: caretDownIcon,
      describedBy: noArgs,
      isEnabled: hasWarnings,
      execute: () => current()?.revealNextWarning()
    });
    // Menus and the palette re-read a command only when its state flips.
    let enabled = [false, false];
    model.changed.connect(() => {
      const now = [
        app.commands.isEnabled(CommandIDs.runStaleCells),
        app.commands.isEnabled(CommandIDs.nextWarning)
      ];
      if (now[0] !== enabled[0]) {
        app.commands.notifyCommandChanged(CommandIDs.runStaleCells);
      }
      if (now[1] !== enabled[1]) {
        app.commands.notifyCommandChanged(CommandIDs.nextWarning);
      }
      enabled = now;
    });

    const category = trans.__('Notebook Refactor');
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.showHealth,
      CommandIDs.runStaleCells,
      CommandIDs.nextWarning
    ]) {
      palette?.addItem({ command, category });
    }

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
      recordReplacement: (notebook, newCellId, replacedIds, source) => {
        if (notebook instanceof NotebookPanel) {
          watch(notebook).tracker.recordReplacement(
            newCellId,
            replacedIds,
            source
          );
        }
      }
    };
  }
};

export default [plugin, extractPlugin];
