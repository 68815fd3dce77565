/**
 * Public token and the JSON shapes of the server's REST API, written down once.
 *
 * These mirror the contracts in docs/architecture.md (`analyze`,
 * `plan_extraction`); keep them in sync with the Python engine.
 */
import { PartialJSONObject, Token } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

/** Plugin id, also the settings id. */
export const PLUGIN_ID = 'jupyter-nbrefactor:plugin';

/** Command ids. */
export namespace CommandIDs {
  export const openPanel = 'nbrefactor:open-panel';
  export const runStaleCells = 'nbrefactor:run-stale-cells';
  export const nextWarning = 'nbrefactor:next-warning';
  /** JupyterLab's own command, offered by the panel as is. */
  export const restartRunAll = 'notebook:restart-run-all';
  export const showHealth = 'nbrefactor:show-health';
  /** Run a cell (the active one, or `cellId`) and every code cell below it, one by one. */
  export const runFromHere = 'nbrefactor:run-from-here';
  /** Run from `fromCellId` down to `toCellId` (an out-of-order warning's fix), one by one. */
  export const rerunFrom = 'nbrefactor:rerun-from';
  /**
   * Run the saved notebook (or `path`, optionally `against` another) in a fresh
   * kernel and compare the outputs; answers the `IVerifyRecord` (null when cancelled or failed).
   */
  export const checkReproducibility = 'nbrefactor:check-reproducibility';
  /** Run the cells a cell (the active one, or `cellId`) needs, then it, one by one. */
  export const runWithUpstream = 'nbrefactor:run-with-upstream';
  /** Run a cell (the active one, or `cellId`) and the cells that read its results, one by one. */
  export const runDownstream = 'nbrefactor:run-downstream';
  /** Restart the kernel, then run every code cell from the top down to a cell (the active one, or `cellId`). */
  export const restartRunToSelected = 'nbrefactor:restart-run-to-selected';
  /** Show the panel's Dependency view. */
  export const showDependencies = 'nbrefactor:show-dependencies';
  /** Show the panel's Variables view. */
  export const showVariables = 'nbrefactor:show-variables';
  /**
   * Reload a local module (`module`: its path relative to the notebook) in the
   * kernel and rebind the names bound from it; from a module warning.
   */
  export const reloadModule = 'nbrefactor:reload-module';
}

/** The REST payloads. */
export namespace NbRefactorAPI {
  export interface IVersion {
    version: string;
  }

  /** `POST graph`: the notebook now; with `cell_id`, also that cell's upstream and downstream. */
  export interface IGraphRequest {
    cells: IAnalyzeCell[];
    language?: string;
    cell_id?: string | null;
  }

  /** A code cell of the graph; `number` is its 1-based position among all cells. */
  export interface IGraphNode {
    id: string;
    number: number;
    defines: string[];
    mutates: string[];
    reads: string[];
    error: string | null;
    /** The number of the markdown heading cell above it, or null. */
    section: number | null;
  }

  /** From the cell that last wrote the names above the reader, to the reader. */
  export interface IGraphEdge {
    from: string;
    to: string;
    names: string[];
    /** False when every name rests on a conditional definition or a guessed change. */
    certain: boolean;
  }

  /** A module-level name: who defines, changes and reads it (cell ids, in order). */
  export interface IGraphName {
    name: string;
    defined_by: string[];
    mutated_by: string[];
    read_by: string[];
    /** Cells that read it before any cell defines it. */
    below_only: string[];
  }

  /** A markdown heading: the fold of the cells below it. */
  export interface IGraphSection {
    id: string;
    number: number;
    level: number;
    title: string;
  }

  /** `POST graph`'s answer (jupyter_nbrefactor/graph.py). */
  export interface IGraph {
    nodes: IGraphNode[];
    edges: IGraphEdge[];
    names: IGraphName[];
    sections: IGraphSection[];
    /** With `cell_id`: the cells it needs, transitively, in notebook order. */
    upstream?: string[];
    /** With `cell_id`: the cells that read its results, transitively, in notebook order. */
    downstream?: string[];
    /** Why there are no edges (a notebook in another language than Python). */
    notice?: string;
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
    /**
     * A cheap fingerprint of the values the names held right after this run
     * (from the namespace probe); names whose fingerprint is unknown are left out.
     */
    fingerprints?: { [name: string]: string };
    /** The local modules on disk when this run happened (the last answer's `modules`). */
    modules?: IModuleSnapshot;
  }

  /** One local module file: its import name, per-definition hashes, local imports. */
  export interface IModuleEntry {
    module: string;
    defs: { [name: string]: string };
    imports: string[];
    error?: string | null;
  }

  /** Local modules by path relative to the notebook; null: the file is gone. */
  export interface IModuleSnapshot {
    [path: string]: IModuleEntry | null;
  }

  /** Reload Module ran in the kernel after `after` runs of the log. */
  export interface IModuleReload {
    after: number;
    paths: string[];
    modules: IModuleSnapshot;
  }

  export interface IAnalyzeRequest {
    cells: IAnalyzeCell[];
    runs: IRun[];
    kernel_names?: string[] | null;
    language?: string;
    /** The notebook's server path: the server then reads the local modules its cells import. */
    path?: string;
    reloads?: IModuleReload[];
  }

  export interface ICellFacts {
    defines: string[];
    reads: string[];
    mutates: string[];
    imports: string[];
    error: string | null;
    /** Quiet forward-flow notes for the cell's details (not warnings). */
    notes?: string[];
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
    /** Out-of-order: the cell to re-run from (the one that creates the value), if any. */
    fix_cell_id?: string | null;
    /** A stale warning about a local module: its path relative to the notebook. */
    module?: string;
    /** Reload Module: the modules it reloads (dependencies first) and the kernel code; empty when the kernel has the new code. */
    reload_paths?: string[];
    reload_code?: string;
  }

  export interface IAnalyzeResponse {
    cells: { [cellId: string]: ICellFacts };
    warnings: IWarning[];
    notice?: string;
    /**
     * Would Restart & Run All reproduce this state: true exactly when no
     * stale, depends-on-stale, out-of-order or hidden-state warning exists,
     * whatever kinds the settings hide (true when the kernel's language is not analysed).
     */
    reproducible: boolean;
    /** The cells "Run Stale Cells" runs, in notebook order: the one answer, decided by the server. */
    rerun: string[];
    /** With `path`: the local modules as they are on disk now. */
    modules?: IModuleSnapshot;
  }

  export type ExtractMode = 'function' | 'module';

  /** `POST extract/plan`: `plan_extraction`'s request plus the notebook's server path. */
  export interface IPlanRequest {
    /** The live notebook, nbformat v4. */
    notebook: { [key: string]: unknown };
    /** 0-based indices of the selected cells. */
    cells: number[];
    /** The function's name (mode "function"). */
    name?: string | null;
    /** The module, relative to the notebook's folder (`src/data.py`). */
    module: string;
    mode: ExtractMode;
    /** The notebook's path relative to the server root. */
    path: string;
    overwrite?: boolean;
    /** The signature as edited in the dialog, in the function's order. */
    parameters?: IParameter[];
  }

  /** A parameter: the notebook variable passed, its name in the function, a literal default. */
  export interface IParameter {
    name: string;
    as: string;
    default: string | null;
  }

  /** `plan_extraction`'s answer. */
  /** A place in the notebook: a 0-based cell index and a 1-based line (null: the whole cell). */
  export interface IRefusalLocation {
    cell: number;
    line: number | null;
  }

  export interface IPlan {
    params: string[];
    /** The function's parameters (older servers leave it out). */
    signature?: IParameter[];
    returns: string[];
    /** Relative to the notebook's folder. */
    module_path: string;
    /** The module's full new text (null when refused). */
    module_source: string | null;
    /** Hash of the module text the plan was made against, null when it did not exist. */
    base_hash: string | null;
    /** The one cell that replaces the selection (null when refused). */
    replacement: string | null;
    notes: string[];
    /** Why the selection cannot move, naming the cell and line; null when it can. */
    refused: string | null;
    /** The cell (0-based index) and 1-based line the refusal names, if any. */
    refused_at: IRefusalLocation | null;
    /** Whether the same request with `overwrite` would be planned. */
    overwrite_would_help: boolean;
    /** The ids of the replaced cells, in order (older servers leave it out). */
    replaces?: string[];
    /** Lines of `module_source` new to an existing module: 1-based [first, last] ranges. */
    inserted_lines?: [number, number][];
  }

  /** `POST extract/apply`: the plan request plus the plan's `base_hash`. */
  export interface IApplyRequest extends IPlanRequest {
    base_hash: string | null;
  }

  /** `extract/apply`'s answer: the plan, where the module was written, what the kernel must run. */
  export interface IApplyResult extends IPlan {
    /** The module's path relative to the server root; null when nothing was written. */
    written: string | null;
    /** Code a running kernel executes silently to see the new module; null when nothing was written. */
    kernel_code: string | null;
    /** When written: the module's text before (null: it did not exist), for Undo. */
    previous_source?: string | null;
    /** When written: the hash of the text written; Undo restores only while it still matches. */
    written_hash?: string | null;
    /** When written: the package folders and `__init__.py` files it created (relative to the notebook). */
    created?: string[];
  }

  /** `POST extract/suggest`: the selection to name (markdown cells included). */
  export interface ISuggestRequest {
    notebook: { [key: string]: unknown };
    cells: number[];
    path: string;
    /** The module the name must be free in; the server suggests one when absent. */
    module?: string | null;
  }

  /** `extract/suggest`'s answer (jupyter_nbrefactor/naming.py). */
  export interface ISuggestion {
    name: string;
    module: string;
    /** The notebook's language, as the engine decides it (language.py). */
    language: string;
    python: boolean;
    /** The selection's code cells: what moves (markdown cells stay in place). */
    code_cells: number[];
  }

  /** `POST extract/restore`: undo an extraction's write (never clobbers). */
  export interface IRestoreRequest {
    path: string;
    module: string;
    /** The text before the extraction; null removes the module. */
    source: string | null;
    /** `written_hash` of the extraction: the module must still hold exactly that. */
    expected_hash: string | null;
    created: string[];
  }

  export interface IRestoreResult {
    restored: string;
    removed: string[];
    kept: string[];
  }

  export type Severity = 'error' | 'warning' | 'info';

  /** One lint finding (docs/lint.md); cell and line are null for notebook-wide findings. */
  export interface IFinding {
    path: string;
    /** 0-based index into the notebook's cells. */
    cell_index: number | null;
    cell_id: string | null;
    /** 1-based line in the cell. */
    line: number | null;
    rule: string;
    severity: Severity;
    message: string;
  }

  /** A cell whose execution count is lower than the nearest executed cell above it. */
  export interface IOutOfOrderCell {
    cell_index: number;
    cell_id: string | null;
    execution_count: number;
    after_cell_index: number;
    after_execution_count: number;
  }

  /** A block of `lines` lines of code that a cell shares with a cell above it. */
  export interface IDuplicatedBlock {
    cell_index: number;
    line: number;
    of_cell_index: number;
    of_line: number;
    lines: number;
  }

  export type HealthLevel = 'refactor' | 'attention' | 'healthy';

  export interface IHealthVerdict {
    level: HealthLevel;
    /** In English, from the server. */
    summary: string;
    /** One sentence each, in English. */
    reasons: string[];
  }

  /** A run of adjacent code cells the extraction engine accepts as a function. */
  export interface IExtractionCandidate {
    /** 0-based cell indices when the notebook was saved. */
    cells: number[];
    cell_ids: (string | null)[];
    name: string;
    module: string;
    params: string[];
    returns: string[];
    /** Lines of code outside functions. */
    lines: number;
  }

  /** `GET report?path=…`: the health report of the saved notebook. */
  export interface IHealthReport {
    path: string;
    lines_of_code: number;
    cells: number;
    code_cells: number;
    module_level_names: number;
    names: string[];
    functions: string[];
    classes: string[];
    out_of_order_cells: IOutOfOrderCell[];
    duplicated_blocks: IDuplicatedBlock[];
    findings_by_rule: { [rule: string]: number };
    findings: IFinding[];
    verdict: IHealthVerdict;
    extraction_candidates: IExtractionCandidate[];
    /** How many parameters "Move Parameters to Config…" would move. */
    hard_coded_parameters?: number;
  }

  /**
   * `POST verify`: paths relative to the server root; `timeout` in seconds per cell;
   * `against_notebook`: the original notebook itself (nbformat JSON), instead of `against`.
   */
  export interface IVerifyRequest {
    path: string;
    against?: string | null;
    against_notebook?: PartialJSONObject | null;
    timeout?: number;
  }

  /** `POST verify`'s answer (202). */
  export interface IVerifyStarted {
    job: string;
  }

  export type VerifyState = 'running' | 'done' | 'cancelled' | 'error';

  /** Which run the progress counts: the notebook, the original (`against`), or a repeat of the reference. */
  export type VerifyRunLabel = 'notebook' | 'against' | 'repeat';

  export interface IVerifyProgress {
    run?: VerifyRunLabel;
    /** Code cells done in this run. */
    cell: number;
    /** Code cells in this run. */
    of: number;
    /** Seconds since the job started. */
    seconds: number;
  }

  export type VerifyStatus =
    'same' | 'changed' | 'non-deterministic' | 'error' | 'skipped';

  export type VerifyVerdict = 'same' | 'changed' | 'failed';

  /** One code cell of the checked notebook; `index` is its 0-based position among all cells, as saved. */
  export interface IVerifyCell {
    index: number;
    id: string | null;
    status: VerifyStatus;
    /** A unified diff of the normalised outputs (expected, then the fresh run), or why it failed. */
    diff: string | null;
  }

  /** `verify`'s answer (jupyter_nbrefactor/verify.py). */
  export interface IVerifyResult {
    verdict: VerifyVerdict;
    cells: IVerifyCell[];
    /** The index of the first changed or failed cell. */
    first_difference: number | null;
    totals: { [status in VerifyStatus]?: number };
    /** Wall time in seconds. */
    seconds: number;
    /** Why a run stopped, in English; null when none did. */
    message?: string | null;
    cancelled?: boolean;
    notes?: string[];
  }

  /** `GET verify?job=` (and `DELETE`): the job's state. */
  export interface IVerifyJob {
    job: string;
    state: VerifyState;
    progress: IVerifyProgress;
    result: IVerifyResult | null;
    message?: string | null;
  }
}

/** What the sidebar shows when it has nothing to analyse. */
export type EmptyState = 'no-notebook' | 'no-kernel' | 'nothing-run' | null;

/** The execution logs of open notebooks, for plugins that rewrite cells. */
export interface IExecutionLogs {
  /**
   * Cells `replacedIds` of the notebook were replaced by cell `newCellId`,
   * which does the same: it inherits their runs (see ExecutionTracker).
   * Returns what hands the runs back to the replaced cells (on undo).
   */
  recordReplacement(
    notebook: Widget,
    newCellId: string,
    replacedIds: readonly string[],
    source: string
  ): () => void;
}

export const IExecutionLogs = new Token<IExecutionLogs>(
  'jupyter-nbrefactor:IExecutionLogs',
  'The execution logs behind the Notebook refactor sidebar.'
);

/** Payloads of `config/plan` and `config/apply` (parameters -> config.yaml). */
export namespace NbRefactorAPI {
  /** One place a parameter's literal is written. */
  export interface IConfigPlace {
    cell_index: number;
    cell_id: string | null;
    line: number;
    text: string;
  }

  /** A hard-coded parameter the notebook could read from the config file. */
  export interface IConfigCandidate {
    id: string;
    key: string;
    kind: 'name' | 'keyword' | 'path';
    what: string;
    value: unknown;
    value_text: string;
    convert: 'tuple' | null;
    cell_index: number;
    cell_id: string | null;
    line: number;
    places: IConfigPlace[];
    reads: number;
    clash: {
      key: string;
      existing: unknown;
      blocked_by: unknown;
      suggested: string;
    } | null;
    selected: boolean;
  }

  /** A literal that looks like a parameter but cannot move, and why. */
  export interface IConfigRefusal {
    cell_index: number;
    cell_id: string | null;
    line: number;
    what: string;
    reason: string;
    message: string;
  }

  export interface IConfigRequest {
    /** The notebook's path relative to the server root. */
    path: string;
    notebook: { [key: string]: unknown };
    config_path?: string;
    /** Candidate ids to move; absent or null: all. */
    select?: string[] | null;
    /** Candidate id -> the key it goes under instead. */
    keys?: { [id: string]: string };
    /** Only on apply: the plan's base_hash (409 when the file changed since). */
    base_hash?: string | null;
  }

  export interface IConfigPlan {
    candidates: IConfigCandidate[];
    refusals: IConfigRefusal[];
    config_path: string;
    config_source: string | null;
    base_hash: string | null;
    helper_path: string;
    helper_source: string | null;
    load_cell: { index: number; source: string } | null;
    cells: { index: number; id: string | null; source: string }[];
    kernel_code: string | null;
    notes: string[];
    refused: string | null;
  }

  export interface IConfigApplyResult extends IConfigPlan {
    /** Server paths written, or null when refused. */
    written: string[] | null;
  }

  /** `POST graduate/plan` and `graduate/apply`. */
  export interface IGraduateRequest {
    /** The notebook's path relative to the server root. */
    path: string;
    notebook: { [key: string]: unknown };
    /** The script, relative to the notebook's folder (default scripts/train.py). */
    script?: string;
    overwrite?: boolean;
    /** graduate/apply: the plan's base_hash of each file; one that changed since is a 409. */
    base_hashes?: { [path: string]: string | null };
  }

  /** One function (or module-mode move) a section becomes. */
  export interface IGraduateMove {
    /** 0-based indices of the notebook cells it replaces. */
    cells: number[];
    name: string;
    module: string;
    mode: 'function' | 'module';
    params: string[];
    returns: string[];
    /** The cell that replaces them. */
    replacement: string;
  }

  export interface IGraduateKept {
    cell: number;
    reason: string;
    section?: string;
    refused?: boolean;
  }

  export interface IGraduateFile {
    path: string;
    source: string;
    base_hash: string | null;
    exists: boolean;
  }

  export interface IGraduateFigures {
    path: string;
    lines: number;
    globals: number;
    functions: number;
  }

  export interface IGraduationPlan {
    refused: string | null;
    sections: {
      title: string;
      cells: number[];
      moves: IGraduateMove[];
      kept: IGraduateKept[];
    }[];
    kept: IGraduateKept[];
    files: IGraduateFile[];
    fitted: string[];
    script: string;
    report: {
      before: IGraduateFigures[];
      after: IGraduateFigures[];
    } | null;
    report_text: string;
  }

  export interface IGraduateApplyResult extends IGraduationPlan {
    /** Server paths written, or null when refused. */
    written: string[] | null;
    /** The extract/restore requests (without `path`) that undo the writes, in order. */
    undo: Omit<IRestoreRequest, 'path'>[];
  }
}
