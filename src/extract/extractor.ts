/**
 * One extraction, start to end: the dialog, then the server's apply, the one
 * undoable notebook edit, the silent kernel reload, the notification and,
 * when asked, the fresh-kernel verification of the saved result.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { JSONExt } from '@lumino/coreutils';

import { NbRefactorClient } from '../api';
import { CommandIDs, IExecutionLogs, NbRefactorAPI } from '../tokens';
import { IVerifyRecord } from '../verify';
import { resultSummary } from '../verifyText';
import { ExtractBody, ExtractDialog, Highlighter } from './dialog';
import { ExtractModel } from './model';
import { moduleFolder, modulePathFor, suggestName } from './naming';
import {
  IExtractionTarget,
  isLastUndoStep,
  notebookForPlan,
  replaceCells,
  revealCell,
  serverPath,
  sourcesOf
} from './notebook';
import { IExtractSettings } from './settings';

export namespace Extractor {
  export interface IOptions {
    client: NbRefactorClient;
    commands: CommandRegistry;
    contents: Contents.IManager;
    trans: TranslationBundle;
    settings: () => IExtractSettings;
    highlight: Highlighter | null;
    /** The sidebar's execution logs, told that the new cell replaces the old ones. */
    logs?: IExecutionLogs | null;
  }
}

export class Extractor {
  constructor(options: Extractor.IOptions) {
    this._options = options;
  }

  /** Show the dialog for the selection; apply when accepted. */
  async run(
    mode: NbRefactorAPI.ExtractMode,
    panel: NotebookPanel,
    target: IExtractionTarget
  ): Promise<void> {
    const notebookModel = panel.content.model;
    if (!notebookModel) {
      return;
    }
    const { trans } = this._options;
    const settings = this._options.settings();
    const cells = Array.from(notebookModel.cells, cell => ({
      cell_type: cell.type,
      source: cell.sharedModel.getSource()
    }));
    const model = new ExtractModel({
      client: this._options.client,
      mode,
      path: target.path,
      cells: target.cells,
      notebook: () => notebookForPlan(notebookModel),
      name: suggestName(cells, target.cells),
      module:
        this._lastModule.get(target.path) ??
        modulePathFor(settings.moduleTemplate, target.path),
      debounceMs: settings.planDelayMs
    });
    const body = new ExtractBody({
      model,
      trans,
      highlight: this._options.highlight
    });
    body.revealRequested.connect((_, location) => {
      void revealCell(panel.content, location.cell, location.line);
    });
    const dialog = new ExtractDialog({
      model,
      body,
      trans,
      title:
        mode === 'function'
          ? trans.__('Extract Function')
          : trans.__('Move to Module'),
      acceptLabel: mode === 'function' ? trans.__('Extract') : trans.__('Move')
    });
    void this._existingModules(target.path, model.module).then(modules =>
      body.setModules(modules)
    );
    void model.planNow();
    // The dialog disposes itself once it resolves.
    const launched = dialog.launch();
    try {
      const result = await launched;
      if (result.button.accept && model.canApply) {
        this._lastModule.set(target.path, model.module.trim());
        await this._apply(panel, model);
      }
    } finally {
      model.dispose();
    }
  }

  /** Write the module, replace the cells, make the kernel see the module, say so. */
  private async _apply(
    panel: NotebookPanel,
    model: ExtractModel
  ): Promise<void> {
    const { trans } = this._options;
    const notebookModel = panel.content.model;
    const request = model.applyRequest();
    if (!notebookModel || !request) {
      return;
    }
    const before = sourcesOf(notebookModel, model.cells);
    const replacedIds = model.cells.map(i => notebookModel.cells.get(i).id);
    let result: NbRefactorAPI.IApplyResult;
    try {
      result = await this._options.client.applyExtraction(request);
    } catch (reason) {
      Notification.error(
        trans.__(
          'Nothing was extracted: %1',
          reason instanceof Error ? reason.message : String(reason)
        )
      );
      return;
    }
    if (result.refused || !result.written || result.replacement === null) {
      Notification.error(
        trans.__('Nothing was extracted: %1', result.refused ?? '')
      );
      return;
    }
    if (!JSONExt.deepEqual(before, sourcesOf(notebookModel, model.cells))) {
      Notification.warning(
        trans.__(
          '%1 was written, but the selected cells changed meanwhile: they were left as they are.',
          result.written
        )
      );
      return;
    }
    const step = replaceCells(notebookModel, model.cells, result.replacement);
    this._options.logs?.recordReplacement(
      panel,
      notebookModel.cells.get(model.cells[0]).id,
      replacedIds,
      result.replacement
    );
    const notebook = panel.content;
    notebook.deselectAll();
    notebook.activeCellIndex = model.cells[0];
    // Focus back in the notebook, so its undo shortcuts reach it.
    notebook.mode = 'command';
    notebook.activate();
    const reloaded = await this._reloadInKernel(panel, result.kernel_code);
    const written = result.written;
    const message =
      model.mode === 'function'
        ? trans._n(
            'Moved %1 cell into %2, function %3.',
            'Moved %1 cells into %2, function %3.',
            model.cells.length,
            written,
            model.name
          )
        : trans._n(
            'Moved %1 cell into %2.',
            'Moved %1 cells into %2.',
            model.cells.length,
            written
          );
    const undo: Notification.IAction = {
      label: trans.__('Undo'),
      caption: trans.__(
        'Bring the original cells back (the module stays as written)'
      ),
      callback: () => {
        if (isLastUndoStep(notebookModel, step)) {
          NotebookActions.undo(notebook);
        } else {
          Notification.warning(
            trans.__(
              'The notebook changed since the extraction: use Edit › Undo until the cells are back.'
            )
          );
        }
      }
    };
    const canVerify = this._options.commands.hasCommand(
      CommandIDs.checkReproducibility
    );
    const verifyNow = canVerify && this._options.settings().verifyAfterExtract;
    const actions: Notification.IAction[] = [
      {
        label: trans.__('Open module'),
        caption: trans.__('Open %1', written),
        callback: () => {
          void this._options.commands.execute('docmanager:open', {
            path: written
          });
        }
      }
    ];
    if (canVerify && !verifyNow) {
      actions.push({
        label: trans.__('Verify'),
        caption: trans.__(
          'Save the notebook and run it in a fresh kernel: every output must match the saved ones (the replacement cell keeps the outputs of the cells it replaced)'
        ),
        callback: () => void this.verify(panel, undo)
      });
    }
    actions.push(undo);
    Notification.success(message, { autoClose: 10000, actions });
    if (verifyNow) {
      void this.verify(panel, undo);
    }
    if (!reloaded) {
      Notification.warning(
        trans.__(
          'The kernel could not reload %1: restart it before running the new cell.',
          written
        )
      );
    }
  }

  /**
   * Save the notebook and check it in a fresh kernel, its outputs against
   * the saved ones (the server's apply keeps no copy of the notebook as it
   * was, so there is no original to run). Says how it went; a check that
   * found differences or failed offers `undo`. Resolves with the record, or
   * null when the check did not finish.
   */
  async verify(
    panel: NotebookPanel,
    undo: Notification.IAction
  ): Promise<IVerifyRecord | null> {
    const { trans, commands } = this._options;
    const path = serverPath(panel.context);
    if (path === null) {
      return null;
    }
    try {
      await panel.context.save();
    } catch (reason) {
      Notification.error(
        trans.__(
          'Could not save the notebook to verify it: %1',
          reason instanceof Error ? reason.message : String(reason)
        )
      );
      return null;
    }
    const record = (await commands.execute(CommandIDs.checkReproducibility, {
      path
    })) as IVerifyRecord | null;
    if (!record) {
      Notification.warning(
        trans.__(
          'The verification did not finish: the Notebook refactor panel says why.'
        )
      );
      return null;
    }
    const summary = resultSummary(record.result, record.against, trans);
    if (record.result.verdict === 'same') {
      Notification.success(trans.__('Verified: %1', summary), {
        autoClose: 10000
      });
    } else {
      Notification.error(trans.__('Verification: %1', summary), {
        autoClose: false,
        actions: [undo]
      });
    }
    return record;
  }

  /**
   * Run the server's reload code silently (no history, no execution count),
   * so the kernel imports the module's new text. False when it failed.
   */
  private async _reloadInKernel(
    panel: NotebookPanel,
    code: string | null
  ): Promise<boolean> {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel || !code) {
      return true;
    }
    try {
      const reply = await kernel.requestExecute({
        code,
        silent: true,
        store_history: false,
        allow_stdin: false,
        stop_on_error: false
      }).done;
      return reply.content.status === 'ok';
    } catch {
      return false;
    }
  }

  /** The `.py` modules already in the default module's folder, relative to the notebook. */
  private async _existingModules(
    notebookPath: string,
    module: string
  ): Promise<string[]> {
    const folder = moduleFolder(module);
    const notebookFolder = notebookPath.split('/').slice(0, -1).join('/');
    const listed = [notebookFolder, folder].filter(p => p.length > 0).join('/');
    try {
      const listing = await this._options.contents.get(listed, {
        content: true,
        type: 'directory'
      });
      return (listing.content as Contents.IModel[])
        .filter(
          item =>
            item.type === 'file' &&
            item.name.endsWith('.py') &&
            item.name !== '__init__.py'
        )
        .map(item => (folder ? `${folder}/${item.name}` : item.name))
        .sort();
    } catch {
      return [];
    }
  }

  private _options: Extractor.IOptions;
  /** The module last extracted into, per notebook: offered again next time. */
  private _lastModule = new Map<string, string>();
}
