/**
 * "Graduate Notebook…" from start to end: plan, the wizard, the server's
 * writes, the notebook edit (one undo step), the notification (Open script,
 * Undo: the notebook edit and the files it created).
 */
import { Dialog, Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { NbRefactorClient } from '../api';
import {
  notebookForPlan,
  onUndo,
  serverPath,
  undoIfLast
} from '../extract/notebook';
import { NbRefactorAPI } from '../tokens';
import { GraduateBody } from './dialog';
import { applyGraduation, unchangedSince } from './notebook';

export interface IGraduatorOptions {
  client: Pick<
    NbRefactorClient,
    'planGraduation' | 'applyGraduation' | 'restoreExtraction'
  >;
  trans: TranslationBundle;
  /** The script's path relative to the notebook (setting `scriptPath`). */
  scriptPath: () => string;
  /** Open a file by its server path. */
  open: (path: string) => void;
  /**
   * Save the notebook and check it in a fresh kernel (Check Reproducibility),
   * or null when that command is not there.
   */
  verify: () => (() => Promise<unknown>) | null;
}

/** Each file's base_hash: graduate/apply refuses (409) when one changed since. */
function hashesOf(plan: NbRefactorAPI.IGraduationPlan): {
  [path: string]: string | null;
} {
  const out: { [path: string]: string | null } = {};
  for (const file of plan.files) {
    out[file.path] = file.base_hash;
  }
  return out;
}

export class Graduator {
  constructor(private readonly _options: IGraduatorOptions) {}

  async run(panel: NotebookPanel): Promise<void> {
    const { trans, client } = this._options;
    const notebookModel = panel.content.model;
    const path = serverPath(panel.context);
    if (!notebookModel || path === null) {
      Notification.warning(
        trans.__('Save the notebook on the server first: src/ goes next to it.')
      );
      return;
    }
    const notebook = notebookForPlan(notebookModel);
    const request: NbRefactorAPI.IGraduateRequest = {
      path,
      notebook,
      script: this._options.scriptPath()
    };
    const body = new GraduateBody(trans);
    let plan: NbRefactorAPI.IGraduationPlan | null = null;
    const planned = client.planGraduation(request).then(
      answer => {
        plan = answer;
        body.showPlan(answer);
      },
      error => body.showError((error as Error).message)
    );
    const dialog = new Dialog({
      title: trans.__('Graduate Notebook'),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Graduate') })
      ]
    });
    dialog.addClass('jp-nbrefactor-graduate-dialog');
    const result = await dialog.launch();
    await planned;
    if (!result.button.accept) {
      return;
    }
    const chosen = plan as NbRefactorAPI.IGraduationPlan | null;
    if (chosen === null || chosen.refused !== null) {
      Notification.warning(
        chosen?.refused ?? trans.__('Nothing graduated: no plan.')
      );
      return;
    }
    if (!unchangedSince(notebookModel, notebook, chosen)) {
      Notification.warning(
        trans.__(
          'The notebook changed while the wizard was open: nothing graduated. Try again.'
        )
      );
      return;
    }
    let answer: NbRefactorAPI.IGraduateApplyResult;
    try {
      answer = await client.applyGraduation({
        ...request,
        base_hashes: hashesOf(chosen)
      });
    } catch (error) {
      Notification.error(
        trans.__('Graduating failed: %1', (error as Error).message),
        { autoClose: false }
      );
      return;
    }
    if (answer.refused !== null || answer.written === null) {
      Notification.error(
        trans.__('Nothing graduated: %1', answer.refused ?? ''),
        { autoClose: false }
      );
      return;
    }
    const step = applyGraduation(notebookModel, answer);
    panel.content.activate();
    const folder = path.includes('/')
      ? path.slice(0, path.lastIndexOf('/') + 1)
      : '';
    const script = folder + answer.script;
    const undoFiles = async () => {
      for (const restore of answer.undo) {
        try {
          await client.restoreExtraction({ path, ...restore });
        } catch (error) {
          Notification.warning(
            trans.__(
              '%1 was kept: %2',
              restore.module,
              (error as Error).message
            )
          );
        }
      }
    };
    const disconnect = onUndo(notebookModel, step, () => {
      disconnect();
      void undoFiles();
    });
    const modules = answer.files.filter(f => f.path !== answer.script).length;
    const verify = this._options.verify();
    Notification.success(
      trans.__(
        'Graduated: %1 files and %2. Run it: python %3 --output models/',
        modules,
        answer.script,
        answer.script
      ),
      {
        autoClose: false,
        actions: [
          {
            label: trans.__('Open script'),
            caption: trans.__('Open %1', answer.script),
            callback: () => this._options.open(script)
          },
          ...(verify === null
            ? []
            : [
                {
                  label: trans.__('Verify'),
                  caption: trans.__(
                    'Save the notebook and run it in a fresh kernel: every output must match the saved ones (each new cell keeps the outputs of the cells it replaced)'
                  ),
                  callback: () => void verify()
                }
              ]),
          {
            label: trans.__('Undo'),
            caption: trans.__(
              'Undo the notebook edit and remove the files the graduation created'
            ),
            callback: () => {
              if (step === null) {
                // no undo manager: the files go, the cells stay
                void undoFiles();
                return;
              }
              undoIfLast(
                panel.content,
                step,
                trans.__(
                  'The notebook changed since the graduation: use Edit › Undo until the cells are back.'
                )
              );
            }
          }
        ]
      }
    );
  }
}
