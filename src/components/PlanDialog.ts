/**
 * A Dialog whose accept button (and Enter) works only while its model's plan
 * can be applied: shared by Extract Function… / Move to Module… and Move
 * Parameters to Config….
 */
import { Dialog } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';
import { ISignal } from '@lumino/signaling';

/** The index of the accept button among the dialog's buttons. */
export const ACCEPT = 1;

/** What the dialog watches: whether the plan can be applied, and its changes. */
export interface IPlanModel {
  readonly canApply: boolean;
  readonly changed: ISignal<unknown, void>;
}

export class PlanDialog extends Dialog<void> {
  constructor(
    protected readonly planModel: IPlanModel,
    options: Partial<Dialog.IOptions<void>>
  ) {
    super({ defaultButton: ACCEPT, ...options });
    planModel.changed.connect(this._sync, this);
  }

  /** Enter and the accept button do nothing until the plan can be applied. */
  resolve(index?: number): void {
    if ((index ?? ACCEPT) === ACCEPT && !this.planModel.canApply) {
      return;
    }
    super.resolve(index);
  }

  dispose(): void {
    this.planModel.changed.disconnect(this._sync, this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._sync();
  }

  private _sync(): void {
    const accept = this.node.querySelector<HTMLButtonElement>(
      '.jp-Dialog-button.jp-mod-accept'
    );
    if (accept) {
      accept.disabled = !this.planModel.canApply;
    }
  }
}
