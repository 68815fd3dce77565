/**
 * The one typed client of the server extension: one method per endpoint.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { NbRefactorAPI } from './tokens';

/** An error answered by the server, carrying its `{"message": ...}`. */
export class NbRefactorError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'NbRefactorError';
  }
}

/**
 * Call an endpoint under `/jupyter-nbrefactor/` and parse its JSON answer.
 * `json`, when given, is `body` already serialised (callers that compare
 * requests serialise them anyway; a large notebook is not serialised twice).
 */
export async function requestAPI<T>(
  endPoint: string,
  method: 'GET' | 'POST' | 'DELETE' = 'GET',
  body?: unknown,
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings(),
  json?: string
): Promise<T> {
  const url = URLExt.join(
    serverSettings.baseUrl,
    'jupyter-nbrefactor',
    endPoint
  );
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = json ?? JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, serverSettings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  let data: any = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok) {
    throw new NbRefactorError(
      (data && data.message) || response.statusText,
      response.status
    );
  }
  return data as T;
}

/** The endpoints, one method each. */
export class NbRefactorClient {
  constructor(
    readonly serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  version(): Promise<NbRefactorAPI.IVersion> {
    return requestAPI('version', 'GET', undefined, this.serverSettings);
  }

  /** `json`: the request already serialised, if the caller has it. */
  analyze(
    request: NbRefactorAPI.IAnalyzeRequest,
    json?: string
  ): Promise<NbRefactorAPI.IAnalyzeResponse> {
    return requestAPI('analyze', 'POST', request, this.serverSettings, json);
  }

  /** The dataflow graph of the notebook now (and a cell's upstream and downstream). */
  graph(request: NbRefactorAPI.IGraphRequest): Promise<NbRefactorAPI.IGraph> {
    return requestAPI('graph', 'POST', request, this.serverSettings);
  }

  /** Plan an extraction; writes nothing. */
  planExtraction(
    request: NbRefactorAPI.IPlanRequest
  ): Promise<NbRefactorAPI.IPlan> {
    return requestAPI('extract/plan', 'POST', request, this.serverSettings);
  }

  /** Plan again against the module's current text and write it (409 when it changed). */
  applyExtraction(
    request: NbRefactorAPI.IApplyRequest
  ): Promise<NbRefactorAPI.IApplyResult> {
    return requestAPI('extract/apply', 'POST', request, this.serverSettings);
  }

  /** The name and module to offer for a selection, and the notebook's language. */
  suggestExtraction(
    request: NbRefactorAPI.ISuggestRequest
  ): Promise<NbRefactorAPI.ISuggestion> {
    return requestAPI('extract/suggest', 'POST', request, this.serverSettings);
  }

  /** Undo an extraction's write (409 when the module changed since: it is kept). */
  restoreExtraction(
    request: NbRefactorAPI.IRestoreRequest
  ): Promise<NbRefactorAPI.IRestoreResult> {
    return requestAPI('extract/restore', 'POST', request, this.serverSettings);
  }

  /** Plan moving the notebook's parameters into its config file; writes nothing. */
  planConfig(
    request: NbRefactorAPI.IConfigRequest
  ): Promise<NbRefactorAPI.IConfigPlan> {
    return requestAPI('config/plan', 'POST', request, this.serverSettings);
  }

  /** Plan again against the config file's current text and write it (409 when it changed). */
  applyConfig(
    request: NbRefactorAPI.IConfigRequest
  ): Promise<NbRefactorAPI.IConfigApplyResult> {
    return requestAPI('config/apply', 'POST', request, this.serverSettings);
  }

  /** Plan graduating the notebook (sections -> modules, the script); writes nothing. */
  planGraduation(
    request: NbRefactorAPI.IGraduateRequest
  ): Promise<NbRefactorAPI.IGraduationPlan> {
    return requestAPI('graduate/plan', 'POST', request, this.serverSettings);
  }

  /** Plan again and write the modules and the script (409 when a file changed since). */
  applyGraduation(
    request: NbRefactorAPI.IGraduateRequest
  ): Promise<NbRefactorAPI.IGraduateApplyResult> {
    return requestAPI('graduate/apply', 'POST', request, this.serverSettings);
  }

  /** The health report of a saved notebook (`path` relative to the server root). */
  report(path: string): Promise<NbRefactorAPI.IHealthReport> {
    return requestAPI(
      `report${URLExt.objectToQueryString({ path })}`,
      'GET',
      undefined,
      this.serverSettings
    );
  }

  /** Start a fresh-kernel check of a saved notebook (optionally against another); answers the job's id. */
  startVerify(
    request: NbRefactorAPI.IVerifyRequest
  ): Promise<NbRefactorAPI.IVerifyStarted> {
    return requestAPI('verify', 'POST', request, this.serverSettings);
  }

  /** A check's state, progress and (once finished) result. */
  verifyStatus(job: string): Promise<NbRefactorAPI.IVerifyJob> {
    return requestAPI(
      `verify${URLExt.objectToQueryString({ job })}`,
      'GET',
      undefined,
      this.serverSettings
    );
  }

  /** Cancel a check; answers its state. */
  cancelVerify(job: string): Promise<NbRefactorAPI.IVerifyJob> {
    return requestAPI(
      `verify${URLExt.objectToQueryString({ job })}`,
      'DELETE',
      undefined,
      this.serverSettings
    );
  }
}
