/**
 * Public token and the JSON shapes of the server's REST API, written down once.
 *
 * These mirror the contracts in docs/architecture.md (`analyze`,
 * `plan_extraction`); keep them in sync with the Python engine.
 */
import { Token } from '@lumino/coreutils';

/** Plugin id, also the settings id. */
export const PLUGIN_ID = 'jupyter-nbrefactor:plugin';

/** Command ids. */
export namespace CommandIDs {
  export const openPanel = 'nbrefactor:open-panel';
}

/** The REST payloads. */
export namespace NbRefactorAPI {
  export interface IVersion {
    version: string;
  }

  export interface IAnalyzeCell {
    id: string;
    source: string;
    cell_type: string;
  }

  export interface IRun {
    cell_id: string;
    source: string;
    execution_count: number | null;
    error?: string | null;
  }

  export interface IAnalyzeRequest {
    cells: IAnalyzeCell[];
    runs: IRun[];
    kernel_names?: string[] | null;
    language?: string;
  }

  export interface ICellFacts {
    defines: string[];
    reads: string[];
    mutates: string[];
    imports: string[];
    error: string | null;
  }

  export type WarningKind =
    | 'stale'
    | 'depends-on-stale'
    | 'out-of-order'
    | 'edited'
    | 'hidden-state'
    | 'use-before-define'
    | 'undefined';

  export interface IWarning {
    kind: WarningKind;
    cell_id: string;
    names: string[];
    source_cell_id: string | null;
    certain: boolean;
    message: string;
  }

  export interface IAnalyzeResponse {
    cells: { [cellId: string]: ICellFacts };
    warnings: IWarning[];
    notice?: string;
  }
}

/** What the sidebar shows when it has nothing to analyse. */
export type EmptyState = 'no-notebook' | 'no-kernel' | 'nothing-run' | null;

/** The token of the sidebar model, for other plugins. */
export const INbRefactorPanelModel = new Token<object>(
  'jupyter-nbrefactor:panel-model',
  'The model behind the Notebook refactor sidebar.'
);
