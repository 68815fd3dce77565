"""REST handlers: thin wrappers that parse JSON, call one engine function, answer JSON.

Every route is listed once, in ``ROUTES``; ``app.py`` mounts them under
``/jupyter-nbrefactor/``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar, cast

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin

from . import __version__
from .errors import RequestError

if TYPE_CHECKING:
    import nbformat

    from .app import NbRefactorApp
    from .graduate import RestoreStep
    from .lint_config import Config
    from .verify import VerifyJob

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

AUTH_RESOURCE = "contents"

# The engine runs here, off the event loop, so a big notebook does not stall the server
# (saves, kernel messages); one worker, so the engine's memo caches see one caller at a time.
_ENGINE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nbrefactor-engine")


async def run_engine(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` on the engine's thread."""
    return await asyncio.get_running_loop().run_in_executor(_ENGINE, function, *args)


def authorized_to(action: str) -> Callable[[F], F]:
    """jupyter_server's ``@authorized(action)``, its decorator typed as keeping the method's type."""
    decorator: Callable[[F], F] = authorized(action)
    return decorator


class BaseHandler(ExtensionHandlerMixin, APIHandler):
    """Answers JSON; a ``RequestError`` from the engine becomes ``{"message": ...}`` + 4xx."""

    auth_resource = AUTH_RESOURCE

    def _handle_request_exception(self, e: BaseException) -> None:
        if isinstance(e, RequestError):
            self.reply({"message": str(e)}, e.status)
            return
        super()._handle_request_exception(e)

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object, or a 400/413 ``RequestError``."""
        limit = cast("NbRefactorApp", self.extensionapp).max_body_bytes
        if len(self.request.body) > limit:
            raise RequestError(f"request body is larger than {limit} bytes", 413)
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError as err:
            raise RequestError(f"request body is not valid JSON: {err}") from None
        except RecursionError:
            raise RequestError("request body is not valid JSON: nested too deeply") from None
        if not isinstance(body, dict):
            raise RequestError("request body must be a JSON object")
        return body

    def reply(self, payload: Mapping[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    async def saved_notebook(self) -> tuple[str, dict[str, Any] | None, str | None, Config]:
        """(path, notebook or None, the reason it is unreadable, lint Config) of the notebook
        saved at ``?path=``; a bad path is a ``RequestError``."""
        from .lint import read_contents_notebook

        path = self.get_query_argument("path", "")
        nb, reason, config = await read_contents_notebook(self.contents_manager, path, run_engine)
        return path.strip("/"), nb, reason, config


class VersionHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        self.reply({"version": __version__})


class AnalyzeHandler(BaseHandler):
    """POST analyze: the notebook + run log -> per-cell facts and warnings. With the
    notebook's ``path`` it reads the local modules its cells import (modules.py); it writes
    nothing, hence authorised as a read."""

    @tornado.web.authenticated
    @authorized_to("read")
    async def post(self) -> None:
        from .modules import analyze_in_folder

        root = getattr(self.contents_manager, "root_dir", None)  # local modules need a disk
        self.reply(await run_engine(analyze_in_folder, self.json_body(), root))


class GraphHandler(BaseHandler):
    """POST graph: the notebook's cells -> the dataflow graph (graph.py), with ``cell_id``
    that cell's upstream and downstream. Reads and writes nothing, hence a read."""

    @tornado.web.authenticated
    @authorized_to("read")
    async def post(self) -> None:
        from .graph import notebook_graph

        self.reply(await run_engine(notebook_graph, self.json_body()))


class ExtractPlanHandler(BaseHandler):
    """POST extract/plan: the selection -> the plan; the module's text is read here.
    Writes nothing, hence authorised as a read."""

    @tornado.web.authenticated
    @authorized_to("read")
    async def post(self) -> None:
        from .apply import read_contents_text
        from .extract import plan_extraction

        body, _, target = await extract_target(self)
        current = await read_contents_text(self.contents_manager, target)
        self.reply(await run_engine(plan_extraction, {**body, "module_source": current}))


class ExtractApplyHandler(BaseHandler):
    """POST extract/apply: plan again against the module's current text and write it.

    With ``base_hash`` in the body, a module that changed since that plan is a 409;
    without it the new code is merged into whatever the module holds. Applies to one
    module are serialised, so concurrent ones all land."""

    @tornado.web.authenticated
    @authorized_to("write")
    async def post(self) -> None:
        from .apply import kernel_code, local_real_path, read_contents_text, save_module_contents
        from .extract import plan_extraction, source_hash
        from .restore import missing_packages

        body, folder, target = await extract_target(self)
        if "base_hash" in body and body["base_hash"] is not None and not isinstance(body["base_hash"], str):
            raise RequestError('"base_hash" must be the plan\'s base_hash: a string or null')
        cm = self.contents_manager
        # keyed by where the file really is, so two server paths to one file share a lock
        key = local_real_path(cm, target) or target
        locks = self.settings.setdefault("jupyter_nbrefactor_module_locks", {})
        async with locks.setdefault(key, asyncio.Lock()):
            current = await read_contents_text(cm, target)
            if "base_hash" in body and body["base_hash"] != source_hash(current):
                raise RequestError(f"{target} changed since the extraction was planned: plan again", 409)
            plan = await run_engine(plan_extraction, {**body, "module_source": current})
            written, created = None, []
            if plan["refused"] is None:
                created = await missing_packages(cm, folder, plan["module_path"])
                written = await save_module_contents(cm, folder, plan)
        code = kernel_code(plan["module_path"]) if written else None
        # what extract/restore needs to undo the write: the text before and what was created
        undo = {"previous_source": current, "written_hash": source_hash(plan["module_source"]), "created": created}
        self.reply({**plan, "written": written, "kernel_code": code, **(undo if written else {})})


class ExtractSuggestHandler(BaseHandler):
    """POST extract/suggest: ``{"notebook", "cells", "path", "module"?}`` -> the function
    name and module to offer (``naming.suggest_request``), avoiding the names the module
    already holds, and the notebook's language. Writes nothing: authorised as a read."""

    @tornado.web.authenticated
    @authorized_to("read")
    async def post(self) -> None:
        from .apply import module_target, notebook_folder, read_contents_text
        from .naming import suggest_request

        body = self.json_body()
        folder = notebook_folder(body.get("path"))
        answer = await run_engine(suggest_request, body)
        current = await read_contents_text(
            self.contents_manager, await module_target(self.contents_manager, folder, answer["module"])
        )
        if current is not None:
            answer = await run_engine(suggest_request, {**body, "module": answer["module"]}, current)
        self.reply(answer)


class ExtractRestoreHandler(BaseHandler):
    """POST extract/restore: undo an extraction's write. ``{"path": <notebook>, "module",
    "source": <text before, or null: remove>, "expected_hash": <written_hash; null: absent>, "created":
    [...]}`` -> ``{"restored", "removed", "kept"}``; a module that changed since is a 409
    and is kept as it is (``restore.restore_module``)."""

    @tornado.web.authenticated
    @authorized_to("write")
    async def post(self) -> None:
        from .apply import local_real_path, module_target, notebook_folder
        from .modpath import validate_module_path
        from .request import STRING, STRINGS, get_field
        from .restore import restore_module

        body = self.json_body()
        folder = notebook_folder(body.get("path"))
        module = validate_module_path(body.get("module"))
        target = await module_target(self.contents_manager, folder, module)
        source = get_field(body, "source", STRING.or_null(), '"source"')
        expected = get_field(body, "expected_hash", STRING.or_null(), '"expected_hash"')
        created = get_field(body, "created", STRINGS, '"created"', default=[])
        cm = self.contents_manager
        key = local_real_path(cm, target) or target
        locks = self.settings.setdefault("jupyter_nbrefactor_module_locks", {})
        async with locks.setdefault(key, asyncio.Lock()):
            self.reply(await restore_module(cm, folder, module, target, source, expected, created))


async def extract_target(handler: BaseHandler) -> tuple[dict[str, Any], str, str]:
    """The validated body of an extract request, the notebook's folder and the module's
    server path."""
    from .apply import module_target, notebook_folder
    from .extract import parse_request

    body = handler.json_body()
    folder = notebook_folder(body.get("path"))
    module = parse_request(body).module
    return body, folder, await module_target(handler.contents_manager, folder, module)


class LintHandler(BaseHandler):
    """GET lint?path=<notebook>: the lint findings of the saved notebook."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        from .lint import invalid_findings, lint_notebook

        path, nb, reason, config = await self.saved_notebook()
        if nb is None:
            assert reason is not None  # read_contents_notebook gives one with no notebook
            findings = invalid_findings(path, reason, config)
        else:
            findings = await run_engine(lint_notebook, nb, path, config)
        self.reply({"path": path, "findings": [f.to_json() for f in findings]})


class ReportHandler(BaseHandler):
    """GET report?path=<notebook>: the health report of the saved notebook."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        from .report import health_report

        path, nb, reason, config = await self.saved_notebook()
        if nb is None:
            raise RequestError(f"{path}: {reason}")
        self.reply(await run_engine(health_report, nb, path, config))


class VerifyHandler(BaseHandler):
    """Verify, as a job: a fresh-kernel run takes minutes, so it runs on a thread of its own.

    ``POST verify`` ``{"path", "against"? | "against_notebook"?, "timeout"?}`` -> 202
    ``{"job": id}``; ``against_notebook``: the original notebook itself (its JSON, as the
    extraction had it before), run in ``path``'s folder and kept in memory only;
    ``GET verify?job=`` -> ``{"job", "state": "running"|"done"|"cancelled"|"error",
    "progress": {"run", "cell", "of", "seconds"}, "result": <verify's answer or null>,
    "message"}``; ``DELETE verify?job=`` cancels (answers the same). Running a notebook
    runs its code: starting and cancelling are authorised as ``kernels: execute``."""

    auth_resource = "kernels"
    MAX_JOBS = 50  # finished jobs beyond this many are forgotten, oldest first
    MAX_RUNNING = 2  # runs at once (each is a kernel); later jobs wait their turn

    @tornado.web.authenticated
    @authorized_to("execute")
    async def post(self) -> None:
        from functools import partial
        from threading import BoundedSemaphore

        from .verify import DEFAULT_TIMEOUT, VerifyJob, verify

        body = self.json_body()
        timeout = body.get("timeout", DEFAULT_TIMEOUT)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise RequestError('"timeout" must be a positive number of seconds')
        nb, folder = await self.local_notebook(body.get("path"), "path")
        against, against_folder = None, None
        if body.get("against") is not None and body.get("against_notebook") is not None:
            raise RequestError('give "against" (a path) or "against_notebook" (a notebook), not both')
        if body.get("against") is not None:
            against, against_folder = await self.local_notebook(body["against"], "against")
        elif body.get("against_notebook") is not None:
            against = await run_engine(valid_notebook, body["against_notebook"], "against_notebook")
        jobs = self.settings.setdefault("jupyter_nbrefactor_verify_jobs", {})
        finished = sorted((j for j in jobs.values() if j.finished is not None), key=lambda j: j.finished)
        for old in finished[: max(0, len(jobs) - self.MAX_JOBS + 1)]:
            del jobs[old.id]
        slots = self.settings.setdefault("jupyter_nbrefactor_verify_slots", BoundedSemaphore(self.MAX_RUNNING))
        job = VerifyJob(partial(verify, nb, folder, against, against_folder, timeout=timeout), slots)
        jobs[job.id] = job
        self.reply({"job": job.id}, 202)

    @tornado.web.authenticated
    @authorized_to("read")
    def get(self) -> None:
        self.reply(self.job().to_json())

    @tornado.web.authenticated
    @authorized_to("execute")
    def delete(self) -> None:
        job = self.job()
        job.cancel()
        self.reply(job.to_json())

    def job(self) -> VerifyJob:
        job_id = self.get_query_argument("job", "")
        job: VerifyJob | None = self.settings.get("jupyter_nbrefactor_verify_jobs", {}).get(job_id)
        if job is None:
            raise RequestError(f"no verify job {job_id!r}", 404 if job_id else 400)
        return job

    async def local_notebook(self, path: object, field: str) -> tuple[dict[str, Any], str]:
        """(notebook, its folder on the server's disk) of the notebook saved at ``path``:
        kernels run files, so the contents manager must keep them on the local disk."""
        import os

        from .apply import local_real_path
        from .lint import read_contents_notebook

        if not isinstance(path, str):
            raise RequestError(f'"{field}" must be a notebook path relative to the server root')
        nb, reason, _ = await read_contents_notebook(self.contents_manager, path, run_engine)
        if nb is None:
            raise RequestError(f"{path.strip('/')}: {reason}")
        folder = local_real_path(self.contents_manager, path.strip("/").rpartition("/")[0])
        root = local_real_path(self.contents_manager, "")
        if folder is None or root is None:
            raise RequestError(
                "verify runs notebooks from the server's disk: this contents manager keeps them elsewhere"
            )
        if os.path.commonpath([root, folder]) != root:
            raise RequestError(f"{path} leads outside the server root (through a symbolic link)")
        return nb, folder


def valid_notebook(value: object, field: str) -> nbformat.NotebookNode:
    """``value`` as a v4 notebook (nbformat's validation), or a 400 ``RequestError``."""
    import nbformat

    if not isinstance(value, dict):
        raise RequestError(f'"{field}" must be a notebook (a JSON object)')
    if value.get("nbformat") != 4:
        raise RequestError(f'"{field}" is not a notebook of format 4 (its "nbformat" is {value.get("nbformat")!r})')
    nb: nbformat.NotebookNode = nbformat.from_dict(value)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        raise RequestError(f'"{field}" is not a valid notebook: {err.message}') from None
    return nb


class ConfigPlanHandler(BaseHandler):
    """POST config/plan: the notebook -> its parameters and the plan to move them; the
    config file and the helper module are read here. Writes nothing, hence a read."""

    @tornado.web.authenticated
    @authorized_to("read")
    async def post(self) -> None:
        from .config import plan_config, read_config_sources

        body, _, target, helper = await config_request(self)
        sources = await read_config_sources(self.contents_manager, target, helper)
        self.reply(await run_engine(plan_config, {**body, **sources}))


class ConfigApplyHandler(BaseHandler):
    """POST config/apply: plan again against the files' current text and write them; the
    notebook edit is the client's (one undoable edit). With ``base_hash`` in the body, a
    config file that changed since that plan is a 409. Applies to one file are serialised."""

    @tornado.web.authenticated
    @authorized_to("write")
    async def post(self) -> None:
        from .apply import local_real_path
        from .config import plan_config, read_config_sources, save_config_contents
        from .extract import source_hash

        body, folder, target, helper = await config_request(self)
        cm = self.contents_manager
        key = local_real_path(cm, target) or target
        locks = self.settings.setdefault("jupyter_nbrefactor_module_locks", {})
        async with locks.setdefault(key, asyncio.Lock()):
            sources = await read_config_sources(cm, target, helper)
            if "base_hash" in body and body["base_hash"] != source_hash(sources["config_source"]):
                raise RequestError(f"{target} changed since the parameters were planned: plan again", 409)
            plan = await run_engine(plan_config, {**body, **sources})
            written = None
            if plan["refused"] is None:
                written = await save_config_contents(cm, folder, target, plan)
        self.reply({**plan, "written": written, "kernel_code": plan["kernel_code"] if written else None})


async def config_request(handler: BaseHandler) -> tuple[dict[str, Any], str, str, str]:
    """The body of a config request, the notebook's folder, the config file's and the
    helper module's server paths."""
    from .apply import notebook_folder
    from .config import DEFAULT_CONFIG_PATH, config_targets, validate_config_path

    body = handler.json_body()
    folder = notebook_folder(body.get("path"))
    config_path = validate_config_path(body.get("config_path", DEFAULT_CONFIG_PATH))
    if "base_hash" in body and body["base_hash"] is not None and not isinstance(body["base_hash"], str):
        raise RequestError('"base_hash" must be the plan\'s base_hash: a string or null')
    target, helper = await config_targets(handler.contents_manager, folder, config_path)
    return {**body, "config_path": config_path}, folder, target, helper


class GraduatePlanHandler(BaseHandler):
    """POST graduate/plan: ``{"path", "notebook", "script"?, "overwrite"?}`` -> the
    graduation plan (``graduate.plan_graduation``); the files it may write are read here.
    Writes nothing, hence a read."""

    @tornado.web.authenticated
    @authorized_to("read")
    async def post(self) -> None:
        from .graduate import plan_graduation

        body, sources = await graduate_request(self)
        self.reply(await run_engine(plan_graduation, {**body, **sources}))


class GraduateApplyHandler(BaseHandler):
    """POST graduate/apply: plan again against the files' current text and write the
    modules and the script; the notebook edit is the client's (one undoable edit). A file
    that changed since that plan (its ``base_hash``) is a 409 and nothing is written. The
    answer adds ``written`` and ``undo``: the ``extract/restore`` requests that take the
    writes back, in order. Graduations of one folder are serialised."""

    @tornado.web.authenticated
    @authorized_to("write")
    async def post(self) -> None:
        from .apply import notebook_folder
        from .graduate import plan_graduation, save_graduation_contents

        folder = notebook_folder(self.json_body().get("path"))
        locks = self.settings.setdefault("jupyter_nbrefactor_module_locks", {})
        async with locks.setdefault(f"graduate:{folder}", asyncio.Lock()):
            body, sources = await graduate_request(self)
            plan = await run_engine(plan_graduation, {**body, **sources})
            expected = body.get("base_hashes")
            if plan["refused"] is None and isinstance(expected, dict):
                for f in plan["files"]:
                    if f["path"] in expected and expected[f["path"]] != f["base_hash"]:
                        raise RequestError(f"{f['path']} changed since the graduation was planned: plan again", 409)
            written: list[str] | None = None
            undo: list[RestoreStep] = []
            if plan["refused"] is None:
                written, undo = await save_graduation_contents(self.contents_manager, folder, plan)
        self.reply({**plan, "written": written, "undo": undo})


async def graduate_request(handler: BaseHandler) -> tuple[dict[str, Any], dict[str, Any]]:
    """The body of a graduate request and the current text of the files it may write."""
    from .apply import notebook_folder
    from .graduate import DEFAULT_SCRIPT, candidate_paths, read_graduation_sources
    from .modpath import validate_module_path

    body = handler.json_body()
    folder = notebook_folder(body.get("path"))
    notebook = body.get("notebook")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise RequestError('"notebook" must be an nbformat v4 notebook with a "cells" list')
    script = validate_module_path(body.get("script") or DEFAULT_SCRIPT)
    path = str(body["path"]).rsplit("/", 1)[-1]
    paths = await run_engine(candidate_paths, notebook, script)
    sources = await read_graduation_sources(handler.contents_manager, folder, paths)
    return {**body, "script": script, "path": path}, sources


ROUTES: list[tuple[str, type]] = [
    ("version", VersionHandler),
    ("analyze", AnalyzeHandler),
    ("graph", GraphHandler),
    ("extract/plan", ExtractPlanHandler),
    ("extract/apply", ExtractApplyHandler),
    ("extract/suggest", ExtractSuggestHandler),
    ("extract/restore", ExtractRestoreHandler),
    ("lint", LintHandler),
    ("report", ReportHandler),
    ("verify", VerifyHandler),
    ("config/plan", ConfigPlanHandler),
    ("config/apply", ConfigApplyHandler),
    ("graduate/plan", GraduatePlanHandler),
    ("graduate/apply", GraduateApplyHandler),
]
