/**
 * One extraction, start to end: the dialog, then the server's apply, the one
 * undoable notebook edit, the silent kernel reload, the notification and,
 * when asked, the fresh-kernel verification of the saved result.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { JSONExt, PartialJSONObject } from '@lumino/coreutils';

import { NbRefactorClient, type NbRefactorError } from '../api';
import { CommandIDs, IExecutionLogs, NbRefactorAPI } from '../tokens';
import { IVerifyRecord } from '../verify';
import { resultSummary } from '../verifyText';
import { ExtractBody, ExtractDialog, Highlighter } from './dialog';
import { ExtractModel } from './model';
import {
  IExtractionTarget,
  notebookForPlan,
  onUndo,
  replaceCells,
  revealCell,
  serverPath,
  sourcesOf,
  undoIfLast
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
    const suggestion = await this._suggest(panel, target, settings);
    if (!suggestion) {
      return;
    }
    const model = new ExtractModel({
      client: this._options.client,
      mode,
      path: target.path,
      cells: suggestion.code_cells,
      keptCells: target.cells.filter(
        index => !suggestion.code_cells.includes(index)
      ),
      notebook: () => notebookForPlan(notebookModel),
      name: suggestion.name,
      module: suggestion.module,
      debounceMs: settings.planDelayMs
    });
    const body = new ExtractBody({
      model,
      trans,
      highlight: this._options.highlight
    });
    // Revealed once the dialog is gone: closing it gives the focus back to
    // the cell that had it, which would otherwise become the active cell again.
    let reveal: NbRefactorAPI.IRefusalLocation | null = null;
    body.revealRequested.connect((_, location) => {
      reveal = location;
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
      } else if (reveal !== null) {
        const { cell, line } = reveal;
        await revealCell(panel.content, cell, line);
      }
    } finally {
      model.dispose();
    }
  }

  /**
   * The server's name and module for the selection (naming.py), in the module
   * last used for this notebook or the one the setting names, and its answer
   * whether the notebook is Python; null (having said why) when nothing can move.
   */
  private async _suggest(
    panel: NotebookPanel,
    target: IExtractionTarget,
    settings: IExtractSettings
  ): Promise<NbRefactorAPI.ISuggestion | null> {
    const { trans, client } = this._options;
    const notebookModel = panel.content.model;
    if (!notebookModel) {
      return null;
    }
    const request: NbRefactorAPI.ISuggestRequest = {
      notebook: notebookForPlan(notebookModel),
      cells: target.cells,
      path: target.path
    };
    let suggestion: NbRefactorAPI.ISuggestion;
    try {
      suggestion = await client.suggestExtraction(request);
      const module =
        this._lastModule.get(target.path) ??
        modulePathFor(settings.moduleTemplate, target.path, suggestion.module);
      if (module !== suggestion.module) {
        suggestion = await client.suggestExtraction({ ...request, module });
      }
    } catch (reason) {
      Notification.error(
        trans.__(
          'Could not prepare the extraction: %1',
          reason instanceof Error ? reason.message : String(reason)
        )
      );
      return null;
    }
    if (!suggestion.python) {
      Notification.warning(
        trans.__(
          'This notebook runs %1, not Python: only Python cells can move into a module.',
          suggestion.language
        )
      );
      return null;
    }
    if (suggestion.code_cells.length === 0) {
      Notification.warning(trans.__('Select at least one code cell to move.'));
      return null;
    }
    return suggestion;
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
    // The notebook as it was: Verify runs it fresh and compares the new one with it.
    const original = notebookModel.toJSON() as PartialJSONObject;
    const step = replaceCells(notebookModel, model.cells, result.replacement);
    const handBack =
      this._options.logs?.recordReplacement(
        panel,
        notebookModel.cells.get(model.cells[0]).id,
        replacedIds,
        result.replacement
      ) ?? (() => undefined);
    // However the step is undone (Z, Edit › Undo, the notification), the
    // module goes back too and the restored cells get their runs back.
    const stopWatching = onUndo(notebookModel, step, () => {
      stopWatching();
      handBack();
      void this._restoreModule(model, result);
    });
    const notebook = panel.content;
    notebook.deselectAll();
    notebook.activeCellIndex = model.cells[0];
    // Focus back in the notebook, so its undo shortcuts reach it.
    notebook.mode = 'command';
    notebook.activate();
    const reloaded = await this._reloadInKernel(panel, result.kernel_code);
    const written = result.written;
    // Notifications show 140 characters: the module as the dialog named it
    // (relative to the notebook), and the check in few words.
    const message =
      model.mode === 'function'
        ? trans._n(
            'Moved %1 cell into %2, function %3.',
            'Moved %1 cells into %2, function %3.',
            model.cells.length,
            result.module_path,
            model.name
          )
        : trans._n(
            'Moved %1 cell into %2.',
            'Moved %1 cells into %2.',
            model.cells.length,
            result.module_path
          );
    // Say how to check rather than that all is well.
    const check = canVerifyHint(
      this._options.commands.hasCommand(CommandIDs.checkReproducibility),
      trans
    );
    const undo: Notification.IAction = {
      label: trans.__('Undo'),
      caption: trans.__(
        'Bring the original cells back and the module as it was before'
      ),
      callback: () =>
        undoIfLast(
          notebook,
          step,
          trans.__(
            'The notebook changed since the extraction: use Edit › Undo until the cells are back.'
          )
        )
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
          'Save the notebook, then run it and the notebook before the extraction in fresh kernels: the replacement cell must reproduce the outputs of the cells it replaced, every other cell its own'
        ),
        callback: () => void this.verify(panel, undo, original)
      });
    }
    actions.push(undo);
    Notification.success(`${message} ${check}`, {
      autoClose: 10000,
      actions
    });
    if (verifyNow) {
      void this.verify(panel, undo, original);
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
   * Save the notebook and check it in a fresh kernel against `original`,
   * the notebook as it was before the extraction (run fresh too, in the same
   * folder; the server pairs the replacement cell with the cells it replaced
   * by its `metadata.nbrefactor.replaces`). Without `original`, against the
   * saved outputs. Says how it went; a check that found differences or
   * failed offers `undo`. Resolves with the record, or null when the check
   * did not finish.
   */
  async verify(
    panel: NotebookPanel,
    undo: Notification.IAction,
    original: PartialJSONObject | null = null
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
    const before = trans.__('the notebook before the extraction');
    const record = (await commands.execute(
      CommandIDs.checkReproducibility,
      original === null
        ? { path }
        : { path, against: before, againstNotebook: original }
    )) as IVerifyRecord | null;
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
      Notification.success(
        original === null
          ? trans.__('Verified: %1', summary)
          : trans.__('Verified against %1: %2', before, summary),
        { autoClose: 10000 }
      );
    } else {
      const verification =
        original === null
          ? trans.__('Verification: %1', summary)
          : trans.__('Verification against %1: %2', before, summary);
      Notification.error(verification, {
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

  /**
   * Undo the extraction's write: the module back to its text before (or
   * removed with the package files it created), only while it still holds
   * what was written; otherwise say so and keep it.
   */
  private async _restoreModule(
    model: ExtractModel,
    result: NbRefactorAPI.IApplyResult
  ): Promise<void> {
    const { trans, client } = this._options;
    if (result.written_hash === undefined || result.written === null) {
      return;
    }
    try {
      await client.restoreExtraction({
        path: model.path,
        module: result.module_path,
        source: result.previous_source ?? null,
        expected_hash: result.written_hash,
        created: result.created ?? []
      });
      Notification.info(
        result.previous_source === null || result.previous_source === undefined
          ? trans.__(
              'Undone: the cells are back and %1 was removed.',
              result.module_path
            )
          : trans.__(
              'Undone: the cells are back and %1 is as it was.',
              result.module_path
            ),
        { autoClose: 5000 }
      );
    } catch (reason) {
      // Notifications are cut at 140 characters: the 409 in our own words.
      Notification.warning(
        (reason as Partial<NbRefactorError> | null)?.status === 409
          ? trans.__(
              'The cells are back; %1 changed since the extraction, so it was kept.',
              result.module_path
            )
          : trans.__(
              'The cells are back, but %1 was kept: %2',
              result.module_path,
              reason instanceof Error ? reason.message : String(reason)
            ),
        { autoClose: false }
      );
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

/**
 * What the success notification says about checking the result: the kernel
 * still holds what the old cells made (cleaning code run again in place may
 * fail on data it already cleaned), so a fresh run is the check.
 */
function canVerifyHint(canVerify: boolean, trans: TranslationBundle): string {
  return canVerify
    ? trans.__('Check it: Verify, or Restart & Run All.')
    : trans.__('Check it: Restart & Run All.');
}

/**
 * The module path the setting's template names: `{section}` is the module
 * the server suggests from the section heading (`src/{section}.py` ->
 * `src/data.py`), `{stem}` the notebook's file name as a module name.
 */
export function modulePathFor(
  template: string,
  notebookPath: string,
  suggested: string
): string {
  const section = (suggested.split('/').pop() ?? '').replace(/\.py$/, '');
  const base = notebookPath.split('/').pop() ?? '';
  const stem =
    base
      .replace(/\.[^.]*$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .replace(/^(?=[0-9])/, 'nb_') || 'notebook_code';
  return template.split('{section}').join(section).split('{stem}').join(stem);
}

/** The folder part of a module path (`src/data.py` -> `src`, `data.py` -> ``). */
export function moduleFolder(modulePath: string): string {
  return modulePath.split('/').slice(0, -1).join('/');
}
