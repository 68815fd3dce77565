/**
 * "Move Parameters to Config…" from start to end: plan, the dialog, the
 * server's write, the notebook edit (one undo step), `config` loaded in the
 * kernel, the notification.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { NbRefactorClient } from '../api';
import { notebookForPlan, serverPath } from '../extract/notebook';
import { ConfigDialog } from './dialog';
import { ConfigModel } from './model';
import { applyConfigPlan, unchangedSince } from './notebook';

export interface IConfigurerOptions {
  client: Pick<NbRefactorClient, 'planConfig' | 'applyConfig'>;
  trans: TranslationBundle;
  /** The config file's path relative to the notebook (setting `configPath`). */
  configPath: () => string;
}

export class Configurer {
  constructor(private readonly _options: IConfigurerOptions) {}

  async run(panel: NotebookPanel): Promise<void> {
    const { trans, client } = this._options;
    const notebookModel = panel.content.model;
    const path = serverPath(panel.context);
    if (!notebookModel || path === null) {
      Notification.warning(
        trans.__(
          'Save the notebook on the server first: the config file goes next to it.'
        )
      );
      return;
    }
    const notebook = notebookForPlan(notebookModel);
    const model = new ConfigModel(client, {
      path,
      notebook,
      config_path: this._options.configPath()
    });
    const started = model.start();
    const dialog = new ConfigDialog(model, trans);
    const result = await dialog.launch();
    await started;
    if (!result.button.accept) {
      return;
    }
    const plan = model.plan;
    if (!model.canApply || plan === null) {
      Notification.warning(
        model.error ??
          plan?.refused ??
          trans.__('Nothing moved: no parameter was selected.')
      );
      return;
    }
    if (!unchangedSince(notebookModel, notebook, plan)) {
      Notification.warning(
        trans.__(
          'The notebook changed while the dialog was open: nothing moved. Try again.'
        )
      );
      return;
    }
    let answer;
    try {
      answer = await client.applyConfig({
        ...model.currentRequest(),
        base_hash: plan.base_hash
      });
    } catch (error) {
      Notification.error(
        trans.__('Moving the parameters failed: %1', (error as Error).message),
        { autoClose: false }
      );
      return;
    }
    if (answer.refused !== null || answer.written === null) {
      Notification.error(trans.__('Nothing moved: %1', answer.refused ?? ''), {
        autoClose: false
      });
      return;
    }
    applyConfigPlan(notebookModel, answer);
    panel.content.activate();
    const loaded = await this._loadInKernel(panel, answer.kernel_code);
    const moved = answer.candidates.filter(c => c.selected).length;
    const message = trans._n(
      'Moved %1 parameter to %2.',
      'Moved %1 parameters to %2.',
      moved,
      answer.config_path
    );
    const kernel = loaded
      ? ''
      : ' ' + trans.__('The kernel could not load it: run the new first cell.');
    Notification.success(message + kernel, {
      autoClose: 10000,
      actions: [
        {
          label: trans.__('Undo'),
          caption: trans.__(
            'Undo the notebook edit (%1 stays as written)',
            answer.config_path
          ),
          callback: () => NotebookActions.undo(panel.content)
        }
      ]
    });
  }

  /** Run the server's code silently so `config` exists without a restart. */
  private async _loadInKernel(
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
}
